"""The spreadsheet source map built in bulk is exact: every segment names its sheet and cell,
and its offsets cut exactly that cell's text out of the document text."""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
import openpyxl

from scanner.extract import extract
from scanner.extract.xlsx import _SheetText, column_name, format_cell


class _NoDeadline:
    def check(self) -> None:
        pass


def _workbook() -> tuple[bytes, dict[tuple[str, str], str]]:
    """A workbook with gaps, empty rows, mixed column types, a hidden and an empty sheet;
    returns the file and the expected text of every non-empty cell."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append(["报名信息汇总"])  # title row: one cell
    ws.append(["序号", "姓名", None, "电话", "日期", "金额"])
    for i in range(40):
        ws.append([i + 1, f"张某{i}" if i % 7 else None, None, 13800000000 + i if i % 5 else "无",
                   dt.date(2026, 1 + i % 12, 1 + i % 28), 0.1 * i if i % 3 else 1.10101199003071e17])
    ws.append([])
    ws.append([None, None, None, None, None, "合计"])
    ws["J50"] = "备注：内部资料"
    ws["B50"] = True
    ws["C51"] = dt.datetime(2026, 3, 6, 9, 30)
    hidden = wb.create_sheet("底稿")
    hidden.sheet_state = "hidden"
    hidden["C7"] = "身份证号 110101199003071234"
    wb.create_sheet("空表")
    buf = io.BytesIO()
    wb.save(buf)
    expected = {}
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                text = format_cell(cell.value)
                if text:
                    expected[(sheet.title, cell.coordinate)] = text
    return buf.getvalue(), expected


def test_every_cell_segment_cuts_out_its_cell():
    data, expected = _workbook()
    doc = extract(data, "list.xlsx")
    got = {}
    for seg in doc.segments:
        loc = seg.location.to_dict()
        if seg.role == "heading":
            assert doc.text[seg.start:seg.end] == loc["sheet"]
            continue
        got[(loc["sheet"], loc["cell"])] = doc.text[seg.start:seg.end]
        assert seg.hidden == (loc["sheet"] == "底稿")
    # the dates openpyxl reads as datetimes at midnight show as plain dates in both
    assert got == expected
    # segment_at (bisecting the map's own start array) finds each segment from its first and last character
    for seg in doc.segments:
        assert doc.segment_at(seg.start) == seg and doc.segment_at(seg.end - 1) == seg
    # and locate() answers every offset inside a cell with that cell
    i = doc.text.index("内部资料")
    assert doc.locate(i).to_dict() == {"sheet": "名单", "cell": "J50"}
    i = doc.text.index("110101199003071234")
    assert doc.locate(i).to_dict() == {"sheet": "底稿", "cell": "C7"}
    # table cells agree with the segments
    for table in doc.tables:
        for cell in table.cells:
            key = (table.name, f"{column_name(cell.col)}{cell.row + 1}")
            assert doc.text[cell.start:cell.end] == expected[key]
    names, hidden, empty = doc.tables
    assert names.header_row == 1 and hidden.header_row == 6 and empty.header_row is None
    assert len(empty.cells) == 0 and len(hidden.cells) == 1


def test_text_is_sheet_name_then_one_tab_separated_line_per_row():
    data, _ = _workbook()
    lines = extract(data, "list.xlsx").text.split("\n")
    assert lines[:3] == ["名单", "报名信息汇总", "序号\t姓名\t电话\t日期\t金额"]
    assert lines[3] == "1\t无\t2026-01-01\t110101199003071000"
    assert "合计" in lines and "底稿" in lines and lines[-2:] == ["空表", ""]


def test_column_and_row_conversions_agree():
    """The column-wise bulk path and the row-by-row path give the same text and arrays."""
    rows = [["标题", None, None], ["a", 1.0, dt.date(2026, 1, 2)], [None, None, None],
            [2.5, "", 1e-12], [True, 1.1010119900307123e17, dt.datetime(2026, 1, 2, 3, 4, 5)],
            [None, 6222021234567890123.0, float("inf")]]
    bulk = _SheetText(rows, _NoDeadline())
    slow = _SheetText.__new__(_SheetText)
    slow._by_rows(rows, _NoDeadline())
    assert bulk.lines == slow.lines == ["标题", "a\t1\t2026-01-02", "2.5\t1E-12",
                                        "TRUE\t110101199003071000\t2026-01-02 03:04:05",
                                        "6222021234567890000\t#NUM!"]
    for name in ("lengths", "columns", "row_numbers", "row_counts"):
        assert np.array_equal(getattr(bulk, name), getattr(slow, name)), name
    assert bulk.header_row is None  # no row of two or more cells is all text
