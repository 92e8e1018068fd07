"""Spreadsheets (XLSX, XLSM, XLSB, XLS, ET, ODS) → text, cell locations and tables, via python-calamine.

Every sheet is read, hidden and very hidden ones included (``Table.hidden`` and
the segments' ``hidden`` flag say so: a hidden sheet is invisible in Excel but
anyone who downloads the file can unhide it).  Text: the sheet name on its own
line, then one line per non-empty row with the non-empty cells separated by tabs.
Each cell is a segment located ``{"sheet": "Sheet1", "cell": "C7"}`` and a
:class:`~scanner.document.TableCell` of the sheet's table (row/col are the sheet's
0-based indices, so ``C7`` is row 6, col 2).

Numbers are rendered the way Excel shows a stored number: at most 15 significant
digits and never in exponent form for integers, so an 18-digit ID number typed
as a number (stored as ``1.10101199003071E+17``) reads ``110101199003071000`` — the
truncated ID a privacy check must still report.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from decimal import Decimal

import numpy as np

from scanner.document import Document, Table
from scanner.errors import CorruptFile, EncryptedFile, ExtractionError, LimitExceeded
from scanner.extract.limits import (
    OLE_MAGIC,
    check_xml,
    is_ole_encrypted,
    open_zip,
    options_deadline,
)
from scanner.extract.ole import check_compound_file

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_CELLS = 20_000_000


_COLUMNS: list[str] = []


def column_name(col: int) -> str:
    """0-based column index → Excel letters (0 → A, 27 → AB)."""
    if col < len(_COLUMNS):
        return _COLUMNS[col]
    name = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        name = chr(65 + rem) + name
    return name


_COLUMNS.extend(column_name(i) for i in range(702))


def format_number(value: float) -> str:
    """A number as Excel displays it in a General cell: 15 significant digits, no exponent for integers."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        if abs(value) < 10 ** 15:
            return str(value)
        value = float(value)
    if math.isnan(value) or math.isinf(value):
        return "#NUM!"
    if value == 0:
        return "0"
    d = Decimal(format(value, ".15g"))
    if d == d.to_integral_value() and abs(d) < Decimal(10) ** 21:
        return str(int(d))
    if abs(d) < Decimal("1e-9"):
        return format(value, ".15g").upper()
    out = format(d, "f")
    if "." in out:
        out = out.rstrip("0").rstrip(".")
    return out


