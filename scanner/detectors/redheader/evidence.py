"""Reading a :class:`~scanner.extract.layout.Layout` for the parts of a 红头文件 (GB/T 9704-2012).

* masthead (发文机关标志): red text — or a red raster block in a scan or a pasted
  picture — large, centred, in the top 40 % of page 1, often ending in 文件;
* separator line (版头分隔线): a red rule about 156 mm long (the type area) a few
  millimetres under the 发文字号; the 信函 format uses a red double line of about 170 mm;
* round seal (印章): a red round mark 38–62 mm across whose outer rim is red all round.

HTML layouts (``kind="html"``) have no page: "top" is the first items in reading
order and lengths are unknown, so the rule is a red ``<hr>``/border after the masthead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from scanner.extract.layout import ImageBox, Layout, PageLayout, Rule, TextRun, is_red

TOP_SHARE = 0.40
MIN_MASTHEAD_PT = 20.0  # 发文机关标志 is set far above body size (三号 = 16 pt)
MIN_MASTHEAD_MM = 7.0
CENTRE_TOLERANCE_MM = 22.0
SEPARATOR_MIN_MM = 120.0
SEPARATOR_MAX_MM = 190.0
LETTER_MIN_MM = 163.0
SEAL_MIN_MM, SEAL_MAX_MM = 38.0, 62.0
SEAL_MIN_RING = 0.75
HTML_TOP_ITEMS = 12

DOC_NUMBER = re.compile(r"[\u4e00-\u9fa5]{1,12}[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*\d{1,4}\s*号")


def red_text(run: TextRun) -> bool:
    return is_red(run.color) and bool(run.text.strip())


@dataclass(slots=True)
class Masthead:
    text: str
    color: tuple[int, int, int] | None
    bbox: tuple[float, float, float, float] | None
    size_pt: float | None
    source: str  # text, raster
    colour_source: str = ""
    centre_offset_mm: float | None = None
    order: int = 0

    def to_dict(self) -> dict:
        out = {"text": self.text, "source": self.source}
        if self.color:
            out["color_rgb"] = list(self.color)
        if self.colour_source:
            out["colour_from"] = self.colour_source
        if self.bbox:
            out["bbox_mm"] = [round(v, 1) for v in self.bbox]
        if self.size_pt:
            out["size_pt"] = round(self.size_pt, 1)
        if self.centre_offset_mm is not None:
            out["centre_offset_mm"] = round(self.centre_offset_mm, 1)
        return out


@dataclass(slots=True)
class Separator:
    rules: list[Rule] = field(default_factory=list)

    @property
    def double(self) -> bool:
        return len(self.rules) >= 2

    def to_dict(self) -> dict:
        r = self.rules[0]
        out = {"kind": r.kind, "color_rgb": list(r.color) if r.color else None}
        if r.length_mm is not None:
            out["length_mm"] = round(r.length_mm, 1)
        if r.y0 is not None:
            out["y_mm"] = round(r.y0, 1)
        if r.width_mm:
            out["thickness_mm"] = round(r.width_mm, 2)
        if self.double:
            out["double"] = True
        return out


def _merge_lines(runs: list[TextRun]) -> list[list[TextRun]]:
    """Group runs whose boxes share a baseline band (one visual line)."""
    lines: list[list[TextRun]] = []
    for run in sorted(runs, key=lambda r: (r.bbox[1], r.bbox[0]) if r.bbox else (0, r.order)):
        if run.bbox is None:
            lines.append([run])
            continue
        for line in lines:
            b = line[0].bbox
            if b is None:
                continue
            overlap = min(b[3], run.bbox[3]) - max(b[1], run.bbox[1])
            if overlap > 0.5 * min(b[3] - b[1], run.bbox[3] - run.bbox[1]):
                line.append(run)
                break
        else:
            lines.append([run])
    return lines


def find_masthead(page: PageLayout, html: bool = False) -> Masthead | None:
    """The largest red, centred text line (or red raster block) in the top of page 1."""
    height = page.height_mm
    width = page.width_mm
    best: Masthead | None = None
    reds = [r for r in page.runs if red_text(r)]
    if html:
        items = sorted([*page.runs, *page.rules], key=lambda x: x.order)[:HTML_TOP_ITEMS * 3]
        early = {id(x) for x in items}
        reds = [r for r in reds if id(r) in early]
    for line in _merge_lines(reds):
        text = "".join(r.text for r in sorted(line, key=lambda r: (r.bbox[0] if r.bbox else 0, r.order))).strip()
        size = max((r.size_pt or 0) for r in line) or None
        if line[0].bbox is not None:
            x0 = min(r.bbox[0] for r in line)
            x1 = max(r.bbox[2] for r in line)
            y0 = min(r.bbox[1] for r in line)
            y1 = max(r.bbox[3] for r in line)
            bbox = (x0, y0, x1, y1)
            if height and y0 > TOP_SHARE * height:
                continue
            tall = (y1 - y0) >= MIN_MASTHEAD_MM or (size or 0) >= MIN_MASTHEAD_PT
            if not tall:
                continue
            offset = abs((x0 + x1) / 2 - width / 2) if width else None
            centred = offset is not None and offset <= CENTRE_TOLERANCE_MM or any(r.align == "center" for r in line)
        else:
            bbox = None
            offset = None
            tall = (size or 0) >= MIN_MASTHEAD_PT
            centred = any(r.align == "center" for r in line) or not html
            if not tall:
                continue
        if not centred or len(text) < 2:
            continue
        cand = Masthead(text=text, color=line[0].color, bbox=bbox, size_pt=size, source="text",
                        colour_source=line[0].source, centre_offset_mm=offset, order=min(r.order for r in line))
        if best is None or (cand.size_pt or 0, len(cand.text)) > (best.size_pt or 0, len(best.text)):
            best = cand
    if best is not None or not height or not width:
        return best
    # a red raster block: a masthead pasted as a picture, or a scanned page
    for img in page.images:
        if img.bbox is None or img.red_fraction is None or img.red_fraction < 0.04:
            continue
        x0, y0, x1, y1 = img.bbox
        w, h = x1 - x0, y1 - y0
        if y0 > TOP_SHARE * height or w < 50 or not (6 <= h <= 45) or w / max(h, 0.1) < 2.5:
            continue
        if (img.ring_coverage or 0) >= SEAL_MIN_RING and w / max(h, 0.1) < 1.3:
            continue
        offset = abs((x0 + x1) / 2 - width / 2)
        if offset > CENTRE_TOLERANCE_MM:
            continue
        cand = Masthead(text="", color=img.color, bbox=img.bbox, size_pt=None, source="raster",
                        centre_offset_mm=offset, order=img.order)
        if best is None or w > (best.bbox[2] - best.bbox[0]):
            best = cand
    return best


def find_separator(page: PageLayout, masthead: Masthead | None, html: bool = False) -> Separator | None:
    """The red rule under the masthead (single ≈156 mm, or the 信函 double ≈170 mm)."""
    reds = [r for r in page.rules if is_red(r.color)]
    if html:
        after = [r for r in reds if masthead is None or r.order > masthead.order]
        after = [r for r in after if r.length_mm is None or r.length_mm >= 50]
        return Separator([min(after, key=lambda r: r.order)]) if after else None
    height = page.height_mm or 297.0
    below = masthead.bbox[3] if masthead is not None and masthead.bbox else 0.0
    cands = []
    for r in reds:
        length = r.length_mm
        if length is None or not (SEPARATOR_MIN_MM <= length <= SEPARATOR_MAX_MM):
            continue
        if r.y0 is None or abs((r.y1 or r.y0) - r.y0) > 3:
            continue
        if r.y0 < below - 1 or r.y0 > max(below + 90, 0.5 * height):
            continue
        cands.append(r)
    if not cands:
        return None
    cands.sort(key=lambda r: (r.y0, r.order))
    first = cands[0]
    group = [first] + [r for r in cands[1:] if abs(r.y0 - first.y0) <= 3.0 and (abs(r.y0 - first.y0) > 0.2 or
                                                                              abs((r.width_mm or 0) - (first.width_mm or 0)) > 0.05)]
    # de-duplicate identical strokes (some producers paint a rule twice)
    uniq: list[Rule] = []
    for r in group:
        if not any(abs(r.y0 - u.y0) < 0.2 and abs((r.width_mm or 0) - (u.width_mm or 0)) < 0.05 for u in uniq):
            uniq.append(r)
    return Separator(uniq)


@dataclass(slots=True)
class Seal:
    bbox: tuple[float, float, float, float]
    diameter_mm: float
    ring: float
    kind: str
    page: int
    red_fraction: float | None

    def to_dict(self) -> dict:
        out = {"page": self.page, "diameter_mm": round(self.diameter_mm, 1), "rim_coverage": round(self.ring, 2),
               "bbox_mm": [round(v, 1) for v in self.bbox], "kind": self.kind}
        if self.red_fraction is not None:
            out["red_fraction"] = round(self.red_fraction, 3)
        return out


def find_seals(layout: Layout) -> list[Seal]:
    out = []
    for page in layout.pages:
        for img in page.images:
            if img.bbox is None or img.ring_coverage is None:
                continue
            red = is_red(img.color) if img.kind == "shape" else (img.red_fraction or 0) >= 0.02
            if not red:
                continue
            x0, y0, x1, y1 = img.bbox
            w, h = x1 - x0, y1 - y0
            if not (SEAL_MIN_MM <= w <= SEAL_MAX_MM and SEAL_MIN_MM <= h <= SEAL_MAX_MM):
                continue
            if not (0.8 <= w / max(h, 0.1) <= 1.25) or img.ring_coverage < SEAL_MIN_RING:
                continue
            out.append(Seal(img.bbox, (w + h) / 2, img.ring_coverage, img.kind, page.number, img.red_fraction))
    return out


def doc_number(text: str) -> re.Match | None:
    """The 发文字号 (e.g. 某政发〔2026〕12号) near the top of the text."""
    return DOC_NUMBER.search(text[:2000].replace(" ", ""))
