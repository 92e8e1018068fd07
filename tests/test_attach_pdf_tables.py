"""PDF 公示 lists: tables read by pdfplumber on tabular pages only, cells mapped into the pdfium text.

The lists are DOCX tables (python-docx, landscape A4, ruled "Table Grid", column
widths as a clerk sets them) rendered to PDF by LibreOffice headless, as a
government site publishes them: a title, a paragraph, the list (序号 姓名
公民身份号码 联系电话 银行账号 家庭住址), a closing line with the office's number.
Synthetic values only (tests/privacy_synth.py).
"""

from __future__ import annotations

import io
import itertools
import random
from pathlib import Path

import pytest
from privacy_synth import VILLAGES, gen_bank, gen_id, gen_mobile, gen_name

from scanner.extract import extract
from scanner.extract.office import convert
from scanner.pipeline import Checker

FIX = Path(__file__).parent / "fixtures" / "attachments"
HEAD = ["序号", "姓名", "公民身份号码", "联系电话", "银行账号", "家庭住址"]
WIDTHS_MM = [14, 24, 50, 34, 54, 81]
BAD_ID_ROW = 4  # 1-based item whose ID has a wrong check digit (only the column can tell it is an ID)
LANDLINE_ROW = 6  # item whose 联系电话 is a landline (the text pass alone does not report one)


def _rows(n: int, seed: int = 7) -> list[list[str]]:
    rng = random.Random(seed)
    rows = []
    for i in range(1, n + 1):
        idv = gen_id(rng)
        if i == BAD_ID_ROW:
            idv = idv[:17] + ("0" if idv[17] != "0" else "1")
        phone = "0731-84562317" if i == LANDLINE_ROW else gen_mobile(rng)
        rows.append([str(i), gen_name(rng), idv, phone, gen_bank(rng),
                     f"某某县城关镇{rng.choice(VILLAGES)}村{rng.randint(1, 9)}组{rng.randint(1, 99)}号"])
    return rows


def _docx(rows: list[list[str]] | None, repeat_header: bool = True, prose: list[str] = (), narrow: bool = False) -> bytes:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    d = docx.Document()
    sec = d.sections[0]
    if not narrow:  # narrow: portrait, python-docx's equal column widths (IDs wrap inside their cells)
        sec.orientation = WD_ORIENT.LANDSCAPE
        sec.page_width, sec.page_height = Mm(297), Mm(210)
        sec.left_margin = sec.right_margin = Mm(20)
    d.add_heading("关于2026年度城乡居民最低生活保障对象的公示", 1)
    d.add_paragraph("根据《城乡居民最低生活保障条例》，经本人申请、村（居）民委员会评议、乡镇人民政府审核，"
                    "现将拟纳入最低生活保障对象名单公示如下，公示期7天。")
    for p in prose:
        d.add_paragraph(p)
    if rows is not None:
        t = d.add_table(rows=1, cols=len(HEAD))
        t.style = "Table Grid"
        t.autofit = False
        for c, h in zip(t.rows[0].cells, HEAD):
            c.text = h
        if repeat_header:
            el = OxmlElement("w:tblHeader")
            el.set(qn("w:val"), "true")
            t.rows[0]._tr.get_or_add_trPr().append(el)
        for r in rows:
            for c, v in zip(t.add_row().cells, r):
                c.text = v
        for col, w in zip(t.columns, WIDTHS_MM if not narrow else ()):
            col.width = Mm(w)
        for row in t.rows if not narrow else ():
            for c, w in zip(row.cells, WIDTHS_MM):
                c.width = Mm(w)
    d.add_paragraph("公示期间如有异议，请向某某县民政局反映。联系电话：0731-12345678")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _pdf(docx_bytes: bytes) -> bytes:
    return convert(docx_bytes, ".docx", "pdf", 120)


@pytest.fixture(scope="module")
def lists():
    one = _rows(12)
    long = _rows(45, seed=11)
    notice = [f"（{k}）报名时须提供本人姓名、身份证号码、联系电话和家庭住址，由村（居）民委员会初审后报乡镇人民政府。"
              for k in range(1, 6)]
    return {
        "one": (one, _pdf(_docx(one))),
        "two_repeat": (long, _pdf(_docx(long, repeat_header=True))),
        "two_plain": (long, _pdf(_docx(long, repeat_header=False))),
        "prose": (None, _pdf(_docx(None, prose=notice))),
        "narrow": (one[:8], _pdf(_docx(one[:8], narrow=True))),
    }


def _grid(doc, table):
    rows: dict[int, dict[int, str]] = {}
    for c in table.cells:
        rows.setdefault(c.row, {})[c.col] = "".join(doc.text[c.start:c.end].split())
    return rows


def _squeeze(s: str) -> str:
    return "".join(s.split())


