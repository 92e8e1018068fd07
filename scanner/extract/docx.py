"""DOCX: text with a source map, tables, and the visual evidence a red-header check reads.

Parsed from the package's XML (through :mod:`scanner.extract.limits`: zip-bomb and
XML-bomb checked) rather than python-docx, because the red of a 红头文件 hides
where python-docx does not look: character and paragraph styles, theme colours,
text boxes (``w:txbxContent`` in DrawingML or VML), the header part, tables and
their borders, DrawingML and VML lines, paragraph borders, floating images.

Text: one line per paragraph; a table row is one line with cells separated by a
tab (a cell's own paragraphs by newlines).  Parts in order: header(s), body,
text boxes inline where they are anchored, footnotes, endnotes, footer(s).
Locations: ``{"part": "body", "paragraph": n}``; table cells
``{"part": "body", "table": t, "cell": "R2C3"}``; ``part`` is header, footer,
footnote, endnote or textbox elsewhere.

Layout: Word does not store where lines fall, so positions (mm from the page's
top-left corner) are estimated from the page set-up, paragraph spacing, font
sizes and text widths — close enough to tell a masthead in the top 40 % of page 1
from body text; shapes and floating pictures use their stored offsets.
"""

from __future__ import annotations

import math
import posixpath
from dataclasses import dataclass, field

from scanner.document import Document, Location, Segment, Table, TableCell
from scanner.errors import CorruptFile, EncryptedFile, UnsupportedFormat
from scanner.extract.docx_styles import A, W, ParaProps, RunProps, Styles, hex_rgb, parse_theme
from scanner.extract.layout import ImageBox, Layout, PageLayout, Rule, TextRun
from scanner.extract.limits import (OLE_MAGIC, ZipBudget, is_ole_encrypted, open_zip, options_deadline, parse_xml,
                                    read_member)

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

