"""PDF tables: 公示 lists read with pdfplumber, only on the pages that look like one.

The PDF text comes from pypdfium2 (:mod:`scanner.extract.pdf`); pdfplumber parses
a page about ten times slower, so it is opened only for pages whose pdfium text
has column headers of at least two kinds of personal data (姓名, 身份证/公民身份号码,
联系电话, 银行账号, 住址 … as short pieces of text: :func:`looks_tabular`) and for the page after a page
where a table was found (a list running on without its header).  An ordinary
notice never opens it.

pdfplumber gives the geometry: its table finder (edges snapped and joined,
intersections, cells, tables) runs over the ruling lines pdfium reads from the
page's path objects (:func:`rulings`, handed over as explicit edges), so
pdfminer never parses the page — that parse is ~95 % of pdfplumber's own
``find_tables`` on a dense list (≈ 11 pages/s).  A page without at least two
vertical and two horizontal rulings does not open pdfplumber at all.  The
cell's text is the pdfium characters whose centres fall inside the cell's box,
so every :class:`~scanner.document.TableCell` points at offsets of the document
text, and the page's line segments are split so that a cell's span is located
``{"page", "bbox", "table", "cell": "R2C3"}``.
A table whose first row on the next page has the same columns continues the
table of the previous page (a repeated header row is dropped).  A row the page break
split (its first row on the next page has an empty first column and is empty where the
previous page's last row has short cells such as 姓名: :func:`_continues`) is joined to
the row it continues: :meth:`PdfTables.rejoin` moves each continued piece of text right
after the cell's piece on the previous page (after a line break), so the cell's span holds
the whole value (``11010519\n79072235\n07``); each piece keeps its own segment, page
and box, both named after the joined row's cell.

Limits: at most :data:`MAX_PAGES` pages and :data:`MAX_SECONDS` (or half the
extraction time left) of pdfplumber work per file; past them, or on any error
inside pdfplumber, the attachment keeps its text without further tables (logged,
never raised).
"""

from __future__ import annotations

import bisect
import ctypes
import io
import itertools
import logging
import re
import time
from dataclasses import dataclass, field, replace

from scanner.document import Location, Segment, Table, TableCell

log = logging.getLogger(__name__)

# one group per kind of personal-data column; a page is tabular when it names two kinds
HEADER_GROUPS = (
    ("姓名", "户主", "申请人"),
    ("身份证", "公民身份号码", "证件号码", "身份号码"),
    ("联系电话", "手机号", "电话号码", "联系方式"),
    ("银行账号", "银行帐号", "银行卡号", "存折号", "社保卡号"),
    ("家庭住址", "住址", "家庭地址", "居住地址", "户籍地址"),
)
MIN_GROUPS = 2
HEADER_CELL_CHARS = 12
MAX_PAGES = 300
MAX_SECONDS = 30.0
SAME_COLUMN_PT = 6.0  # column edges this close on two pages: the same table running on
MAX_PATH_SEGMENTS = 20_000  # per page: more is a drawing, not a table
MIN_RULE_PT = 3.0  # shorter straight segments are no ruling


def _groups(text: str) -> int:
    return sum(1 for group in HEADER_GROUPS if any(w in text for w in group))


def looks_tabular(text: str) -> bool:
    """Whether a page's text has column headers of at least :data:`MIN_GROUPS` kinds of personal data.

    A header cell is a short piece of text between gaps (pdfium puts a space or a line
    break between cells), so the words must stand in pieces of at most
    :data:`HEADER_CELL_CHARS` characters: a sentence asking for 姓名、身份证号码和联系电话
    is not a table.  The whole-text test runs first, so an ordinary page costs a few
    substring searches.
    """
    if _groups(text) < MIN_GROUPS:
        return False
    return _groups(" ".join(t for t in text.split() if len(t) <= HEADER_CELL_CHARS)) >= MIN_GROUPS


@dataclass(slots=True)
class _Open:
    """The table of the previous page, for a list running on over the next page."""

    index: int
    edges: list[float]  # column x edges (x0 of each column and the last x1)
    next_row: int
    header: list[str]
    last_row: int = -1  # table row of the page's last row, its cells' document spans and texts
    last_cells: dict[int, tuple[int, int]] = field(default_factory=dict)
    last_texts: dict[int, str] = field(default_factory=dict)


