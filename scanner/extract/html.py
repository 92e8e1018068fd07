"""HTML pages → :class:`~scanner.document.Document`.

The text is what a visitor reads, in reading order: the title, then the body's
headings, paragraphs, table cells (tab-separated, one row per line), link texts
and image alt/title texts.  Each text node becomes a segment located by its
element's CSS selector and the offset inside that element's text.  Segments in
site template regions (``<nav>``/``<header>``/``<footer>``, ARIA landmarks and the
class/id names government CMSs use for them) carry ``template=True``; text a
visitor cannot see (display:none, visibility:hidden, off-screen, zero size,
font-size 0, opacity 0 ...) carries ``hidden=True`` and stays in the text, so
injected spam is still found and the dark-link check can tell it is hidden.

Also filled: ``links`` (href resolved against ``<base>`` and the page URL, text,
hidden), ``tables`` (cells with row/column and the header row) and ``layout``
(colour, size, weight and alignment of the first text blocks and the coloured
rules, for the red-header check).

Bounds: pages over :data:`MAX_HTML_BYTES`, with more than :data:`MAX_ELEMENTS`
elements or over ``ExtractOptions.max_seconds`` raise
:class:`~scanner.errors.LimitExceeded`; nesting deeper than :data:`MAX_DEPTH` is
flattened into the deepest kept element (as browsers do); binary data raises
:class:`~scanner.errors.CorruptFile`.
"""

from __future__ import annotations

import re
import time
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser

from scanner.document import Document, Link, Location, Segment, Table, TableCell
from scanner.errors import CorruptFile, LimitExceeded
from scanner.extract.html_charset import decode_html
from scanner.extract.html_css import (
    FONT_TAG_SIZES_PX,
    RuleIndex,
    find_color,
    font_size_px,
    parse_color,
    parse_declarations,
    parse_length_px,
    parse_stylesheet,
)
from scanner.extract.layout import Layout, PageLayout, Rule, TextRun
from scanner.extract.text import looks_binary

__all__ = ["LAYOUT_BLOCKS", "MAX_DEPTH", "MAX_ELEMENTS", "MAX_HTML_BYTES", "extract_html"]

MAX_HTML_BYTES = 16 * 1024 * 1024
MAX_ELEMENTS = 500_000
MAX_DEPTH = 256
LAYOUT_BLOCKS = 40  # text blocks (outside templates) described in doc.layout

SKIP = frozenset({"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math",
                  "canvas", "audio", "video", "head", "title", "meta", "link", "base", "param", "source",
                  "track", "frameset", "noframes", "applet"})
BLOCK = frozenset({"address", "article", "aside", "blockquote", "dd", "details", "dialog", "div", "dl", "dt",
                   "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
                   "header", "hgroup", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "ul",
                   "center", "caption", "table", "tbody", "thead", "tfoot", "body", "legend", "marquee",
                   "option", "textarea", "menu", "dir"})
HEADING_PX = {"h1": 32.0, "h2": 24.0, "h3": 18.72, "h4": 16.0, "h5": 13.28, "h6": 10.72}
BOLD_TAGS = frozenset({"b", "strong", "th", "h1", "h2", "h3", "h4", "h5", "h6"})
TEMPLATE_TAGS = frozenset({"header", "footer", "nav"})
TEMPLATE_ROLES = frozenset({"banner", "navigation", "contentinfo"})
# class/id words (split on - _ space and camelCase) that mark template regions in government CMSs
# (拼音 abbreviations included: dh 导航, bq 版权, db 底部, yqlj 友情链接, dqwz 当前位置 ...).
TEMPLATE_WORDS = frozenset({
    "header", "head", "footer", "foot", "nav", "navbar", "navigation", "menu", "mainnav", "subnav", "topbar",
    "top", "bottom", "banner", "copyright", "copy", "banquan", "bq", "daohang", "dh", "sitemap", "crumb",
    "crumbs", "breadcrumb", "breadcrumbs", "dqwz", "wzdb", "dibu", "toubu", "yqlj", "friendlink", "links",
    "ft", "hd", "gov", "govfoot", "wzbs", "jgbs",
})
CONTENT_WORDS = frozenset({"article", "content", "main", "detail", "zw", "zhengwen", "text", "news", "title",
                           "body", "list", "info", "con", "bt", "wz"})
