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

from scanner.document import Document, Location, Segment, Table, TableCell
from scanner.errors import CorruptFile, EncryptedFile, ExtractionError, LimitExceeded
from scanner.extract.limits import OLE_MAGIC, check_xml, is_ole_encrypted, open_zip, options_deadline, read_member

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
    """Zip-bomb and XML-bomb checks before calamine inflates anything."""
    if data.startswith(OLE_MAGIC):
        if is_ole_encrypted(data):
            raise EncryptedFile("spreadsheet is password-protected (encrypted package)")
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


def extract_xlsx(data: bytes, source: str, options: object) -> Document:
    from python_calamine import CalamineWorkbook

    import python_calamine as pc

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
    starts, ends, rows_a, cols_a, sheets_a = cols.starts.append, cols.ends.append, cols.rows.append, \
        cols.cols.append, cols.sheets.append
    append_piece = pieces.append
    for index, meta in enumerate(wb.sheets_metadata, start=1):
        deadline.check()
        name = meta.name
        hidden = meta.visible != pc.SheetVisibleEnum.Visible
        try:
            sheet = wb.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
        except Exception as exc:
            raise CorruptFile(f"sheet {index} cannot be read ({type(exc).__name__})") from None
        sheet_no = len(cols.sheet_names)
        cols.sheet_names.append(name)
        cols.sheet_hidden.append(hidden)
        starts(pos)
        ends(pos + len(name))
        rows_a(-1)
        cols_a(-1)
        sheets_a(sheet_no)
        append_piece(name)
        append_piece("\n")
        pos += len(name) + 1
        lo = len(cols.starts)
        header_row = None
        first_row = None
        for r, row in enumerate(rows):
            if r & 4095 == 0:
                deadline.check()
            filled = texts = 0
            for c, value in enumerate(row):
                tv = type(value)
                if tv is str:
                    if not value:
                        continue
                    text = value
                    texts += 1
                elif tv is float:
                    if value.is_integer() and -1e15 < value < 1e15:
                        text = str(int(value))
                    else:
                        text = repr(value)
                        if "e" in text or len(text) > 16:  # exponent or more than 15 significant digits
                            text = format_number(value)
                elif tv is dt.date:
                    text = value.isoformat()
                else:
                    if value is None:
                        continue
                    text = format_cell(value)
                    if not text:
                        continue
                if filled:
                    append_piece("\t")
                    pos += 1
                filled += 1
                append_piece(text)
                starts(pos)
                pos += len(text)
                ends(pos)
                rows_a(r)
                cols_a(c)
                sheets_a(sheet_no)
            if filled:
                append_piece("\n")
                pos += 1
                if first_row is None:
                    first_row = r
                # the column headers: the first row of two or more cells, all text (a title row above
                # a table is usually one merged cell)
                if header_row is None and filled >= 2 and texts == filled:
                    header_row = r
            cells_seen += len(row)
            if cells_seen > MAX_CELLS:
                raise LimitExceeded(f"spreadsheet has more than {MAX_CELLS} cells")
        tables.append(Table(index=index, cells=CellSpans(cols, lo, len(cols.starts), index), name=name,  # type: ignore[arg-type]
                            header_row=header_row if header_row is not None else first_row, hidden=hidden))
    segments = CellSegments(cols)
    text = "".join(pieces)
    media = "application/vnd.ms-excel" if data.startswith(OLE_MAGIC) else \
        "application/vnd.oasis.opendocument.spreadsheet" if b"opendocument.spreadsheet" in data[:200] else MEDIA_TYPE
    return Document(text=text, segments=segments, media_type=media, tables=tables,
                    metadata={"sheets": [m.name for m in wb.sheets_metadata],
                              "hidden_sheets": [t.name for t in tables if t.hidden]})