@dataclass(slots=True)
class PdfTables:
    """pdfplumber over the pages of one PDF that look tabular; see the module docstring."""

    data: bytes
    deadline: object | None = None
    pages_read: int = 0
    seconds: float = 0.0
    stopped: str | None = None  # why table extraction stopped early ("pages", "time", "error")
    _cells: dict[int, list[TableCell]] = field(default_factory=dict)
    _pdf: object | None = None
    _open: _Open | None = None
    _moves: list[tuple[int, int, int, tuple[int, int, int]]] = field(default_factory=list)

    def wanted(self, text: str) -> bool:
        """Whether the page with pdfium text ``text`` (next in order) should be read for tables."""
        if self.stopped:
            return False
        return self._open is not None or looks_tabular(text)

    def page(self, number: int, pdf_page, textpage, height: float, raw: str, base: int,
             lines: list[tuple[int, int, Location]]) -> list[Segment] | None:
        """Tables of page ``number``; the page's segments (cells split out) or None when it has none.

        ``raw`` is the pdfium text of the page, ``base`` the document offset of its first
        character and ``lines`` its line segments (page-relative offsets, as made by the
        PDF extractor).  Never raises: a failure stops table extraction for the file.
        """
        if self.pages_read >= MAX_PAGES:
            self._stop("pages")
            return None
        budget = MAX_SECONDS
        remaining = getattr(self.deadline, "remaining", lambda: None)()
        if remaining is not None:
            budget = min(budget, remaining / 2)
        if self.seconds >= budget:
            self._stop("time")
            return None
        t0 = time.process_time()
        w0 = time.monotonic()
        try:
            return self._page(number, pdf_page, textpage, height, raw, base, lines)
        except Exception as exc:  # noqa: BLE001 - pdfplumber/pdfminer on a damaged page: no tables, not no text
            log.warning("PDF table extraction stopped at page %d (%s)", number, type(exc).__name__)
            self._stop("error")
            return None
        finally:
            self.pages_read += 1
            self.seconds += max(time.process_time() - t0, time.monotonic() - w0)

    def _stop(self, why: str) -> None:
        if self.stopped is None:
            self.stopped = why
            if why != "error":
                log.info("PDF table extraction stopped: %s limit", why)

    def _page(self, number, pdf_page, textpage, height, raw, base, lines):
        continuing, self._open = self._open, None
        v, h = rulings(pdf_page, height)
        if len(v) < 2 or len(h) < 2:
            return None  # no ruled table: pdfplumber is not opened
        if self._pdf is None:
            import pdfplumber

            self._pdf = pdfplumber.open(io.BytesIO(self.data))
        page = self._pdf.pages[number - 1]  # type: ignore[attr-defined]
        try:
            found = page.find_tables(table_settings(v, h))
        finally:
            page.close()
        if not found:
            return None
        clean = raw.replace("\r\n", "\n")  # the page text as the document has it (same offsets)
        cell_segments: list[Segment] = []
        for k, tbl in enumerate(sorted(found, key=lambda t: (t.bbox[1], t.bbox[0]))):
            rows = [[c for c in r.cells] for r in tbl.rows]
            ncols = max((len(r) for r in rows), default=0)
            if len(rows) < 2 or ncols < 2:
                continue
            edges = _edges(rows)
            spans = _cell_spans(rows, textpage, raw, height)  # (row, col) → page-relative (start, end)
            texts = {rc: _squeeze(clean[s:e]) for rc, (s, e) in spans.items()}
            first = [texts.get((0, c), "") for c in range(ncols)]
            cont = continuing if k == 0 else None
            if cont is not None and len(cont.edges) == len(edges) and all(
                    abs(a - b) <= SAME_COLUMN_PT for a, b in zip(cont.edges, edges)):
                index, row0 = cont.index, cont.next_row
                header = cont.header
                skip = 1 if first == header and any(first) else 0
            else:
                index, row0, skip = len(self._cells) + 1, 0, 0
                self._cells[index] = []
                header = first
            out = self._cells[index]
            merge = cont is not None and index == cont.index and _continues(cont, texts, skip, ncols)
            n_rows = 0
            last_row, last_cells, last_texts = (cont.last_row, cont.last_cells, cont.last_texts) \
                if index == getattr(cont, "index", None) else (-1, {}, {})
            for r, row in enumerate(rows):
                if r < skip:
                    continue
                joined = merge and r == skip  # the previous page's last row running on: its cells get the text
                if not joined:
                    n_rows += 1
                    last_cells, last_texts = {}, {}
                grow = last_row if joined else row0 + n_rows - 1
                for c, cell in enumerate(row):
                    if cell is None or (r, c) not in spans:
                        continue
                    s, e = spans[(r, c)]
                    prev = last_cells.get(c) if joined else None
                    if prev is not None:  # moved after the first piece when the document is put together
                        self._moves.append((base + s, base + e, prev[1], (index, grow, c)))
                    else:
                        out.append(TableCell(index, grow, c, base + s, base + e))
                    if not joined:
                        last_cells[c], last_texts[c] = (base + s, base + e), texts.get((r, c), "")
                    x0, top, x1, bottom = cell
                    cell_segments.append(Segment(base + s, base + e, Location(
                        page=number, bbox=(round(x0, 1), round(top, 1), round(x1, 1), round(bottom, 1)),
                        table=index, cell=f"R{grow + 1}C{c + 1}"), role="cell"))
                if not joined:
                    last_row = grow
            self._open = _Open(index, edges, row0 + n_rows, header, last_row, last_cells, last_texts)
        if not cell_segments:
            return None
        return _split(lines, base, cell_segments)

    def rejoin(self, text: str, segments: list[Segment], tables: list[Table]) -> tuple[str, list[Segment], list[Table]]:
        """The document put together again with each row split by a page break as one row.

        The pieces of a cell on the continuation page are moved (after a line break) right
        after the cell's piece on the previous page, so the cell's span holds the whole
        value; every segment keeps its own page and box (a moved piece is located on its
        page, named after the row it continues).  Nothing changes when no row was split.
        """
        if not self._moves:
            return text, segments, tables
        moves = sorted(self._moves, key=lambda m: (m[2], m[0]))
        cuts = sorted({0, len(text), *(m[2] for m in moves), *(p for m in moves for p in m[:2])})
        at_dst: dict[int, list[tuple[int, int, int, tuple[int, int, int]]]] = {}
        for m in moves:
            at_dst.setdefault(m[2], []).append(m)
        moved = sorted((m[0], m[1]) for m in moves)
        chunks: list[tuple[int, int, int]] = []  # (old start, old end, new start)
        parts: list[str] = []
        pos = 0
        for a, b in itertools.pairwise(cuts):
            for src_s, src_e, _, _ in at_dst.pop(a, ()):
                parts.append("\n")
                chunks.append((src_s, src_e, pos + 1))
                parts.append(text[src_s:src_e])
                pos += 1 + src_e - src_s
            i = bisect.bisect_right(moved, (a, len(text) + 1)) - 1
            if i >= 0 and moved[i][0] <= a and b <= moved[i][1]:
                continue
            chunks.append((a, b, pos))
            parts.append(text[a:b])
            pos += b - a
        for src_s, src_e, _, _ in at_dst.pop(len(text), ()):  # pragma: no cover - a cell never ends the text
            parts.append("\n" + text[src_s:src_e])
            chunks.append((src_s, src_e, pos + 1))
            pos += 1 + src_e - src_s
        chunks.sort()
        olds = [c[0] for c in chunks]

        def start(p: int) -> int:
            i = max(0, bisect.bisect_right(olds, p) - 1)
            return chunks[i][2] + p - chunks[i][0]

        def end(p: int) -> int:
            return start(p - 1) + 1 if p > 0 else 0

        new_segments = sorted((replace(s, start=start(s.start), end=end(s.end) if s.end > s.start else start(s.start))
                               for s in segments), key=lambda s: s.start)
        ends = {m[3]: m[1] for m in moves}  # the last piece of each continued cell
        new_tables = []
        for t in tables:
            cells = tuple(TableCell(c.table, c.row, c.col, start(c.start),
                                    end(ends.get((c.table, c.row, c.col), c.end))) for c in t.cells)
            new_tables.append(replace(t, cells=cells))
        return "".join(parts), new_segments, new_tables

    def finish(self) -> list[Table]:
        """The tables found (in order of first appearance); closes pdfplumber."""
        if self._pdf is not None:
            try:
                self._pdf.close()  # type: ignore[attr-defined]
            except Exception as exc:  # noqa: BLE001 - closing must not fail the attachment
                log.debug("pdfplumber close failed (%s)", type(exc).__name__)
            self._pdf = None
        return [Table(index=index, cells=tuple(cells), header_row=0) for index, cells in self._cells.items() if cells]