_WS = re.compile(r"[ \t\n\r\f]+")
_WORDS = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
_IDENT = re.compile(r"^[A-Za-z][\w-]*$")


def _collapse(raw: str) -> str:
    """Collapse whitespace runs to one space; a run holding a line break between two CJK
    characters disappears (CSS Text 3 segment-break transformation)."""
    def repl(m: re.Match) -> str:
        s, e = m.span()
        if "\n" in m.group() and 0 < s and e < len(raw) and _is_cjk(raw[s - 1]) and _is_cjk(raw[e]):
            return ""
        return " "
    return _WS.sub(repl, raw)


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x2E80 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF or 0x20000 <= o <= 0x3FFFF \
        or 0x3000 <= o <= 0x303F


class _Frame:
    __slots__ = (
        "_selector",
        "align",
        "bold",
        "cell",
        "classes",
        "color",
        "depth",
        "el_id",
        "font_px",
        "hidden",
        "link",
        "main",
        "nth",
        "parent",
        "pre",
        "role",
        "same",
        "start",
        "table",
        "tag",
        "template",
        "vis_hidden",
    )

    def __init__(self, tag, el_id, classes, parent, nth, same):
        self.tag = tag
        self.el_id = el_id
        self.classes = classes
        self.parent = parent
        self.depth = parent.depth + 1 if parent else 0
        self.nth = nth
        self.same = same
        self._selector = None
        self.start = None  # position in the text of this element's first character
        if parent is not None:
            self.hidden, self.vis_hidden, self.template = parent.hidden, parent.vis_hidden, parent.template
            self.role, self.color, self.font_px = parent.role, parent.color, parent.font_px
            self.bold, self.align, self.pre = parent.bold, parent.align, parent.pre
            self.cell, self.table, self.link = parent.cell, parent.table, parent.link
            self.main = parent.main
        else:
            self.hidden = self.vis_hidden = self.template = self.bold = self.pre = False
            self.role, self.color, self.font_px, self.align = "body", None, 16.0, None
            self.cell = self.table = self.link = None
            self.main = False


def _selector(frame: _Frame, ids: dict[str, int]) -> str:
    chain = []
    f = frame
    while f is not None and f._selector is None:
        chain.append(f)
        f = f.parent
    for f in reversed(chain):
        if f.el_id and ids.get(f.el_id) == 1 and _IDENT.match(f.el_id):
            f._selector = f"#{f.el_id}"
        else:
            part = f.tag + (f":nth-of-type({f.nth})" if f.same > 1 else "")
            f._selector = part if f.parent is None else f"{f.parent._selector} > {part}"
    return frame._selector


def _words(value: str) -> list[str]:
    return [w.lower() for w in _WORDS.findall(value)]


class _Table:
    __slots__ = ("cells", "col", "header_row", "hidden", "in_head", "index", "row", "taken")

    def __init__(self, index: int, hidden: bool):
        self.index, self.hidden = index, hidden
        self.row, self.col = -1, 0
        self.taken: set[tuple[int, int]] = set()
        self.cells: list[TableCell] = []
        self.header_row: int | None = None
        self.in_head = False


class _Cell:
    __slots__ = ("col", "end", "row", "start", "table", "th")

    def __init__(self, table, row, col, th):
        self.table, self.row, self.col, self.th = table, row, col, th
        self.start = self.end = None