def format_cell(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return format_number(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        total = int(value.total_seconds())
        return f"{total // 3600}:{total % 3600 // 60:02d}:{total % 60:02d}"
    return str(value)


def _precheck(data: bytes) -> None:
    """Zip-bomb, XML-bomb and compound-file chain checks before calamine reads anything."""
    if data.startswith(OLE_MAGIC):
        if is_ole_encrypted(data):
            raise EncryptedFile("spreadsheet is password-protected (encrypted package)")
        check_compound_file(data)
        return
    if data.startswith(b"PK"):
        zf = open_zip(data, "spreadsheet")
        for info in zf.infolist():
            if info.filename.endswith((".xml", ".rels")) and info.file_size:
                try:
                    with zf.open(info) as fh:
                        head = fh.read(4096)
                except Exception as exc:  # BadZipFile, zlib.error, NotImplementedError ...
                    raise CorruptFile(f"spreadsheet part {info.filename!r} is damaged ({type(exc).__name__})") \
                        from None
                check_xml(head, info.filename)


def _cell_text(value) -> str:
    """One cell value as shown ("" for an empty cell); calamine gives str, float, date, datetime, bool, ..."""
    tv = type(value)
    if tv is float:
        if value.is_integer() and -1e15 < value < 1e15:
            return str(int(value))
        text = repr(value)
        if "e" in text or "n" in text or len(text) > 16:  # exponent, inf/nan, or more than 15 digits
            return format_number(value)
        return text
    if value is None:
        return ""
    if tv is dt.date:
        return value.isoformat()
    return format_cell(value)


def _float_texts(values: list[float]) -> list[str]:
    """Numbers → texts in bulk; the same rendering as :func:`_cell_text`."""
    a = np.fromiter(values, dtype=np.float64, count=len(values))
    whole = (np.trunc(a) == a) & (np.abs(a) < 1e15)
    if whole.all():
        return [str(int(v)) for v in values]
    texts = list(map(repr, values))
    for i in np.flatnonzero(whole).tolist():
        texts[i] = str(int(values[i]))
    for i in [i for i, t in enumerate(texts) if len(t) > 16 or "e" in t or "n" in t]:  # as _cell_text
        texts[i] = format_number(values[i])
    return texts


def _column_texts(col: tuple) -> list[str] | tuple:
    """A whole column's values → texts ("" for empty cells), converted per value type in bulk
    (a roster column is a text header over numbers or dates)."""
    kinds = set(map(type, col))
    if kinds == {str}:
        return col
    texts = ["" if v is None else v for v in col] if type(None) in kinds else list(col)
    for kind in kinds - {str, type(None)}:
        if len(kinds) == 1:
            idx, values = None, list(col)
        else:
            idx = [i for i, v in enumerate(col) if type(v) is kind]
            values = [col[i] for i in idx]
        if kind is float:
            conv = _float_texts(values)
        elif kind is dt.date:  # registration dates and the like repeat: format each distinct day once
            days = {d: d.isoformat() for d in set(values)}
            conv = list(map(days.__getitem__, values))
        else:
            conv = [_cell_text(v) for v in values]
        if idx is None:
            return conv
        for i, t in zip(idx, conv):
            texts[i] = t
    return texts


class _SheetText:
    """One sheet's rows → text lines (non-empty cells joined by tabs) and per-cell arrays.

    The source map is not built cell by cell: each non-empty cell is followed by exactly
    one character (a tab, or the newline ending its row), so the offsets are cumulative
    sums of the cell lengths, computed in bulk by :meth:`CellColumns.add_cells`.  A
    rectangular sheet (what calamine gives) is converted column by column and its cell
    lengths, rows and columns come from one 2-D length array.
    """

    __slots__ = ("columns", "header_row", "lengths", "lines", "row_counts", "row_numbers")

    def __init__(self, rows: list[list], deadline) -> None:
        self.header_row: int | None = None
        width = len(rows[0]) if rows else 0
        if width and all(len(row) == width for row in rows):
            self._by_columns(rows, width, deadline)
        else:
            self._by_rows(rows, deadline)
        # the column headers: the first row of two or more cells, all text (a title row above
        # a table is usually one merged cell)
        cell = 0
        for r, n in zip(self.row_numbers, self.row_counts):
            if n >= 2 and all(type(rows[r][c]) is str for c in self.columns[cell:cell + n]):
                self.header_row = int(r)
                break
            cell += n

    def _by_columns(self, rows: list[list], width: int, deadline) -> None:
        texts = []
        for col in zip(*rows):
            deadline.check()
            texts.append(_column_texts(col))
        lens = np.array([list(map(len, t)) for t in texts], dtype=np.int64).T  # rows × columns
        filled = lens > 0
        counts = filled.sum(axis=1)
        col_idx = np.nonzero(filled)[1]  # row-major: text order
        if any("" in t for t in texts):
            lines = ["\t".join(filter(None, t)) for t in zip(*texts)]
            if not counts.all():
                lines = [line for line in lines if line]
        else:
            lines = list(map("\t".join, zip(*texts)))
        self.lines = lines
        self.lengths = lens[filled]
        self.columns = col_idx
        nonempty = np.flatnonzero(counts)
        self.row_numbers = nonempty
        self.row_counts = counts[nonempty]

    def _by_rows(self, rows: list[list], deadline) -> None:
        self.lines = []
        lengths: list[int] = []
        columns: list[int] = []
        row_numbers: list[int] = []
        row_counts: list[int] = []
        for r, row in enumerate(rows):
            if r & 4095 == 0:
                deadline.check()
            texts = [v if type(v) is str else _cell_text(v) for v in row]
            filled = [c for c, t in enumerate(texts) if t]
            if not filled:
                continue
            columns.extend(filled)
            self.lines.append("\t".join(texts[c] for c in filled))
            lengths.extend(len(texts[c]) for c in filled)
            row_numbers.append(r)
            row_counts.append(len(filled))
        self.lengths = np.array(lengths, dtype=np.int64)
        self.columns = np.array(columns, dtype=np.int64)
        self.row_numbers = np.array(row_numbers, dtype=np.int64)
        self.row_counts = np.array(row_counts, dtype=np.int64)


def extract_xlsx(data: bytes, source: str, options: object) -> Document:
    import python_calamine as pc
    from python_calamine import CalamineWorkbook

    deadline = options_deadline(options, "spreadsheet extraction")
    _precheck(data)
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except getattr(pc, "PasswordError", ()) as exc:  # type: ignore[misc]
        raise EncryptedFile("spreadsheet is password-protected") from exc
    except ExtractionError:
        raise
    except Exception as exc:
        msg = str(exc).lower()
        if "password" in msg or "encrypt" in msg:
            raise EncryptedFile("spreadsheet is password-protected") from None
        raise CorruptFile(f"not a readable spreadsheet ({type(exc).__name__})") from None

    from scanner.extract.xlsx_cells import CellColumns, CellSegments, CellSpans

    cols = CellColumns()
    pieces: list[str] = []
    tables: list[Table] = []
    pos = 0
    cells_seen = 0
    for index, meta in enumerate(wb.sheets_metadata, start=1):
        deadline.check()
        name = meta.name
        hidden = meta.visible != pc.SheetVisibleEnum.Visible
        try:
            rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as exc:
            raise CorruptFile(f"sheet {index} cannot be read ({type(exc).__name__})") from None
        sheet_no = len(cols.sheet_names)
        cols.sheet_names.append(name)
        cols.sheet_hidden.append(hidden)
        cols.add_heading(pos, pos + len(name), sheet_no)
        pieces.append(name)
        pieces.append("\n")
        pos += len(name) + 1
        lo = len(cols.starts)
        cells_seen += sum(map(len, rows))
        if cells_seen > MAX_CELLS:
            raise LimitExceeded(f"spreadsheet has more than {MAX_CELLS} cells")
        sheet = _SheetText(rows, deadline)
        pos = cols.add_cells(pos, sheet.lengths, sheet.row_numbers, sheet.row_counts, sheet.columns, sheet_no)
        if sheet.lines:
            pieces.append("\n".join(sheet.lines))
            pieces.append("\n")
        header_row = sheet.header_row if sheet.header_row is not None else \
            (int(sheet.row_numbers[0]) if len(sheet.row_numbers) else None)
        tables.append(Table(index=index, cells=CellSpans(cols, lo, len(cols.starts), index), name=name,  # type: ignore[arg-type]
                            header_row=header_row, hidden=hidden))
    segments = CellSegments(cols)
    text = "".join(pieces)
    media = "application/vnd.ms-excel" if data.startswith(OLE_MAGIC) else \
        "application/vnd.oasis.opendocument.spreadsheet" if b"opendocument.spreadsheet" in data[:200] else MEDIA_TYPE
    return Document(text=text, segments=segments, media_type=media, tables=tables,
                    metadata={"sheets": [m.name for m in wb.sheets_metadata],
                              "hidden_sheets": [t.name for t in tables if t.hidden]})