def table_settings(v: list[dict], h: list[dict]) -> dict:
    """pdfplumber settings: its table finder over the rulings pdfium read (no pdfminer parse of the page)."""
    return {"vertical_strategy": "explicit", "horizontal_strategy": "explicit",
            "explicit_vertical_lines": v, "explicit_horizontal_lines": h}


def _edge(x0: float, top: float, x1: float, bottom: float, orientation: str) -> dict:
    return {"object_type": "line_edge", "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top,
            "width": x1 - x0, "height": bottom - top, "orientation": orientation}


def rulings(page, height: float) -> tuple[list[dict], list[dict]]:
    """Vertical and horizontal straight segments of the page's stroked or filled paths, as pdfplumber edges.

    Read from pdfium's path objects (Form XObjects included, their matrices applied), in
    points from the page's top-left corner like the text boxes.  A thin filled rectangle
    (how some writers draw borders) gives two close parallel edges, which pdfplumber's
    snapping merges.
    """
    import pypdfium2.raw as c

    v: list[dict] = []
    h: list[dict] = []
    if page is None:
        return v, h
    budget = [MAX_PATH_SEGMENTS]
    x, y = ctypes.c_float(), ctypes.c_float()
    refs = (ctypes.byref(x), ctypes.byref(y))
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    m = c.FS_MATRIX()
    kinds = (c.FPDF_PAGEOBJ_PATH, c.FPDF_PAGEOBJ_FORM)

    def add(p0, p1) -> None:
        (ax, ay), (bx, by) = p0, p1
        if abs(ax - bx) <= 0.5 and abs(ay - by) >= MIN_RULE_PT:
            xm = (ax + bx) / 2
            v.append(_edge(xm, height - max(ay, by), xm, height - min(ay, by), "v"))
        elif abs(ay - by) <= 0.5 and abs(ax - bx) >= MIN_RULE_PT:
            top = height - (ay + by) / 2
            h.append(_edge(min(ax, bx), top, max(ax, bx), top, "h"))

    def walk(parent, count, get, outer, depth) -> None:
        for i in range(max(count(parent), 0)):
            raw = get(parent, i)
            kind = c.FPDFPageObj_GetType(raw) if raw else None
            if kind not in kinds or not c.FPDFPageObj_GetMatrix(raw, ctypes.byref(m)):
                continue
            a, b, cc, d, e, f = m.a, m.b, m.c, m.d, m.e, m.f
            if outer is not None:  # the object's matrix, then its form's
                oa, ob, oc, od, oe, of = outer
                a, b, cc, d, e, f = (a * oa + b * oc, a * ob + b * od, cc * oa + d * oc, cc * ob + d * od,
                                     e * oa + f * oc + oe, e * ob + f * od + of)
            if kind == c.FPDF_PAGEOBJ_FORM:
                if depth > 1:
                    walk(raw, c.FPDFFormObj_CountObjects, c.FPDFFormObj_GetObject, (a, b, cc, d, e, f), depth - 1)
                continue
            if not c.FPDFPath_GetDrawMode(raw, ctypes.byref(fill), ctypes.byref(stroke)) or \
                    not (fill.value or stroke.value):
                continue
            n = c.FPDFPath_CountSegments(raw)
            budget[0] -= max(n, 0)
            if budget[0] < 0:
                raise _TooManyPaths
            start = cur = None
            for j in range(n):
                seg = c.FPDFPath_GetPathSegment(raw, j)
                if not seg or not c.FPDFPathSegment_GetPoint(seg, *refs):
                    continue
                pt = (a * x.value + cc * y.value + e, b * x.value + d * y.value + f)
                t = c.FPDFPathSegment_GetType(seg)
                if t == c.FPDF_SEGMENT_LINETO and cur is not None:
                    add(cur, pt)
                elif t == c.FPDF_SEGMENT_MOVETO:
                    start = pt
                cur = pt
                if c.FPDFPathSegment_GetClose(seg) and start is not None:
                    add(cur, start)
                    cur = start

    try:
        walk(page.raw, c.FPDFPage_CountObjects, c.FPDFPage_GetObject, None, 3)
    except _TooManyPaths:
        return [], []
    return v, h