def test_one_page_list_header_cells_and_source_map(lists):
    rows, data = lists["one"]
    doc = extract(data, "gongshi.pdf")
    assert doc.metadata["pages"] == 1 and doc.metadata["table_pages_read"] == 1
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert table.header(doc.text) == dict(enumerate(HEAD))
    grid = _grid(doc, table)
    assert sorted(grid) == list(range(len(rows) + 1))
    for i, want in enumerate(rows, start=1):
        assert [grid[i][c] for c in range(len(HEAD))] == [_squeeze(v) for v in want]
    # every cell is a segment of its own: page, box inside the page, table and cell name
    id_cell = next(c for c in table.cells if c.row == 2 and c.col == 2)
    loc = doc.locate(id_cell.start, id_cell.end)
    assert loc.page == 1 and loc.table == 1 and loc.cell == "R3C3"
    x0, top, x1, bottom = loc.bbox
    assert 0 < x0 < x1 < 842 and 0 < top < bottom < 595 and 10 < bottom - top < 30
    assert doc.text[id_cell.start:id_cell.end] == rows[1][2]
    # the text around the table keeps its line segments, and the map stays ordered and disjoint
    title = doc.text.index("公示")
    assert doc.locate(title).page == 1 and doc.locate(title).table is None
    ends = [(s.start, s.end) for s in doc.segments]
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(ends))


def test_wrapped_cells_keep_their_whole_value(lists):
    """Portrait page, equal column widths: IDs, phones and addresses wrap inside their cells."""
    rows, data = lists["narrow"]
    doc = extract(data, "narrow.pdf")
    table = doc.tables[0]
    grid = _grid(doc, table)
    id_cell = next(c for c in table.cells if c.row == 1 and c.col == 2)
    assert "\n" in doc.text[id_cell.start:id_cell.end], "the fixture must wrap the ID"
    assert table.header(doc.text)[2].replace("\n", "") == "公民身份号码"
    for i, want in enumerate(rows, start=1):
        assert [grid[i][c] for c in range(len(HEAD))] == [_squeeze(v) for v in want]


@pytest.mark.parametrize("name", ["two_repeat", "two_plain"])
def test_list_over_two_pages_is_one_table(lists, name):
    rows, data = lists[name]
    doc = extract(data, f"{name}.pdf")
    assert doc.metadata["pages"] == 2
    assert len(doc.tables) == 1, "the list runs on over page 2: one table, not two"
    table = doc.tables[0]
    grid = _grid(doc, table)
    assert sorted(grid) == list(range(len(rows) + 1)), "one header row, then every item once"
    assert [grid[0][c] for c in range(len(HEAD))] == HEAD
    for i, want in enumerate(rows, start=1):
        assert [grid[i][c] for c in range(len(HEAD))] == [_squeeze(v) for v in want]
    pages = {c.row: doc.locate(c.start).page for c in table.cells if c.col == 2}
    assert pages[1] == 1 and pages[len(rows)] == 2
    # the repeated header on page 2 (when there is one) stays text, not a data row
    assert sum(1 for r in grid.values() if r.get(2) == "公民身份号码") == 1
    if name == "two_repeat":
        second = doc.text.index("公民身份号码", doc.text.index("公民身份号码") + 1)
        assert doc.locate(second).page == 2 and doc.locate(second).table is None


def test_privacy_detector_reports_columns_of_the_pdf_list(lists):
    rows, data = lists["one"]
    doc = extract(data, "gongshi.pdf")
    result = Checker(detectors=["privacy"]).check(doc)
    by_rule: dict[str, list] = {}
    for f in result.findings:
        by_rule.setdefault(f.rule, []).append(f)
    ids = by_rule["privacy.id"]
    assert len(ids) == len(rows) - 1  # the bad check digit is not a valid ID on its own …
    for f in ids:
        assert f.explanation.details["column"] == "公民身份号码"
        assert "列标题：公民身份号码" in f.explanation.context
        assert f.location["page"] == 1 and f.location["table"] == 1 and f.location["cell"].endswith("C3")
    # … but the column says it is one
    invalid = by_rule["privacy.id_invalid"]
    assert [f.location["cell"] for f in invalid] == [f"R{BAD_ID_ROW + 1}C3"]
    phones = by_rule["privacy.phone"]
    assert len(phones) == len(rows) - 1
    assert all(f.explanation.details["column"] == "联系电话" and f.location["cell"].endswith("C4") for f in phones)
    landline = by_rule["privacy.landline"]
    assert [f.location["cell"] for f in landline] == [f"R{LANDLINE_ROW + 1}C4"]
    assert landline[0].location["page"] == 1 and len(landline[0].location["bbox"]) == 4
    # and no cell value is shown unmasked
    assert all(rows[0][2] not in (f.keyword or "") and rows[0][2] not in f.excerpt for f in result.findings)