class _Extractor:
    def __init__(self, source: str, rules: RuleIndex, ids: dict[str, int], base_url: str | None,
                 deadline: float):
        self.source = source
        self.rules = rules
        self.ids = ids
        self.base_url = base_url
        self.deadline = deadline
        self.parts: list[str] = []
        self.pos = 0
        self.last = ""  # last character written
        self.pending = ""  # separator owed before the next text: "", " ", "\t", "\n"
        self.pending_break = False  # the pending space came from a line break (dropped between CJK)
        self.segments: list[Segment] = []
        self.links: list[Link] = []
        self.tables: list[Table] = []
        self.runs: list[TextRun] = []
        self.rules_out: list[Rule] = []
        self.order = 0
        self.blocks = 0  # visible non-template blocks started
        self.elements = 0

    # -- text -------------------------------------------------------------------------------

    def separate(self, sep: str) -> None:
        rank = {"": 0, " ": 1, "\t": 2, "\n": 3}
        if self.pos and rank[sep] > rank[self.pending]:
            self.pending = sep
            self.pending_break = False

    def emit(self, raw: str, frame: _Frame, role: str | None = None) -> None:
        if frame.pre:
            text = raw.replace("\r\n", "\n").replace("\r", "\n")
        else:
            text = _collapse(raw)
            if text.startswith(" "):
                if not self.pending and self.pos and self.last not in " \n\t":
                    self.pending, self.pending_break = " ", "\n" in raw[: len(raw) - len(raw.lstrip())]
                text = text[1:]
            trailing = text.endswith(" ")
            text = text.rstrip(" ")
            if not text:
                return
        if not text:
            return
        new_block = self.pos == 0 or self.pending in ("\n", "\t")
        if self.pending and self.pos:
            sep = self.pending
            if sep == " " and self.pending_break and _is_cjk(self.last) and _is_cjk(text[0]):
                sep = ""
            if sep:
                self.parts.append(sep)
                self.pos += len(sep)
        self.pending, self.pending_break = "", False
        start = self.pos
        self.parts.append(text)
        self.pos += len(text)
        self.last = text[-1]
        if not frame.pre and trailing:
            self.pending = " "
            self.pending_break = "\n" in raw[len(raw.rstrip()):]
        f = frame
        while f is not None and f.start is None:
            f.start = start
            f = f.parent
        seg_role = role or frame.role
        self.segments.append(Segment(start, self.pos, Location(selector=_selector(frame, self.ids),
                                                               offset=start - frame.start),
                                     role=seg_role, template=frame.template,
                                     hidden=frame.hidden or frame.vis_hidden))
        if frame.cell is not None:
            cell = frame.cell
            cell.start = start if cell.start is None else cell.start
            cell.end = self.pos
        if frame.link is not None:
            frame.link.append(text)
        visible = not (frame.hidden or frame.vis_hidden or frame.template or seg_role in ("title", "meta"))
        if visible:
            if new_block or not self.blocks:  # a block is text between line breaks or cells
                self.blocks += 1
            if self.blocks <= LAYOUT_BLOCKS:
                self.order += 1
                self.runs.append(TextRun(text, color=frame.color, size_pt=round(frame.font_px * 0.75, 2),
                                         bold=frame.bold, align=frame.align, start=start, end=self.pos,
                                         order=self.order, source="css"))

    # -- elements ---------------------------------------------------------------------------

    def enter(self, node, parent: _Frame, nth: int, same: int) -> _Frame | None:
        tag = node.tag
        attrs = node.attributes
        self.elements += 1
        if self.elements > MAX_ELEMENTS:
            raise LimitExceeded(f"more than {MAX_ELEMENTS} HTML elements")
        if self.elements % 20000 == 0 and time.monotonic() > self.deadline:
            raise LimitExceeded("HTML extraction took too long")
        el_id = (attrs.get("id") or "").strip() or None
        classes = frozenset((attrs.get("class") or "").split())
        frame = _Frame(tag, el_id, classes, parent, nth, same)
        style: dict[str, str] = {}
        if self.rules:
            ancestors = []
            f = parent
            while f is not None:
                ancestors.append((f.tag, f.el_id, f.classes))
                f = f.parent
            ancestors.reverse()
            style = self.rules.declarations(tag, el_id, classes, ancestors)
        inline = attrs.get("style")
        if inline:
            style = {**style, **parse_declarations(inline)}
        self._visibility(frame, tag, attrs, style)
        self._look(frame, tag, attrs, style)
        if not frame.template and self._is_template(tag, attrs, el_id, classes, parent):
            frame.template = True
        if tag in ("main", "article") or (attrs.get("role") or "").lower() == "main":
            frame.main = True
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            frame.role = "heading"
        elif tag in ("a", "area"):
            frame.role = "link"
        elif tag == "caption":
            frame.role = "caption"
        elif tag == "option":
            frame.role = "option"
        if tag == "pre" or tag == "textarea":
            frame.pre = True
        if tag in BLOCK:
            self.separate("\n")
        self._table_enter(frame, tag, attrs)
        if tag == "a" or tag == "area":
            href = attrs.get("href")
            if href is not None:
                frame.link = []
        if tag == "hr":
            self._rule(frame, "hr", self._hr_color(attrs, style), style, attrs)
        elif "border-top" in style or "border-top-color" in style:
            self._rule(frame, "border", self._border_color(style, "top"), style, attrs)
        return frame

    def leave(self, frame: _Frame, node) -> None:
        tag = frame.tag
        attrs = node.attributes
        if tag == "img" or (tag == "input" and (attrs.get("type") or "").lower() == "image"):
            for name in ("alt", "title"):
                value = (attrs.get(name) or "").strip()
                if value and not (name == "title" and value == (attrs.get("alt") or "").strip()):
                    self.separate("\n")
                    self.emit(value, frame, role="alt")
                    self.separate("\n")
        if frame.link is not None and (frame.parent is None or frame.parent.link is not frame.link):
            href = (attrs.get("href") or "").strip()
            text = _WS.sub(" ", "".join(frame.link)).strip()
            if not text:
                text = (attrs.get("title") or attrs.get("alt") or "").strip()
            resolved = urljoin(self.base_url, href) if self.base_url and href else href
            self.links.append(Link(href=resolved, text=text, hidden=frame.hidden or frame.vis_hidden,
                                   selector=_selector(frame, self.ids), rel=attrs.get("rel")))
        if frame.cell is not None and (frame.parent is None or frame.parent.cell is not frame.cell):
            c = frame.cell
            if c.start is not None:
                c.table.cells.append(TableCell(c.table.index, c.row, c.col, c.start, c.end))
        if tag == "tr" and frame.table is not None:
            tbl = frame.table
            if tbl.header_row is None and (tbl.in_head or self._row_all_th(tbl)):
                tbl.header_row = tbl.row
        if tag == "thead" and frame.table is not None:
            frame.table.in_head = False
        if tag == "table" and frame.table is not None and (frame.parent is None or frame.parent.table is not frame.table):
            tbl = frame.table
            self.tables.append(Table(index=tbl.index, cells=tuple(tbl.cells),
                                     header_row=tbl.header_row if tbl.header_row is not None else 0,
                                     hidden=tbl.hidden))
        if tag in BLOCK or tag == "br":
            self.separate("\n")
        elif tag in ("td", "th"):
            self.separate("\t")

    # -- helpers ----------------------------------------------------------------------------

    def _visibility(self, frame: _Frame, tag: str, attrs, style: dict[str, str]) -> None:
        if not style and not ("hidden" in attrs or "width" in attrs or "height" in attrs or tag == "input"):
            return
        if "hidden" in attrs or (tag == "input" and (attrs.get("type") or "").lower() == "hidden"):
            frame.hidden = True
        display = style.get("display", "").lower()
        if display.startswith("none"):
            frame.hidden = True
        vis = style.get("visibility", "").lower()
        if vis in ("hidden", "collapse"):
            frame.vis_hidden = True
        elif vis == "visible":
            frame.vis_hidden = False
        if style.get("opacity", "").strip() in ("0", "0.0", "0%", ".0"):
            frame.hidden = True
        for prop in ("left", "top", "right", "margin-left", "margin-top", "text-indent"):
            px = parse_length_px(style.get(prop))
            if px is not None and px <= -500:
                frame.hidden = True
        size = font_size_px(style["font-size"], frame.font_px) if "font-size" in style else None
        if size is not None and size < 1:
            frame.hidden = True
        overflow_hidden = style.get("overflow", "").lower().startswith(("hidden", "clip"))
        for prop in ("width", "height", "max-height", "max-width"):
            px = parse_length_px(style.get(prop))
            if px is not None and px <= 1 and (overflow_hidden or px <= 0 and prop.startswith("max")):
                frame.hidden = True
        for name in ("width", "height"):
            value = (attrs.get(name) or "").strip()
            if value.isdigit() and int(value) <= 1 and tag in ("div", "marquee", "span", "table", "td", "iframe"):
                frame.hidden = True
        clip = style.get("clip", "").replace(" ", "").replace(",", "")
        if clip.startswith("rect(0") and clip in ("rect(0000)", "rect(0px0px0px0px)", "rect(1px1px1px1px)"):
            frame.hidden = True
        if re.search(r"scale\(\s*0(\.0+)?\s*[,)]", style.get("transform", "")):
            frame.hidden = True

    def _look(self, frame: _Frame, tag: str, attrs, style: dict[str, str]) -> None:
        if tag in HEADING_PX:
            frame.font_px = HEADING_PX[tag]
        elif tag == "big":
            frame.font_px *= 1.2
        elif tag == "small":
            frame.font_px /= 1.2
        if tag == "font":
            color = parse_color(attrs.get("color"))
            if color is not None:
                frame.color = color
            size = (attrs.get("size") or "").strip()
            if size.lstrip("+-").isdigit():
                n = int(size) + (3 if size[0] in "+-" else 0)
                frame.font_px = float(FONT_TAG_SIZES_PX[max(1, min(7, n))])
        if tag in BOLD_TAGS:
            frame.bold = True
        if tag == "center":
            frame.align = "center"
        align = (attrs.get("align") or "").strip().lower()
        if align in ("left", "center", "right", "justify") and tag not in ("img", "table"):
            frame.align = align
        if not style:
            return
        if "font" in style:
            font = style["font"].lower()
            if re.search(r"\b(bold|bolder|[6-9]00)\b", font):
                frame.bold = True
            m = re.search(r"(-?[\d.]+(?:px|pt|em|rem|%))", font)
            if m:
                size = font_size_px(m.group(1), frame.font_px)
                if size is not None and size >= 1:
                    frame.font_px = size
        if "font-size" in style:
            size = font_size_px(style["font-size"], frame.font_px)
            if size is not None and size >= 1:
                frame.font_px = size
        weight = style.get("font-weight", "").lower()
        if weight in ("bold", "bolder") or weight.isdigit() and int(weight) >= 600:
            frame.bold = True
        elif weight in ("normal", "lighter") or weight.isdigit():
            frame.bold = False
        if "color" in style:
            color = parse_color(style["color"])
            if color is not None:
                frame.color = color
        text_align = style.get("text-align", "").lower()
        if text_align in ("left", "center", "right", "justify", "start", "end"):
            frame.align = {"start": "left", "end": "right"}.get(text_align, text_align)
        if "border-bottom" in style or "border-bottom-color" in style:
            color = self._border_color(style, "bottom")
            frame_style_bottom = (color, style)
            self._pending_bottom[id(frame)] = frame_style_bottom  # emitted on leave

    def _is_template(self, tag, attrs, el_id, classes, parent) -> bool:
        if tag in ("body", "html", "main", "article"):
            return False
        if parent is not None and parent.main:
            return False
        if tag in TEMPLATE_TAGS or (attrs.get("role") or "").lower() in TEMPLATE_ROLES:
            return True
        words: list[str] = []
        for value in (el_id or "", *classes):
            words.extend(_words(value))
        if not words or any(w in CONTENT_WORDS for w in words):
            return False
        return any(w in TEMPLATE_WORDS for w in words)

    def _table_enter(self, frame: _Frame, tag: str, attrs) -> None:
        if tag == "table":
            frame.table = _Table(len(self.tables) + self._open_tables + 1, frame.hidden or frame.vis_hidden)
            self._open_tables += 1
            frame.cell = None
        elif frame.table is None:
            return
        elif tag == "thead":
            frame.table.in_head = True
        elif tag == "tr":
            tbl = frame.table
            tbl.row += 1
            tbl.col = 0
            frame.cell = None
            self.separate("\n")
        elif tag in ("td", "th"):
            tbl = frame.table
            tbl.row = max(tbl.row, 0)
            while (tbl.row, tbl.col) in tbl.taken:
                tbl.col += 1
            col = tbl.col
            span_c = _int_attr(attrs.get("colspan"), 1, 100)
            span_r = _int_attr(attrs.get("rowspan"), 1, 100)
            for r in range(tbl.row, tbl.row + span_r):
                for c in range(col, col + span_c):
                    tbl.taken.add((r, c))
            tbl.col = col + span_c
            if col > 0:
                self.separate("\t")
            frame.cell = _Cell(tbl, tbl.row, col, tag == "th")
            frame.role = "cell"
            self._row_tags.setdefault((tbl.index, tbl.row), []).append(tag == "th")

    def _row_all_th(self, tbl: _Table) -> bool:
        marks = self._row_tags.get((tbl.index, tbl.row))
        return bool(marks) and all(marks)

    def _hr_color(self, attrs, style) -> tuple[int, int, int] | None:
        for value in (attrs.get("color"), style.get("color"), style.get("background-color"),
                      style.get("border-color"), style.get("border-top-color")):
            rgb = parse_color(value)
            if rgb is not None:
                return rgb
        for key in ("border", "border-top", "border-bottom", "background"):
            if key in style:
                rgb = find_color(style[key])
                if rgb is not None:
                    return rgb
        return None

    @staticmethod
    def _border_color(style, side: str):
        rgb = parse_color(style.get(f"border-{side}-color"))
        if rgb is None and f"border-{side}" in style:
            rgb = find_color(style[f"border-{side}"])
        return rgb

    def _rule(self, frame: _Frame, kind: str, color, style, attrs) -> None:
        if frame.hidden or frame.vis_hidden or frame.template or self.blocks > LAYOUT_BLOCKS:
            return
        width = None
        for value in (attrs.get("size"), style.get("height"), style.get("border-top-width"),
                      style.get("border-bottom-width")):
            px = parse_length_px(value)
            if px is not None and px > 0:
                width = round(px * 25.4 / 96, 3)
                break
        if width is None:
            for key in ("border-top", "border-bottom", "border"):
                m = re.search(r"([\d.]+)(px|pt)", style.get(key, ""))
                if m:
                    width = round(float(m.group(1)) * (4 / 3 if m.group(2) == "pt" else 1) * 25.4 / 96, 3)
                    break
        self.order += 1
        self.rules_out.append(Rule(None, None, None, None, color=color, width_mm=width, kind=kind,
                                   order=self.order))