class _TooManyPaths(Exception):
    pass


def _continues(cont: _Open, texts: dict[tuple[int, int], str], r: int, ncols: int) -> bool:
    """Whether row ``r`` of the continuation page is the previous page's last row running on.

    A page break inside a row leaves the short cells (序号, 姓名) whole on the previous
    page: the continued row has an empty first column and at least one more empty cell
    where the previous row has text, and some text elsewhere.  A new row, even beside a
    first column merged over several rows, has its other cells filled.
    """
    if cont.last_row < 1 or not cont.last_texts.get(0) or texts.get((r, 0)):
        return False
    filled = [c for c in range(1, ncols) if texts.get((r, c))]
    emptied = [c for c in range(1, ncols) if cont.last_texts.get(c) and not texts.get((r, c))]
    return bool(filled) and bool(emptied)


def _squeeze(text: str) -> str:
    return "".join(text.split())


def _edges(rows) -> list[float]:
    """The column edges of a table: each column's leftmost x0, and the right edge."""
    ncols = max(len(r) for r in rows)
    xs: list[float | None] = [None] * ncols
    right = 0.0
    for row in rows:
        for c, cell in enumerate(row):
            if cell is not None:
                if xs[c] is None or cell[0] < xs[c]:  # type: ignore[operator]
                    xs[c] = cell[0]
                right = max(right, cell[2])
    return [round(x if x is not None else -1.0, 1) for x in xs] + [round(right, 1)]