def test_privacy_column_findings_span_both_pages(lists):
    rows, data = lists["two_plain"]
    result = Checker(detectors=["privacy"]).check(extract(data, "two.pdf"))
    columns = {f.rule: f for f in result.findings if f.explanation.details.get("aggregated")}
    for rule, head in (("privacy.id", "公民身份号码"), ("privacy.phone", "联系电话")):
        f = columns[rule]
        d = f.explanation.details
        assert d["column"] == head
        assert d["count"] >= len(rows) - 2
        assert d["first_cell"]["page"] == 1 and d["last_cell"]["page"] == 2
        assert d["first_cell"]["table"] == d["last_cell"]["table"] == 1
        assert f.location["page"] == 1


class _Counter:
    def __init__(self, monkeypatch):
        import pdfplumber

        self.calls = 0
        real = pdfplumber.open

        def counting(*a, **kw):
            self.calls += 1
            return real(*a, **kw)

        monkeypatch.setattr(pdfplumber, "open", counting)


@pytest.mark.parametrize("name", ["run_color.pdf", "letter.pdf", "table.pdf", "classified_neg.pdf"])
def test_ordinary_notice_never_opens_pdfplumber(monkeypatch, name):
    counter = _Counter(monkeypatch)
    doc = extract((FIX / name).read_bytes(), name)
    assert counter.calls == 0 and doc.tables == [] and "table_pages_read" not in doc.metadata


def test_prose_asking_for_personal_data_is_not_a_table(monkeypatch, lists):
    _, data = lists["prose"]
    counter = _Counter(monkeypatch)
    doc = extract(data, "notice.pdf")
    assert "身份证号码、联系电话" in doc.text  # the words are there, in sentences
    assert counter.calls == 0 and doc.tables == []


def test_tabular_page_opens_pdfplumber_once(monkeypatch, lists):
    _, data = lists["two_plain"]
    counter = _Counter(monkeypatch)
    doc = extract(data, "two.pdf")
    assert counter.calls == 1 and doc.metadata["table_pages_read"] == 2 and len(doc.tables) == 1


def test_table_failure_keeps_the_attachment(monkeypatch, lists, caplog):
    import pdfplumber

    rows, data = lists["one"]
    plain = extract(data, "gongshi.pdf")

    def broken(*a, **kw):
        raise ValueError("damaged content stream")

    monkeypatch.setattr(pdfplumber, "open", broken)
    with caplog.at_level("WARNING", logger="scanner.extract.pdf_tables"):
        doc = extract(data, "gongshi.pdf")
    assert doc.text == plain.text and doc.tables == []
    assert doc.metadata["tables_stopped"] == "error"
    assert [s.location.table for s in doc.segments if s.location.table] == []
    assert "table extraction stopped" in caplog.text and rows[0][2] not in caplog.text
    # the privacy text pass still reports the IDs, without column context
    found = Checker(detectors=["privacy"]).check(doc).findings
    assert sum(f.rule == "privacy.id" for f in found) == len(rows) - 1


def test_page_cap_stops_table_reading(monkeypatch, lists):
    from scanner.extract import pdf_tables

    rows, data = lists["two_plain"]
    monkeypatch.setattr(pdf_tables, "MAX_PAGES", 1)
    doc = extract(data, "two.pdf")
    assert doc.metadata["tables_stopped"] == "pages" and doc.metadata["table_pages_read"] == 1
    grid = _grid(doc, doc.tables[0])
    assert all(doc.locate(c.start).page == 1 for c in doc.tables[0].cells)
    assert 10 < len(grid) - 1 < len(rows)


def test_pdfplumber_finds_cells_from_pdfium_rulings_without_parsing_the_page(monkeypatch, lists):
    """pdfplumber's table finder runs on the rulings pdfium read: pdfminer never parses the page."""
    import pdfplumber.page

    def no_parse(self, *a, **kw):
        raise AssertionError("pdfminer parse of the page content")

    monkeypatch.setattr(pdfplumber.page.Page, "parse_objects", no_parse)
    rows, data = lists["two_repeat"]
    doc = extract(data, "two.pdf")
    assert "tables_stopped" not in doc.metadata
    assert len(doc.tables) == 1 and len({c.row for c in doc.tables[0].cells}) == len(rows) + 1


def test_time_cap_stops_table_reading(monkeypatch, lists):
    from scanner.extract import pdf_tables

    rows, data = lists["one"]
    counter = _Counter(monkeypatch)
    monkeypatch.setattr(pdf_tables, "MAX_SECONDS", 0.0)
    doc = extract(data, "gongshi.pdf")
    assert doc.metadata["tables_stopped"] == "time" and doc.tables == [] and counter.calls == 0
    assert rows[0][2] in doc.text
