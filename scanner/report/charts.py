"""Inline SVG charts (no scripts, no CDN): horizontal bars and a compliance donut."""

from __future__ import annotations

import math
from html import escape

PALETTE = ["#b71c1c", "#e65100", "#f9a825", "#2e7d32", "#1565c0", "#6a1b9a", "#455a64", "#00838f"]


def bars(items: list[tuple[str, int]], width: int = 520, row: int = 24) -> str:
    if not items:
        return '<p class="muted">无</p>'
    top = max(v for _, v in items) or 1
    label_w, h = 170, row * len(items) + 8
    out = [f'<svg class="chart" width="{width}" height="{h}" viewBox="0 0 {width} {h}" role="img">']
    for i, (label, value) in enumerate(items):
        y = 4 + i * row
        w = (width - label_w - 50) * value / top
        out.append(f'<text x="{label_w - 6}" y="{y + row * 0.65:.1f}" text-anchor="end">{escape(label)}</text>'
                   f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" '
                   f'fill="{PALETTE[i % len(PALETTE)]}"/>'
                   f'<text x="{label_w + w + 6:.1f}" y="{y + row * 0.65:.1f}">{value}</text>')
    out.append("</svg>")
    return "".join(out)


def donut(parts: list[tuple[str, int, str]], size: int = 160) -> str:
    """``parts`` = (label, value, colour); the legend is drawn beside the ring."""
    total = sum(v for _, v, _ in parts)
    r, c = size * 0.36, size / 2
    out = [f'<svg class="chart" width="{size + 200}" height="{size}" viewBox="0 0 {size + 200} {size}" role="img">']
    if total == 0:
        out.append(f'<circle cx="{c}" cy="{c}" r="{r}" fill="none" stroke="#ddd" stroke-width="{size * 0.16}"/>')
    angle = -math.pi / 2
    for label, value, colour in parts:
        if not value:
            continue
        sweep = 2 * math.pi * value / total
        if value == total:
            out.append(f'<circle cx="{c}" cy="{c}" r="{r}" fill="none" stroke="{colour}" '
                       f'stroke-width="{size * 0.16}"/>')
        else:
            x0, y0 = c + r * math.cos(angle), c + r * math.sin(angle)
            x1, y1 = c + r * math.cos(angle + sweep), c + r * math.sin(angle + sweep)
            large = 1 if sweep > math.pi else 0
            out.append(f'<path d="M{x0:.1f},{y0:.1f} A{r:.1f},{r:.1f} 0 {large} 1 {x1:.1f},{y1:.1f}" fill="none" '
                       f'stroke="{colour}" stroke-width="{size * 0.16}"/>')
        angle += sweep
    for i, (label, value, colour) in enumerate(parts):
        y = 20 + i * 22
        out.append(f'<rect x="{size + 10}" y="{y - 11}" width="12" height="12" fill="{colour}"/>'
                   f'<text x="{size + 28}" y="{y}">{escape(label)}：{value}</text>')
    out.append("</svg>")
    return "".join(out)