def _int_attr(value, default: int, cap: int) -> int:
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        return default
    return max(1, min(cap, n))


class _Walker(_Extractor):
    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self._pending_bottom: dict[int, tuple] = {}
        self._open_tables = 0
        self._row_tags: dict[tuple[int, int], list[bool]] = {}

    def walk(self, root, root_frame: _Frame) -> None:
        LEAVE = 1  # work items: (0, node, parent, nth, same) to enter, (1, frame, node) to leave
        work: list[tuple] = []
        self._push_children(work, root, root_frame)
        while work:
            item = work.pop()
            if item[0] == LEAVE:
                _, frame, node = item
                self.leave(frame, node)
                bottom = self._pending_bottom.pop(id(frame), None)
                if bottom is not None:
                    color, style = bottom
                    self._rule(frame, "border", color, style, {})
                if frame.tag == "table":
                    self._open_tables -= 1
                continue
            _, node, parent, nth, same = item
            tag = node.tag
            if tag == "-text":
                text = node.text_content
                if text:
                    self.emit(text, parent)
                continue
            if tag is None or tag.startswith(("-", "!")) or tag in SKIP:
                continue
            if parent.depth >= MAX_DEPTH:  # flatten absurd nesting into the deepest kept element
                self._push_children(work, node, parent)
                continue
            frame = self.enter(node, parent, nth, same)
            work.append((LEAVE, frame, node))
            if not (tag == "img" or tag == "br" or tag == "hr" or tag == "input"):
                self._push_children(work, node, frame)
            if tag == "br":
                self.separate("\n")

    @staticmethod
    def _push_children(work: list, node, frame: _Frame) -> None:
        kids = []
        counts: dict[str, int] = {}
        child = node.child
        while child is not None:
            tag = child.tag
            if tag and not tag.startswith("-"):
                counts[tag] = counts.get(tag, 0) + 1
                kids.append((child, counts[tag]))
            else:
                kids.append((child, 0))
            child = child.next
        for child, nth in reversed(kids):
            work.append((0, child, frame, nth, counts.get(child.tag, 0)))


