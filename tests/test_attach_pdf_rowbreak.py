"""A PDF 公示 list whose row is split by a page break: the continued row joins the row it continues.

The 30-item list is built as tests/test_attach_pdf_tables.py builds its narrow list (python-docx,
portrait page, equal column widths so IDs wrap, repeated header row) with every row allowed to
break across pages (``w:cantSplit`` off, Word's default), and rendered by LibreOffice headless.
Items 14 and 30 fall on the page breaks: ``11010519\\n79072235`` at the bottom of one page,
``07`` at the top of the next.  Which items cross is read from the document, not assumed.
"""

from __future__ import annotations

import io
import itertools

import pytest
from test_attach_pdf_tables import BAD_ID_ROW, HEAD, _docx, _pdf, _rows

from scanner.document import Segment
from scanner.extract import extract
from scanner.extract.pdf_tables import _continues, _Open
from scanner.pipeline import Checker
from scanner.site import SiteConfig

ID_COL = 2


def _rows_may_break(data: bytes) -> bytes:
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    d = docx.Document(io.BytesIO(data))
    for row in d.tables[0].rows[1:]:
        el = OxmlElement("w:cantSplit")
        el.set(qn("w:val"), "false")
        row._tr.get_or_add_trPr().append(el)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def crossing():
    rows = _rows(30, seed=11)
    doc = extract(_pdf(_rows_may_break(_docx(rows, narrow=True))), "rowbreak.pdf")
    return rows, doc


def _squeeze(s: str) -> str:
    return "".join(s.split())


def _cell_segments(doc, cell) -> list[Segment]:
    return [s for s in doc.segments if cell.start <= s.start < cell.end and s.role == "cell"]


def _crossing_ids(doc) -> dict[int, list[Segment]]:
    """Row → cell segments of the ID cells whose text lies on two pages."""
    out = {}
    for c in doc.tables[0].cells:
        if c.col == ID_COL and c.row > 0:
            segs = _cell_segments(doc, c)
            if len({s.location.page for s in segs}) > 1:
                out[c.row] = segs
    return out


def test_split_row_is_one_row_with_the_whole_values(crossing):
    rows, doc = crossing
    assert doc.metadata["pages"] >= 2 and len(doc.tables) == 1
    table = doc.tables[0]
    grid: dict[int, dict[int, str]] = {}
    for c in table.cells:
        assert c.col not in grid.get(c.row, {}), "one cell per row and column"
        grid.setdefault(c.row, {})[c.col] = doc.text[c.start:c.end]
    assert sorted(grid) == list(range(len(rows) + 1)), "header + 30 items, no half row, nothing shifted"
    assert [_squeeze(grid[0][c]) for c in range(len(HEAD))] == HEAD
    for i, want in enumerate(rows, start=1):
        assert [_squeeze(grid[i][c]) for c in range(len(HEAD))] == [_squeeze(v) for v in want], i
    crossed = _crossing_ids(doc)
    assert crossed, "the fixture must split a row (and its wrapped ID) across a page break"
    for row, segs in crossed.items():
        value = rows[row - 1][ID_COL]
        cell = next(c for c in table.cells if c.row == row and c.col == ID_COL)
        text = doc.text[cell.start:cell.end]
        assert _squeeze(text) == value and text.count("\n") >= 2  # both pieces, each on its own line
        first, last = segs[0], segs[-1]
        assert first.location.page + 1 == last.location.page
        assert first.start == cell.start and last.end == cell.end
        assert value.startswith(_squeeze(doc.text[first.start:first.end]))
        assert value.endswith(_squeeze(doc.text[last.start:last.end]))
        # each piece keeps its page and its box on that page; both name the joined row's cell
        assert {s.location.cell for s in segs} == {f"R{row + 1}C{ID_COL + 1}"}
        assert {s.location.table for s in segs} == {1}
        assert first.location.bbox[1] > 500 and last.location.bbox[1] < 200  # bottom of one page, top of the next
        assert first.location.bbox[0] == last.location.bbox[0]  # same column
        assert doc.locate(cell.start).page == first.location.page
        assert doc.locate(last.start).page == last.location.page
    ends = [(s.start, s.end) for s in doc.segments]
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(ends)), "the source map stays ordered and disjoint"
    # the header LibreOffice repeats on the next page stays text, not a row
    assert sum(_squeeze(r.get(ID_COL, "")) == "公民身份号码" for r in grid.values()) == 1


def test_privacy_reports_the_crossing_ids_as_valid(crossing):
    rows, doc = crossing
    site = SiteConfig.from_dict({"id": "t", "detectors": {"privacy": {"aggregate_over": 100}}})
    result = Checker(detectors=["privacy"], site=site).check(doc)
    by_cell = {}
    for f in result.findings:
        if f.rule.startswith("privacy.id"):
            by_cell.setdefault(f.location["cell"], []).append(f)
    crossed = _crossing_ids(doc)
    assert crossed
    for row in crossed:
        value = rows[row - 1][ID_COL]
        [f] = by_cell[f"R{row + 1}C{ID_COL + 1}"]
        assert f.rule == "privacy.id", f.rule
        assert "校验位正确" in f.explanation.validator and "列标题：公民身份号码" in f.explanation.context
        assert value not in f.keyword and f.keyword[:4] == value[:4] and f.keyword[-4:] == value[-4:]
        assert f.location["page"] == crossed[row][0].location.page
    assert sorted(by_cell) == sorted(f"R{i + 1}C3" for i in range(1, len(rows) + 1))
    invalid = [c for c, fs in by_cell.items() if fs[0].rule == "privacy.id_invalid"]
    assert invalid == [f"R{BAD_ID_ROW + 1}C3"]
    assert all(r[ID_COL] not in f.excerpt for r in rows for f in result.findings)


def test_a_full_row_beside_a_merged_first_column_is_not_joined():
    prev = _Open(1, [0.0, 1.0], 5, ["序号", "姓名", "身份证号码"], last_row=4,
                 last_cells={0: (0, 1), 1: (2, 4), 2: (5, 23)}, last_texts={0: "4", 1: "苏梅", 2: "110105197907223507"})
    # a row split by the page break: 序号 and 姓名 stayed whole on the previous page
    assert _continues(prev, {(0, 2): "07"}, 0, 3)
    # the next item beside a 序号 cell merged over rows: its own name and ID, a row of its own
    assert not _continues(prev, {(0, 1): "赵梅", (0, 2): "130102197403149774"}, 0, 3)
    # a new numbered row, and a row under the header row, are never joined
    assert not _continues(prev, {(0, 0): "5", (0, 2): "07"}, 0, 3)
    header = _Open(1, [0.0, 1.0], 1, ["序号", "姓名"], last_row=0, last_texts={0: "序号", 1: "姓名"})
    assert not _continues(header, {(0, 1): "赵梅"}, 0, 2)
