"""DOCX and XLSX text extraction: source maps, tables, hidden sheets, numbers as Excel shows them."""

import datetime
import io

import docx
import openpyxl
import pytest
from docx.shared import Pt, RGBColor

from scanner.errors import CorruptFile, EncryptedFile
from scanner.extract import extract
from scanner.extract.xlsx import column_name, format_number


def _docx_bytes() -> bytes:
    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "某某县人民政府办公室"
    p = d.add_paragraph()
    r = p.add_run("关于做好2026年度政府网站内容保障工作的通知")
    r.bold = True
    d.add_paragraph("各乡镇人民政府，县直各单位：")
    t = d.add_table(rows=3, cols=3)
    for j, h in enumerate(["姓名", "单位", "联系电话"]):
        t.cell(0, j).text = h
    t.cell(1, 0).text = "王小明"
    t.cell(1, 1).text = "县档案馆"
    t.cell(1, 2).text = "0731-1234567"
    t.cell(2, 0).text = "赵丽"
    t.cell(2, 1).text = "县政务服务中心"
    cell = t.cell(2, 2)
    cell.text = "第一行"
    cell.add_paragraph("第二行")
    d.add_paragraph("特此通知。")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx_paragraphs_tables_and_header_are_located():
    doc = extract(_docx_bytes(), "notice.docx")
    assert doc.media_type.endswith("wordprocessingml.document")
    text = doc.text
    assert text.startswith("某某县人民政府办公室\n")
    assert "各乡镇人民政府，县直各单位：" in text
    i = text.index("县直各单位")
    assert doc.locate(i).to_dict() == {"part": "body", "paragraph": 2}
    h = text.index("办公室")
    assert doc.locate(h).to_dict() == {"part": "header", "paragraph": 1}
    k = text.index("县档案馆")
    assert doc.locate(k).to_dict() == {"part": "body", "table": 1, "cell": "R2C2"}
    # the row is one line, cells separated by tabs
    assert "王小明\t县档案馆\t0731-1234567\n" in text
    assert "第一行\n第二行" in text
    (table,) = doc.tables
    assert table.header_row == 0
    assert table.header(text) == {0: "姓名", 1: "单位", 2: "联系电话"}
    phone = [c for c in table.column(2) if c.row == 1][0]
    assert text[phone.start:phone.end] == "0731-1234567"
    last = [c for c in table.cells if (c.row, c.col) == (2, 2)][0]
    assert text[last.start:last.end] == "第一行\n第二行"
    # paragraphs after the table keep counting
    j = text.index("特此通知")
    assert doc.locate(j).to_dict() == {"part": "body", "paragraph": 3}
    # segments are sorted and do not overlap
    ends = [(s.start, s.end) for s in doc.segments]
    assert all(a[1] <= b[0] for a, b in zip(ends, ends[1:]))


def _xlsx_bytes() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "报名表"
    ws.append(["序号", "姓名", "身份证号", "报名日期", "缴费"])
    ws.append([1, "测试甲", 110101199003071234, datetime.date(2026, 3, 5), 120.5])
    ws.append([2, "测试乙", "11010119900307123X", datetime.datetime(2026, 3, 6, 9, 30), 0.1 + 0.2])
    hidden = wb.create_sheet("底稿")
    hidden["C7"] = "内部资料 不得外传"
    hidden.sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_cells_sheets_and_numbers():
    doc = extract(_xlsx_bytes(), "list.xlsx")
    text = doc.text
    assert text.splitlines()[0] == "报名表"
    # an 18-digit ID stored as a number reads as Excel shows its 15 significant digits
    assert "110101199003071000" in text
    assert "E+17" not in text and "e+17" not in text
    assert "11010119900307123X" in text
    assert "2026-03-05" in text and "2026-03-06 09:30:00" in text
    assert "\t0.3\n" in text and "120.5" in text
    i = text.index("110101199003071000")
    assert doc.locate(i).to_dict() == {"sheet": "报名表", "cell": "C2"}
    j = text.index("内部资料")
    assert doc.locate(j).to_dict() == {"sheet": "底稿", "cell": "C7"}
    assert doc.segment_at(j).hidden
    visible, hidden = doc.tables
    assert not visible.hidden and hidden.hidden and hidden.name == "底稿"
    assert visible.header(text) == {0: "序号", 1: "姓名", 2: "身份证号", 3: "报名日期", 4: "缴费"}
    ids = [text[c.start:c.end] for c in visible.column(2)]
    assert ids == ["身份证号", "110101199003071000", "11010119900307123X"]
    (cell,) = hidden.cells
    assert (cell.row, cell.col) == (6, 2)


@pytest.mark.parametrize("value, shown", [
    (1.10101199003071e17, "110101199003071000"), (1.1010119900307123e17, "110101199003071000"),
    (6222021234567890123.0, "6222021234567890000"), (13800138000.0, "13800138000"), (0.30000000000000004, "0.3"),
    (-2.5, "-2.5"), (1e-12, "1E-12"), (42, "42"), (3.0, "3"),
])
def test_numbers_render_like_excel(value, shown):
    assert format_number(value) == shown


def test_column_names():
    assert [column_name(i) for i in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]


def test_broken_and_encrypted_office_files_raise_clear_errors():
    data = _docx_bytes()
    with pytest.raises(CorruptFile):
        extract(data[: len(data) // 2], "cut.docx")
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 64
    with pytest.raises(EncryptedFile):
        extract(ole, "secret.docx")
    with pytest.raises(EncryptedFile):
        extract(ole, "secret.xlsx")