def extract_html(data: bytes, source: str, options: object) -> Document:
    if len(data) > MAX_HTML_BYTES:
        raise LimitExceeded(f"HTML page of {len(data) / 1048576:.1f} MiB is over the "
                            f"{MAX_HTML_BYTES // 1048576} MiB limit for pages")
    if looks_binary(data):
        raise CorruptFile("binary data, not an HTML page")
    headers = getattr(options, "headers", None) or {}
    max_seconds = float(getattr(options, "max_seconds", 120.0) or 120.0)
    deadline = time.monotonic() + max_seconds
    html, encoding, how = decode_html(data, headers)
    if "\x00" in html:
        html = html.replace("\x00", "\ufffd")
    tree = LexborHTMLParser(html)

    base_url = source if source.startswith(("http://", "https://")) else None
    base = tree.css_first("base[href]")
    if base is not None:
        href = (base.attributes.get("href") or "").strip()
        if href:
            base_url = urljoin(base_url, href) if base_url else (href if "://" in href else None)

    css = "\n".join(node.text() for node in tree.css("style"))
    rules = RuleIndex(parse_stylesheet(css)) if css.strip() else RuleIndex([])
    ids: dict[str, int] = {}
    for node in tree.css("[id]"):
        i = (node.attributes.get("id") or "").strip()
        if i:
            ids[i] = ids.get(i, 0) + 1

    walker = _Walker(source, rules, ids, base_url, deadline)
    title_node = tree.css_first("title")
    title = _WS.sub(" ", title_node.text()).strip() if title_node is not None else ""
    if title:
        head = _Frame("title", None, frozenset(), None, 1, 1)
        head._selector = "title"
        head.role = "title"
        walker.emit(title, head)
        walker.separate("\n")
    for name in ("keywords", "description"):
        node = tree.css_first(f'meta[name="{name}"], meta[name="{name.capitalize()}"]')
        content = (node.attributes.get("content") or "").strip() if node is not None else ""
        if content:
            meta = _Frame("meta", None, frozenset(), None, 1, 1)
            meta._selector = f'meta[name="{name}"]'
            meta.role, meta.hidden = "meta", True
            walker.emit(content, meta)
            walker.separate("\n")

    body = tree.body
    if body is not None:
        root_frame = _Frame("body", None, frozenset(), None, 1, 1)
        root_frame._selector = "body"
        b_attrs = body.attributes
        b_id = (b_attrs.get("id") or "").strip() or None
        b_classes = frozenset((b_attrs.get("class") or "").split())
        style = rules.declarations("body", b_id, b_classes, []) if rules else {}
        if b_attrs.get("style"):
            style = {**style, **parse_declarations(b_attrs["style"])}
        walker._look(root_frame, "body", b_attrs, style)
        walker.walk(body, root_frame)
    refresh = tree.css_first('meta[http-equiv="refresh"], meta[http-equiv="Refresh"], meta[http-equiv="REFRESH"]')
    if refresh is not None:  # <meta http-equiv="refresh" content="0; url=/sy/index.html">: the crawler follows it
        m = re.search(r"url\s*=\s*['\"]?([^'\";]+)", refresh.attributes.get("content") or "", re.I)
        if m:
            target = m.group(1).strip()
            walker.links.append(Link(href=urljoin(base_url, target) if base_url else target, text="", rel="refresh"))
    for node in tree.css("frame[src], iframe[src]"):
        src = (node.attributes.get("src") or "").strip()
        if src:
            walker.links.append(Link(href=urljoin(base_url, src) if base_url else src, text="", rel="frame"))

    text = "".join(walker.parts)
    layout = Layout(kind="html", pages=[PageLayout(1, runs=walker.runs, rules=walker.rules_out)])
    walker.tables.sort(key=lambda t: t.index)
    return Document(text=text, segments=walker.segments, source=source, media_type="text/html",
                    title=title or None, links=walker.links, tables=walker.tables,
                    metadata={"encoding": encoding, "encoding_from": how}, layout=layout)