_W = "{%s}" % W
_A = "{%s}" % A
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_R = "{%s}" % R_NS
_WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
_WPS = "{http://schemas.microsoft.com/office/word/2010/wordprocessingShape}"
_V = "{urn:schemas-microsoft-com:vml}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DC = "{http://purl.org/dc/elements/1.1/}"

EMU_PER_MM = 36000.0
PT_MM = 25.4 / 72
TWIP_MM = 25.4 / 1440
MAX_IMAGE_BYTES = 30 * 1024 * 1024
LAYOUT_PAGES = 60  # positions are estimated for this many pages (the masthead and the last page matter)


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _text_width_mm(text: str, size_pt: float, spacing_pt: float = 0.0) -> float:
    units = 0.0
    for ch in text:
        o = ord(ch)
        units += 1.0 if o >= 0x2E80 or 0xFF00 <= o <= 0xFFEF else (0.3 if ch == " " else 0.55)
    return (units * size_pt + spacing_pt * len(text)) * PT_MM


def _length_mm(value: str | None) -> float | None:
    """A VML/CSS length (pt, in, cm, mm, px, emu; bare numbers as px) in mm."""
    if value is None:
        return None
    v = value.strip().lower()
    units = {"pt": PT_MM, "in": 25.4, "cm": 10.0, "mm": 1.0, "px": 0.75 * PT_MM, "emu": 1 / EMU_PER_MM}
    for unit, factor in units.items():
        if v.endswith(unit):
            try:
                return float(v[: -len(unit)]) * factor
            except ValueError:
                return None
    try:
        return float(v) * 0.75 * PT_MM
    except ValueError:
        return None


def _style_map(style: str | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for decl in (style or "").split(";"):
        if ":" in decl:
            k, _, v = decl.partition(":")
            out[k.strip().lower()] = v.strip()
    return out


@dataclass(slots=True)
class _Page:
    width: float = 210.0
    height: float = 297.0
    top: float = 37.0
    bottom: float = 35.0
    left: float = 28.0
    right: float = 26.0
    header: float = 15.0

    @property
    def text_width(self) -> float:
        return max(10.0, self.width - self.left - self.right)


@dataclass(slots=True)
class _Ctx:
    """Where text is being laid out: a part of the document, optionally a table cell or text box."""

    part: str
    x0: float
    x1: float
    table: int | None = None
    cell: str | None = None
    role: str = "body"
    in_box: bool = False


@dataclass(slots=True)
class _State:
    pieces: list[str] = field(default_factory=list)
    pos: int = 0
    segments: list[Segment] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    pages: list[PageLayout] = field(default_factory=list)
    para_count: dict[str, int] = field(default_factory=dict)
    order: int = 0


class _DocxReader:
    def __init__(self, data: bytes, options: object):
        self.deadline = options_deadline(options, "DOCX extraction")
        self.zf = open_zip(data, "DOCX")
        self.budget = ZipBudget()
        self.names = set(self.zf.namelist())
        if "word/document.xml" not in self.names:
            raise CorruptFile("DOCX package has no word/document.xml")
        self.state = _State()
        self.page = _Page()
        self.page_no = 1
        self.y = self.page.top
        theme = None
        for name in sorted(self.names):
            if name.startswith("word/theme/") and name.endswith(".xml"):
                theme = self._xml(name)
                break
        self.styles = Styles(self._xml("word/styles.xml") if "word/styles.xml" in self.names else None,
                             parse_theme(theme))
        self.images: dict[str, tuple[float, float, tuple | None, tuple[int, int]]] = {}

    # -- package access ----------------------------------------------------------------------------------
    def _xml(self, name: str):
        return parse_xml(read_member(self.zf, name, budget=self.budget), name)

    def _rels(self, part: str) -> dict[str, str]:
        folder, base = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", base + ".rels")
        if rels_name not in self.names:
            return {}
        out = {}
        for rel in self._xml(rels_name).iter(f"{_PR}Relationship"):
            target = rel.get("Target", "")
            if rel.get("TargetMode") == "External":
                continue
            out[rel.get("Id", "")] = posixpath.normpath(posixpath.join(folder, target)) if not target.startswith("/") \
                else target.lstrip("/")
        return out

    # -- layout helpers ----------------------------------------------------------------------------------
    def _page_layout(self, number: int | None = None) -> PageLayout | None:
        number = number or self.page_no
        if number > LAYOUT_PAGES:
            return None
        pages = self.state.pages
        while len(pages) < number:
            pages.append(PageLayout(number=len(pages) + 1, width_mm=self.page.width, height_mm=self.page.height))
        return pages[number - 1]

    def _advance(self, height: float) -> float:
        """Reserve ``height`` mm in the flow; returns the top of the reserved block."""
        if self.y + height > self.page.height - self.page.bottom and self.y > self.page.top + 1:
            self._new_page()
        top = self.y
        self.y += height
        return top

    def _new_page(self) -> None:
        self.page_no += 1
        self.y = self.page.top

    def _next_order(self) -> int:
        self.state.order += 1
        return self.state.order

    # -- text emission -----------------------------------------------------------------------------------
    def _emit(self, text: str, loc: Location | None, role: str, hidden: bool = False) -> tuple[int, int]:
        st = self.state
        start = st.pos
        if text:
            st.pieces.append(text)
            st.pos += len(text)
            if loc is not None:
                st.segments.append(Segment(start, st.pos, loc, role=role, hidden=hidden))
        return start, st.pos

    def _sep(self, sep: str) -> None:
        st = self.state
        st.pieces.append(sep)
        st.pos += len(sep)

    # -- paragraphs ----------------------------------------------------------------------------------------
    def _runs_of(self, p, pstyle: str | None, ctx: _Ctx, anchors: list):
        """(text, RunProps) pieces of a paragraph, in order; drawings are collected into ``anchors``."""
        out: list[tuple[str, RunProps]] = []

        def walk(el):
            for child in el:
                tag = _local(child.tag)
                if tag == "r":
                    props = self.styles.run_props(pstyle, child.find(f"{_W}rPr"))
                    buf = []
                    for item in child:
                        it = _local(item.tag)
                        if it == "t":
                            buf.append(item.text or "")
                        elif it == "tab":
                            buf.append("\t")
                        elif it in ("br", "cr"):
                            if item.get(f"{_W}type") == "page":
                                anchors.append(("pagebreak", None))
                            else:
                                buf.append(" ")
                        elif it == "noBreakHyphen":
                            buf.append("-")
                        elif it == "sym":
                            buf.append(" ")
                        elif it in ("drawing", "pict", "object"):
                            if buf:
                                out.append(("".join(buf), props))
                                buf = []
                            anchors.append((it, item))
                        elif it == "AlternateContent":
                            if buf:
                                out.append(("".join(buf), props))
                                buf = []
                            choice = item.find(f"{_MC}Choice")
                            chosen = choice if choice is not None and len(choice) else item.find(f"{_MC}Fallback")
                            if chosen is not None:
                                for sub in chosen:
                                    anchors.append((_local(sub.tag), sub))
                        elif it == "lastRenderedPageBreak":
                            pass
                    if buf:
                        out.append(("".join(buf), props))
                elif tag in ("hyperlink", "ins", "smartTag", "fldSimple", "customXml", "sdt", "sdtContent", "dir",
                             "bdo", "moveTo"):
                    walk(child)
                elif tag == "AlternateContent":
                    choice = child.find(f"{_MC}Choice")
                    chosen = choice if choice is not None and len(choice) else child.find(f"{_MC}Fallback")
                    if chosen is not None:
                        walk(chosen)
        walk(p)
        return out

    def paragraph(self, p, ctx: _Ctx, rels: dict[str, str], flow: bool = True, number: bool = True) -> tuple[int, int]:
        self.deadline.check()
        ppr = p.find(f"{_W}pPr")
        pstyle, pp = self.styles.para_props(ppr)
        if pp.page_break_before and flow and ctx.part == "body" and ctx.table is None:
            self._new_page()
        anchors: list = []
        runs = self._runs_of(p, pstyle, ctx, anchors)
        text = "".join(t for t, _ in runs)
        st = self.state
        loc = None
        if text:
            if ctx.table is not None:
                loc = Location(part=ctx.part, table=ctx.table, cell=ctx.cell)
            else:
                n = st.para_count.get(ctx.part, 0) + 1
                st.para_count[ctx.part] = n
                loc = Location(part=ctx.part, paragraph=n)
        hidden = bool(runs) and all(rp.hidden for _, rp in runs)
        start, end = self._emit(text, loc, ctx.role, hidden)

        # geometry: estimated line boxes
        size = max((rp.size_pt or 10.5 for t, rp in runs if t.strip()), default=self.styles.base_run(pstyle).size_pt
                   or 10.5)
        if pp.line is None:
            line_h = size * 1.3 * PT_MM
        elif pp.line[0] == "auto":
            line_h = size * 1.3 * pp.line[1] * PT_MM
        elif pp.line[0] == "exact":
            line_h = pp.line[1] * PT_MM
        else:
            line_h = max(pp.line[1] * PT_MM, size * 1.3 * PT_MM)
        x0 = ctx.x0 + pp.ind_left_pt * PT_MM
        x1 = ctx.x1 - pp.ind_right_pt * PT_MM
        avail = max(5.0, x1 - x0)
        widths = [_text_width_mm(t, rp.size_pt or 10.5, rp.spacing_pt) for t, rp in runs]
        total_w = sum(widths)
        n_lines = max(1, math.ceil(total_w / avail)) if text else 1
        height = pp.before_pt * PT_MM + n_lines * line_h + pp.after_pt * PT_MM
        top = self._advance(height) if flow else self.y
        if not flow:
            self.y += height
        page = self._page_layout()
        if page is not None:
            line_top = top + pp.before_pt * PT_MM
            line_w = min(total_w, avail)
            if pp.align == "center":
                cur = x0 + (avail - line_w) / 2
            elif pp.align == "right":
                cur = x1 - line_w
            else:
                cur = x0
            offset = start
            line_start = cur
            for (t, rp), w in zip(runs, widths):
                if t.strip():
                    rx0 = cur
                    rx1 = min(cur + w, x1)
                    page.runs.append(TextRun(
                        text=t, color=rp.color, size_pt=rp.size_pt, bold=rp.bold,
                        bbox=(round(rx0, 2), round(line_top, 2), round(rx1, 2), round(line_top + line_h, 2)),
                        align=pp.align, start=offset, end=offset + len(t), order=self._next_order(),
                        source=rp.color_source or ("default" if rp.color is None else "run")))
                cur += w
                if cur > x1:  # wrapped: continue on the next estimated line
                    cur = line_start + (cur - x1)
                    line_top += line_h
                offset += len(t)
            bottom = top + height
            for side, val, sz, color, source, space in pp.borders:
                if side not in ("bottom", "top", "between"):
                    continue
                y = (bottom + space * PT_MM) if side != "top" else (top - space * PT_MM)
                self._border_rule(page, x0, x1, y, val, sz, color, "border")
        for kind, el in anchors:
            if kind == "pagebreak":
                if flow and ctx.part == "body":
                    self._new_page()
                continue
            self._drawing(kind, el, ctx, rels, top)
        return start, end

    def _border_rule(self, page: PageLayout, x0: float, x1: float, y: float, val: str, sz_eighths: float,
                     color, kind: str) -> None:
        width = sz_eighths / 8 * PT_MM
        lines = 2 if val in ("double", "thinThickSmallGap", "thickThinSmallGap", "thinThickMediumGap",
                             "thickThinMediumGap", "thinThickLargeGap", "thickThinLargeGap", "triple") else 1
        for i in range(lines):
            yy = y + i * max(0.8, width * 2)
            page.rules.append(Rule(round(x0, 2), round(yy, 2), round(x1, 2), round(yy, 2), color=color,
                                   width_mm=round(width, 3), kind=kind, order=self._next_order()))

    # -- drawings: shapes, lines, pictures, text boxes -------------------------------------------------------
    def _anchor_box(self, holder, cx: float, cy: float, ctx: _Ctx, para_top: float) -> tuple[float, float]:
        """(x0, y0) in mm of a wp:inline / wp:anchor of size cx × cy mm."""
        if holder is None or _local(holder.tag) == "inline":
            return ctx.x0, para_top
        x = ctx.x0
        ph = holder.find(f"{_WP}positionH")
        if ph is not None:
            rel = ph.get("relativeFrom", "column")
            base, span = ((0.0, self.page.width) if rel == "page" else (ctx.x0, ctx.x1 - ctx.x0))
            off = ph.find(f"{_WP}posOffset")
            align = ph.find(f"{_WP}align")
            if off is not None and off.text:
                x = base + float(off.text) / EMU_PER_MM
            elif align is not None:
                a = (align.text or "").strip()
                x = base + (span - cx) / 2 if a == "center" else base + span - cx if a in ("right", "outside") else base
        y = para_top
        pv = holder.find(f"{_WP}positionV")
        if pv is not None:
            rel = pv.get("relativeFrom", "paragraph")
            base = {"page": 0.0, "margin": self.page.top, "topMargin": 0.0}.get(rel, para_top)
            off = pv.find(f"{_WP}posOffset")
            align = pv.find(f"{_WP}align")
            if off is not None and off.text:
                y = base + float(off.text) / EMU_PER_MM
            elif align is not None and rel == "page":
                a = (align.text or "").strip()
                y = (self.page.height - cy) / 2 if a == "center" else self.page.height - cy if a == "bottom" else 0.0
        return x, y

    def _drawing(self, kind: str, el, ctx: _Ctx, rels: dict[str, str], para_top: float) -> None:
        page = self._page_layout()
        if kind == "drawing":
            for holder in el:
                if _local(holder.tag) not in ("inline", "anchor"):
                    continue
                ext = holder.find(f"{_WP}extent")
                cx = float(ext.get("cx", 0)) / EMU_PER_MM if ext is not None else 0.0
                cy = float(ext.get("cy", 0)) / EMU_PER_MM if ext is not None else 0.0
                x, y = self._anchor_box(holder, cx, cy, ctx, para_top)
                floating = _local(holder.tag) == "anchor"
                for blip in holder.iter(f"{_A}blip"):
                    rid = blip.get(f"{_R}embed") or blip.get(f"{_R}link")
                    self._image(page, rels.get(rid or ""), (x, y, x + cx, y + cy), "floating" if floating else "inline")
                for wsp in holder.iter(f"{_WPS}wsp"):
                    self._dml_shape(page, wsp, (x, y, x + cx, y + cy), ctx, rels)
        elif kind in ("pict", "object"):
            for shape in el:
                self._vml_shape(page, shape, ctx, rels, para_top)

    def _dml_color(self, el) -> tuple | None:
        """RGB of an a:solidFill / a:ln's fill (srgbClr, schemeClr, sysClr, prstClr)."""
        if el is None:
            return None
        fill = el.find(f"{_A}solidFill") if _local(el.tag) != "solidFill" else el
        if fill is None:
            return None
        for c in fill:
            tag = _local(c.tag)
            if tag == "srgbClr":
                return hex_rgb(c.get("val"))
            if tag == "schemeClr":
                from scanner.extract.docx_styles import THEME_NAMES

                return self.styles.theme.get(THEME_NAMES.get(c.get("val", ""), c.get("val", "")))
            if tag == "sysClr":
                return hex_rgb(c.get("lastClr"))
            if tag == "prstClr":
                return {"red": (255, 0, 0), "black": (0, 0, 0), "darkRed": (139, 0, 0)}.get(c.get("val", ""))
        return None

    def _dml_shape(self, page, wsp, box, ctx: _Ctx, rels) -> None:
        sppr = wsp.find(f"{_WPS}spPr")
        geom = sppr.find(f"{_A}prstGeom").get("prst", "rect") if sppr is not None and sppr.find(f"{_A}prstGeom") \
            is not None else "rect"
        ln = sppr.find(f"{_A}ln") if sppr is not None else None
        line_color = self._dml_color(ln) if ln is not None else None
        fill_color = self._dml_color(sppr) if sppr is not None else None
        x0, y0, x1, y1 = box
        if page is not None:
            if geom in ("line", "straightConnector1") or (y1 - y0) < 0.3 or (x1 - x0) < 0.3:
                width = float(ln.get("w", 12700)) / EMU_PER_MM if ln is not None else 0.35
                page.rules.append(Rule(round(x0, 2), round(y0, 2), round(x1, 2), round(y1, 2), color=line_color or
                                       fill_color, width_mm=round(width, 3), kind="drawingml", order=self._next_order()))
            elif geom == "rect" and (y1 - y0) <= 3.0 and fill_color is not None:
                page.rules.append(Rule(round(x0, 2), round((y0 + y1) / 2, 2), round(x1, 2), round((y0 + y1) / 2, 2),
                                       color=fill_color, width_mm=round(y1 - y0, 3), kind="rect",
                                       order=self._next_order()))
            elif geom in ("ellipse", "donut", "flowChartConnector") and (line_color or fill_color):
                page.images.append(ImageBox((round(x0, 2), round(y0, 2), round(x1, 2), round(y1, 2)),
                                            red_fraction=None, kind="shape", order=self._next_order(),
                                            ring_coverage=1.0 if line_color else None,
                                            color=line_color or fill_color))
        txbx = wsp.find(f"{_WPS}txbx")
        if txbx is not None:
            content = txbx.find(f"{_W}txbxContent")
            if content is not None:
                self._text_box(content, box, rels)

    def _text_box(self, content, box, rels) -> None:
        saved_y, saved_page = self.y, self.page_no
        x0, y0, x1, _ = box
        self.y = y0 + 1.3
        inner = _Ctx(part="textbox", x0=x0 + 2.5, x1=max(x0 + 5, x1 - 2.5), role="body", in_box=True)
        self._block(content, inner, rels, flow=False)
        self.y, self.page_no = saved_y, saved_page

    def _vml_shape(self, page, shape, ctx: _Ctx, rels, para_top: float) -> None:
        tag = _local(shape.tag)
        if tag == "group":
            for sub in shape:
                self._vml_shape(page, sub, ctx, rels, para_top)
            return
        style = _style_map(shape.get("style"))
        stroke = shape.get("strokecolor")
        color = _vml_color(stroke) if stroke else None
        stroked = shape.get("stroked", "t") not in ("f", "false")
        weight = _length_mm(shape.get("strokeweight")) or 0.26
        rel_h = style.get("mso-position-horizontal-relative", "column")
        rel_v = style.get("mso-position-vertical-relative", "paragraph")
        base_x = 0.0 if rel_h == "page" else ctx.x0
        base_y = 0.0 if rel_v == "page" else self.page.top if rel_v == "margin" else para_top
        left = _length_mm(style.get("margin-left") or style.get("left")) or 0.0
        top = _length_mm(style.get("margin-top") or style.get("top")) or 0.0
        width = _length_mm(style.get("width")) or 0.0
        height = _length_mm(style.get("height")) or 0.0
        if tag == "line":
            fx, fy = (_pair(shape.get("from")) or (0.0, 0.0))
            tx, ty = (_pair(shape.get("to")) or (0.0, 0.0))
            if page is not None and stroked:
                page.rules.append(Rule(round(base_x + left + fx, 2), round(base_y + top + fy, 2),
                                       round(base_x + left + tx, 2), round(base_y + top + ty, 2), color=color or (0, 0, 0),
                                       width_mm=round(weight, 3), kind="vml", order=self._next_order()))
            return
        x0, y0 = base_x + left, base_y + top
        box = (x0, y0, x0 + width, y0 + height)
        fill = _vml_color(shape.get("fillcolor")) if shape.get("filled", "t") not in ("f", "false") and \
            shape.get("fillcolor") else None
        if page is not None and width > 0:
            if tag == "oval" and (color or fill):
                page.images.append(ImageBox(tuple(round(v, 2) for v in box), kind="shape", order=self._next_order(),
                                            ring_coverage=1.0 if color and stroked else None, color=color or fill))
            elif tag in ("rect", "shape") and height <= 3.0 and (fill or color):
                y = y0 + height / 2
                page.rules.append(Rule(round(x0, 2), round(y, 2), round(x0 + width, 2), round(y, 2),
                                       color=fill or color, width_mm=round(max(height, weight), 3), kind="vml",
                                       order=self._next_order()))
        for img in shape.iter(f"{_V}imagedata"):
            rid = img.get(f"{_R}id") or img.get(f"{_R}pict")
            self._image(page, rels.get(rid or ""), box, "floating" if "absolute" in style.get("position", "") else "inline")
        tb = shape.find(f"{_V}textbox")
        if tb is not None:
            content = tb.find(f"{_W}txbxContent")
            if content is not None:
                self._text_box(content, box, rels)

    def _image(self, page, target: str | None, box, kind: str) -> None:
        if page is None or not target or target not in self.names:
            return
        info = self.zf.getinfo(target)
        red_fraction = ring = None
        if info.file_size <= MAX_IMAGE_BYTES:
            try:
                from scanner.extract.image_raster import red_stats

                if target not in self.images:
                    self.images[target] = red_stats(read_member(self.zf, target, MAX_IMAGE_BYTES, self.budget))
                red_fraction, ring, rbox, (w, h) = self.images[target]
                if rbox is not None and w and h:  # narrow the box to the red part of the picture
                    x0, y0, x1, y1 = box
                    sx, sy = (x1 - x0) / w, (y1 - y0) / h
                    box = (x0 + rbox[0] * sx, y0 + rbox[1] * sy, x0 + rbox[2] * sx, y0 + rbox[3] * sy)
                    red_fraction = red_fraction * (w * h) / max(1, (rbox[2] - rbox[0]) * (rbox[3] - rbox[1]))
            except Exception:  # an unreadable picture is not a reason to lose the document's text
                red_fraction = ring = None
        page.images.append(ImageBox(tuple(round(v, 2) for v in box), red_fraction=red_fraction, kind=kind,
                                    order=self._next_order(), ring_coverage=ring))

    # -- tables ------------------------------------------------------------------------------------------------
    def table(self, tbl, ctx: _Ctx, rels, flow: bool = True) -> None:
        st = self.state
        index = len(st.tables) + 1
        st.tables.append(None)  # type: ignore[arg-type]  # reserve the index (nested tables come later)
        grid = [float(g.get(f"{_W}w", 0)) * TWIP_MM for g in tbl.iterfind(f"{_W}tblGrid/{_W}gridCol")]
        tblpr = tbl.find(f"{_W}tblPr")
        ind = tblpr.find(f"{_W}tblInd") if tblpr is not None else None
        tx0 = ctx.x0 + (float(ind.get(f"{_W}w", 0)) * TWIP_MM if ind is not None and ind.get(f"{_W}type", "dxa") ==
                        "dxa" else 0.0)
        total = sum(grid) if grid and sum(grid) > 5 else ctx.x1 - ctx.x0
        jc = tblpr.find(f"{_W}jc") if tblpr is not None else None
        if jc is not None and jc.get(f"{_W}val") == "center":
            tx0 = ctx.x0 + (ctx.x1 - ctx.x0 - total) / 2
        tbl_borders = self._borders(tblpr.find(f"{_W}tblBorders") if tblpr is not None else None)
        style_id = tblpr.find(f"{_W}tblStyle") if tblpr is not None else None
        if style_id is not None and not tbl_borders:
            style = self.styles._styles.get(style_id.get(f"{_W}val", ""))
            if style is not None:
                tbl_borders = self._borders(style.find(f"{_W}tblPr/{_W}tblBorders"))
        cells: list[TableCell] = []
        header_row = None
        rows = [r for r in tbl if _local(r.tag) == "tr"]
        for ri, tr in enumerate(rows):
            trpr = tr.find(f"{_W}trPr")
            if ri == 0 and trpr is not None and trpr.find(f"{_W}tblHeader") is not None:
                header_row = 0
            row_top = self.y
            row_bottom = row_top
            col = 0
            first = True
            x = tx0
            for tc in tr:
                if _local(tc.tag) != "tc":
                    continue
                tcpr = tc.find(f"{_W}tcPr")
                span = 1
                merged = False
                if tcpr is not None:
                    gs = tcpr.find(f"{_W}gridSpan")
                    if gs is not None:
                        try:
                            span = max(1, int(gs.get(f"{_W}val", 1)))
                        except ValueError:
                            span = 1
                    vm = tcpr.find(f"{_W}vMerge")
                    merged = vm is not None and vm.get(f"{_W}val", "continue") == "continue"
                width = sum(grid[col:col + span]) if grid[col:col + span] else total / max(1, len(tr))
                if not merged:
                    if not first:
                        self._sep("\t")
                    first = False
                    self.y = row_top
                    cell_ctx = _Ctx(part=ctx.part, x0=x + 1.9, x1=x + width - 1.9, table=index,
                                    cell=f"R{ri + 1}C{col + 1}", role="cell")
                    start = self.state.pos
                    self._block(tc, cell_ctx, rels, flow=False, joiner="\n")
                    end = self.state.pos
                    cells.append(TableCell(index, ri, col, start, end))
                    row_bottom = max(row_bottom, self.y)
                    cell_borders = self._borders(tcpr.find(f"{_W}tcBorders") if tcpr is not None else None)
                    page = self._page_layout()
                    if page is not None:
                        for side, b in cell_borders.items():
                            if side in ("top", "bottom"):
                                yy = row_top if side == "top" else None
                                self._pending_cell_rules.append((page, x, x + width, yy, side, b))
                x += width
                col += span
            self._sep("\n")
            height = max(row_bottom - row_top, 5.0)
            self.y = row_top
            top = self._advance(height) if flow else self.y
            if not flow:
                self.y += height
            page = self._page_layout()
            for pg, cx0, cx1, yy, side, b in self._pending_cell_rules:
                self._border_rule(pg, cx0, cx1, top + (height if side == "bottom" else 0.0), b[0], b[1], b[2], "table")
            self._pending_cell_rules.clear()
            if page is not None:
                if ri == 0 and "top" in tbl_borders:
                    b = tbl_borders["top"]
                    self._border_rule(page, tx0, tx0 + total, top, b[0], b[1], b[2], "table")
                side = "bottom" if ri == len(rows) - 1 else "insideH"
                if side in tbl_borders:
                    b = tbl_borders[side]
                    self._border_rule(page, tx0, tx0 + total, top + height, b[0], b[1], b[2], "table")
        if header_row is None and len(rows) >= 2:
            header_row = 0
        st.tables[index - 1] = Table(index=index, cells=tuple(cells), header_row=header_row)

    _pending_cell_rules: list = []

    def _borders(self, el) -> dict[str, tuple]:
        out: dict[str, tuple] = {}
        if el is None:
            return out
        for side in el:
            name = _local(side.tag)
            val = side.get(f"{_W}val", "single")
            if val in ("nil", "none"):
                continue
            c = self.styles.color_of(side, "table-border", "color")
            out[name] = (val, float(side.get(f"{_W}sz", 4) or 4), c[0] if c else None)
        return out

    # -- blocks --------------------------------------------------------------------------------------------------
    def _block(self, container, ctx: _Ctx, rels, flow: bool = True, joiner: str = "\n") -> None:
        first = True
        for child in container:
            tag = _local(child.tag)
            if tag == "p":
                if not first and joiner:
                    self._sep(joiner)
                self.paragraph(child, ctx, rels, flow=flow)
                first = False
            elif tag == "tbl":
                if not first and joiner:
                    self._sep(joiner)
                self.table(child, ctx, rels, flow=flow)
                first = True  # a table ends with its own newline
            elif tag in ("sdt", "customXml"):
                content = child.find(f"{_W}sdtContent") if tag == "sdt" else child
                if content is not None:
                    if not first and joiner:
                        self._sep(joiner)
                        first = True
                    self._block(content, ctx, rels, flow=flow, joiner=joiner)
                    first = False
            elif tag == "AlternateContent":
                choice = child.find(f"{_MC}Choice")
                chosen = choice if choice is not None and len(choice) else child.find(f"{_MC}Fallback")
                if chosen is not None:
                    self._block(chosen, ctx, rels, flow=flow, joiner=joiner)
            elif tag == "sectPr":
                pass

    def _section(self, body) -> None:
        sect = body.find(f"{_W}sectPr")
        if sect is None:
            return
        sz = sect.find(f"{_W}pgSz")
        mar = sect.find(f"{_W}pgMar")

        def tw(el, name, default):
            try:
                return float(el.get(f"{_W}{name}")) * TWIP_MM if el is not None and el.get(f"{_W}{name}") else default
            except ValueError:
                return default

        pg = self.page
        pg.width, pg.height = tw(sz, "w", pg.width), tw(sz, "h", pg.height)
        pg.top, pg.bottom = abs(tw(mar, "top", pg.top)), abs(tw(mar, "bottom", pg.bottom))
        pg.left, pg.right, pg.header = tw(mar, "left", pg.left), tw(mar, "right", pg.right), tw(mar, "header", pg.header)
        if pg.width < 50 or pg.height < 50 or pg.width > 2000 or pg.height > 2000:
            self.page = _Page()

    def _part_refs(self, body, rels) -> list[tuple[str, str]]:
        """[(kind, part name)] of header/footer parts the last section uses (first-page ones first)."""
        sect = body.find(f"{_W}sectPr")
        out = []
        if sect is None:
            return out
        for kind in ("header", "footer"):
            refs = {r.get(f"{_W}type", "default"): r.get(f"{_R}id") for r in sect.iterfind(f"{_W}{kind}Reference")}
            for typ in ("first", "default", "even"):
                target = rels.get(refs.get(typ) or "")
                if target and target in self.names and (kind, target) not in out:
                    out.append((kind, target))
        return out

    def read(self) -> Document:
        root = self._xml("word/document.xml")
        body = root.find(f"{_W}body")
        if body is None:
            raise CorruptFile("DOCX document has no body")
        rels = self._rels("word/document.xml")
        self._section(body)
        self._pending_cell_rules = []
        pg = self.page
        refs = self._part_refs(body, rels)
        # header parts: laid out from the header distance on page 1
        header_bottom = pg.top
        for kind, target in refs:
            if kind != "header":
                continue
            part_rels = self._rels(target)
            self.y = pg.header
            self._block(self._xml(target), _Ctx(part="header", x0=pg.left, x1=pg.width - pg.right, role="header"),
                        part_rels, flow=False)
            header_bottom = max(header_bottom, self.y)
            self._sep("\n")
            break  # the first-page (or default) header is the one that shows on page 1
        self.y = max(pg.top, header_bottom)
        self._block(body, _Ctx(part="body", x0=pg.left, x1=pg.width - pg.right), rels)
        self._sep("\n")
        for name, part in (("word/footnotes.xml", "footnote"), ("word/endnotes.xml", "endnote")):
            if name in self.names:
                notes = self._xml(name)
                nrels = self._rels(name)
                for note in notes:
                    if note.get(f"{_W}type") in ("separator", "continuationSeparator", "continuationNotice"):
                        continue
                    self._block(note, _Ctx(part=part, x0=pg.left, x1=pg.width - pg.right, role="footnote"), nrels,
                                flow=False)
                    self._sep("\n")
        for kind, target in refs:
            if kind == "footer":
                self._block(self._xml(target), _Ctx(part="footer", x0=pg.left, x1=pg.width - pg.right, role="footer"),
                            self._rels(target), flow=False)
                self._sep("\n")
                break
        st = self.state
        text = "".join(st.pieces)
        title = None
        if "docProps/core.xml" in self.names:
            try:
                t = self._xml("docProps/core.xml").find(f"{_DC}title")
                title = (t.text or "").strip() or None if t is not None else None
            except Exception:
                title = None
        layout = Layout(kind="docx", pages=st.pages or [PageLayout(1, pg.width, pg.height)])
        return Document(text=text, segments=st.segments, media_type=MEDIA_TYPE, title=title,
                        tables=[t for t in st.tables if t is not None], layout=layout,
                        metadata={"pages_estimated": self.page_no, "page_mm": [round(pg.width, 1), round(pg.height, 1)]})


def _pair(value: str | None) -> tuple[float, float] | None:
    if not value:
        return None
    parts = value.split(",")
    if len(parts) != 2:
        return None
    a, b = _length_mm(parts[0] or "0"), _length_mm(parts[1] or "0")
    return (a, b) if a is not None and b is not None else None


def _vml_color(value: str | None):
    if not value:
        return None
    from scanner.extract.html_css import parse_color

    return parse_color(value.split()[0])


def extract_docx(data: bytes, source: str, options: object) -> Document:
    if data.startswith(OLE_MAGIC):
        if is_ole_encrypted(data):
            raise EncryptedFile("DOCX is password-protected (encrypted package)")
        from scanner.extract.office import extract_office

        return extract_office(data, source, options, suffix=".doc")
    if not data.startswith(b"PK"):
        raise CorruptFile("not a DOCX package (no zip signature)")
    reader = _DocxReader(data, options)
    try:
        return reader.read()
    except RecursionError:
        raise CorruptFile("DOCX nesting is too deep") from None
    except (UnsupportedFormat, CorruptFile, EncryptedFile):
        raise
