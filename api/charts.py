"""Small inline-SVG charts for the dashboard (no JavaScript library, no CDN)."""

from __future__ import annotations

from html import escape

SEVERITY_COLOURS = {"veto": "#7f1d1d", "high": "#dc2626", "medium": "#f59e0b", "low": "#3b82f6", "info": "#9ca3af"}
SEVERITY_NAMES = {"veto": "否决", "high": "高", "medium": "中", "low": "低", "info": "提示"}


def stacked_bars(rows: list[tuple[str, dict[str, int]]], order: list[str], title: str) -> str:
    """Horizontal stacked bars: one row per label, one segment per severity."""
    width, bar_h, left = 560, 22, 150
    total_max = max((sum(v.values()) for _, v in rows), default=0) or 1
    height = 40 + len(rows) * (bar_h + 8) + 24
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
             f'<title>{escape(title)}</title>']
    y = 30
    for label, counts in rows:
        parts.append(f'<text x="{left - 8}" y="{y + 16}" text-anchor="end" font-size="13">{escape(label)}</text>')
        x = float(left)
        for sev in order:
            n = counts.get(sev, 0)
            if not n:
                continue
            w = (width - left - 40) * n / total_max
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{SEVERITY_COLOURS[sev]}">'
                         f'<title>{escape(label)} {SEVERITY_NAMES[sev]}：{n}</title></rect>')
            x += w
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 16}" font-size="12">{sum(counts.values())}</text>')
        y += bar_h + 8
    if not rows:
        parts.append('<text x="20" y="50" font-size="13">暂无待整改工单</text>')
    lx = left
    for sev in order:
        parts.append(f'<rect x="{lx}" y="{height - 16}" width="12" height="12" fill="{SEVERITY_COLOURS[sev]}"/>'
                     f'<text x="{lx + 16}" y="{height - 6}" font-size="12">{SEVERITY_NAMES[sev]}</text>')
        lx += 60
    parts.append("</svg>")
    return "".join(parts)


def gauge(met: int, total: int, title: str) -> str:
    """SLA compliance as a ring with the percentage in the middle."""
    pct = (met / total) if total else 1.0
    r, c = 52, 2 * 3.14159 * 52
    colour = "#16a34a" if pct >= 0.9 else "#f59e0b" if pct >= 0.7 else "#dc2626"
    return (f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 160 140" width="160" height="140" '
            f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
            f'<circle cx="80" cy="64" r="{r}" fill="none" stroke="#e5e7eb" stroke-width="14"/>'
            f'<circle cx="80" cy="64" r="{r}" fill="none" stroke="{colour}" stroke-width="14" '
            f'stroke-dasharray="{c * pct:.1f} {c:.1f}" transform="rotate(-90 80 64)"/>'
            f'<text x="80" y="70" text-anchor="middle" font-size="22" font-weight="bold">{pct * 100:.0f}%</text>'
            f'<text x="80" y="134" text-anchor="middle" font-size="12">{met}/{total} 按时整改</text></svg>')


def columns(points: list[tuple[str, int]], title: str) -> str:
    """Vertical bars over time (one per day)."""
    width, height, bottom = 560, 180, 150
    top = max((n for _, n in points), default=0) or 1
    step = (width - 40) / max(1, len(points))
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
             f'<line x1="30" y1="{bottom}" x2="{width - 5}" y2="{bottom}" stroke="#9ca3af"/>']
    for i, (day, n) in enumerate(points):
        h = (bottom - 20) * n / top
        x = 32 + i * step
        parts.append(f'<rect x="{x:.1f}" y="{bottom - h:.1f}" width="{max(2.0, step - 3):.1f}" height="{h:.1f}" '
                     f'fill="#2563eb"><title>{escape(day)}：{n}</title></rect>')
        if i % max(1, len(points) // 6) == 0:
            parts.append(f'<text x="{x:.1f}" y="{bottom + 16}" font-size="11">{escape(day[5:])}</text>')
    parts.append(f'<text x="4" y="24" font-size="11">{top}</text></svg>')
    return "".join(parts)