class _Cells:
    """Point → (row, col) of a table found by pdfplumber (cells as (x0, top, x1, bottom) or None)."""

    def __init__(self, rows) -> None:
        self.tops: list[float] = []
        self.rows: list[tuple[int, list]] = []
        for r, row in enumerate(rows):
            cells = [(c, cell) for c, cell in enumerate(row) if cell is not None]
            if cells:
                self.tops.append(min(cell[1] for _, cell in cells))
                self.rows.append((r, cells))

    def at(self, x: float, y: float) -> tuple[int, int] | None:
        i = bisect.bisect_right(self.tops, y) - 1
        # a cell merged over rows belongs to an earlier row: look back a few rows
        for j in range(i, max(-1, i - 4), -1):
            r, cells = self.rows[j]
            for c, (x0, top, x1, bottom) in cells:
                if x0 <= x <= x1 and top <= y <= bottom:
                    return r, c
        return None


def _cell_spans(rows, textpage, raw: str, height: float) -> dict[tuple[int, int], tuple[int, int]]:
    """(row, col) → page-relative (start, end) of the cell's characters in the page text.

    The page text is read piece by piece (runs between spaces and line breaks, which
    pdfium puts between cells): a piece whose first and last characters fall in the
    same cell belongs to it whole; otherwise its characters are placed one by one.
    Offsets are the page text's as the document has it: pdfium counts its generated
    CRLF line breaks as two characters, the PDF extractor's text as one newline.
    A cell's span runs from its first to its last piece; when pieces of other cells
    lie in between (a wrapped cell whose lines the PDF interleaves with its
    neighbours'), the longest run of the cell's own pieces is kept.
    """
    import pypdfium2.raw as c

    get_box = c.FPDFText_GetCharBox
    tp = textpage.raw
    left, right, bottom, top = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    refs = (ctypes.byref(left), ctypes.byref(right), ctypes.byref(bottom), ctypes.byref(top))
    grid = _Cells(rows)

    def cell_of(i: int) -> tuple[int, int] | None:
        if not get_box(tp, i, *refs):
            return None
        return grid.at((left.value + right.value) / 2, height - (bottom.value + top.value) / 2)

    pieces: list[tuple[int, int, tuple[int, int]]] = []  # (start, end, cell) in page text offsets
    raw_pos = clean_pos = 0
    for line in raw.split("\r\n"):
        for m in _PIECE.finditer(line):
            s, e = m.span()
            first, last = cell_of(raw_pos + s), cell_of(raw_pos + e - 1)
            if first is not None and first == last:
                pieces.append((clean_pos + s, clean_pos + e, first))
            elif first is not None or last is not None or e - s > 2:
                for k in range(s, e):
                    owner = cell_of(raw_pos + k)
                    if owner is not None:
                        pieces.append((clean_pos + k, clean_pos + k + 1, owner))
        raw_pos += len(line) + 2
        clean_pos += len(line) + 1
    best: dict[tuple[int, int], tuple[int, int]] = {}
    i = 0
    while i < len(pieces):
        start, end, owner = pieces[i]
        j = i + 1
        while j < len(pieces) and pieces[j][2] == owner:
            end = pieces[j][1]
            j += 1
        old = best.get(owner)
        if old is None or end - start > old[1] - old[0]:
            best[owner] = (start, end)
        i = j
    return best


_PIECE = re.compile(r"\S+")


def _split(lines: list[tuple[int, int, Location]], base: int, cells: list[Segment]) -> list[Segment]:
    """The page's segments: its line segments with the cells' spans cut out, plus the cells."""
    cells.sort(key=lambda s: s.start)
    starts = [s.start for s in cells]
    out: list[Segment] = []
    for s_, e_, loc in lines:
        s, e = base + s_, base + e_
        cur = s
        i = max(0, bisect.bisect_right(starts, s) - 1)
        while i < len(cells) and cells[i].start < e:
            cell = cells[i]
            if cell.end > cur:
                if cell.start > cur:
                    out.append(Segment(cur, cell.start, loc))
                cur = max(cur, cell.end)
            i += 1
        if cur < e:
            out.append(Segment(cur, e, loc))
    out.extend(cells)
    out.sort(key=lambda s: s.start)
    return out
