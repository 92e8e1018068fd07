"""Compact source maps for big spreadsheets: segments and table cells stored as arrays, built on access.

A 100,000-row sheet has 600,000 cells; a frozen dataclass per cell (Segment,
Location, TableCell) costs more than reading the file.  :class:`CellSegments` and
:class:`CellSpans` keep offsets, rows and columns in ``array`` columns (filled in bulk with numpy) and are
read-only sequences: ``doc.segments[i]``, ``len()``, iteration and slicing give
ordinary :class:`~scanner.document.Segment` / :class:`~scanner.document.TableCell`
objects, made when asked for.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence

import numpy as np

from scanner.document import Location, Segment, TableCell


def _column(col: int) -> str:
    from scanner.extract.xlsx import column_name

    return column_name(col)


class CellColumns:
    """The growing arrays behind a workbook's source map."""

    __slots__ = ("cols", "ends", "rows", "sheet_hidden", "sheet_names", "sheets", "starts")

    def __init__(self) -> None:
        self.starts = array("q")
        self.ends = array("q")
        self.rows = array("q")
        self.cols = array("q")  # -1 marks a sheet-name heading
        self.sheets = array("q")
        self.sheet_names: list[str] = []
        self.sheet_hidden: list[bool] = []

    def add_heading(self, start: int, end: int, sheet: int) -> None:
        """A sheet-name heading at ``[start, end)``."""
        self.starts.append(start)
        self.ends.append(end)
        self.rows.append(-1)
        self.cols.append(-1)
        self.sheets.append(sheet)

    def add_cells(self, pos: int, lengths, row_numbers, row_counts, columns, sheet: int) -> int:
        """One sheet's cells, in text order, starting at offset ``pos``; returns the offset after them.

        ``lengths`` and ``columns`` are per cell, ``row_numbers``/``row_counts`` per non-empty
        row (integer arrays).  Each cell is followed by one separator (tab or newline), so
        cell ``k`` starts at ``pos + sum(lengths[j] + 1 for j < k)``: one cumulative sum.
        """
        lens = np.asarray(lengths, dtype=np.int64)
        n = len(lens)
        if not n:
            return pos
        ends = np.cumsum(lens + 1)
        ends += pos - 1  # the cell's end, before its separator
        starts = ends - lens
        rows = np.repeat(np.asarray(row_numbers, dtype=np.int64), np.asarray(row_counts, dtype=np.int64))
        self.starts.frombytes(starts.tobytes())
        self.ends.frombytes(ends.tobytes())
        self.rows.frombytes(rows.tobytes())
        self.cols.frombytes(np.asarray(columns, dtype=np.int64).tobytes())
        self.sheets.frombytes(np.full(n, sheet, dtype=np.int64).tobytes())
        return int(ends[-1]) + 1


class CellSegments(Sequence):
    """``Document.segments`` of a workbook: headings and cells, in text order."""

    __slots__ = ("_c",)

    def __init__(self, columns: CellColumns):
        self._c = columns

    def __len__(self) -> int:
        return len(self._c.starts)

    @property
    def starts(self):
        """The segments' start offsets, ascending (what ``Document.segment_at`` bisects)."""
        return self._c.starts

    def _make(self, i: int) -> Segment:
        c = self._c
        sheet = c.sheets[i]
        name = c.sheet_names[sheet]
        hidden = c.sheet_hidden[sheet]
        col = c.cols[i]
        if col < 0:
            return Segment(c.starts[i], c.ends[i], Location(sheet=name), "heading", False, hidden)
        return Segment(c.starts[i], c.ends[i], Location(sheet=name, cell=f"{_column(col)}{c.rows[i] + 1}"), "cell",
                       False, hidden)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self._make(k) for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self._make(i)

    def __iter__(self):
        for i in range(len(self)):
            yield self._make(i)

    def __eq__(self, other) -> bool:
        return list(self) == list(other) if isinstance(other, Sequence) else NotImplemented

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return f"<{len(self)} spreadsheet segments>"


class CellSpans(Sequence):
    """``Table.cells`` of one sheet: the cells ``[lo, hi)`` of the workbook's arrays."""

    __slots__ = ("_c", "_hi", "_lo", "_table")

    def __init__(self, columns: CellColumns, lo: int, hi: int, table: int):
        self._c, self._lo, self._hi, self._table = columns, lo, hi, table

    def __len__(self) -> int:
        return self._hi - self._lo

    def _make(self, k: int) -> TableCell:
        c = self._c
        return TableCell(self._table, c.rows[k], c.cols[k], c.starts[k], c.ends[k])

    def __getitem__(self, i):
        n = len(self)
        if isinstance(i, slice):
            return tuple(self._make(self._lo + k) for k in range(*i.indices(n)))
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(i)
        return self._make(self._lo + i)

    def __iter__(self):
        for k in range(self._lo, self._hi):
            yield self._make(k)

    def row(self, row: int) -> list[TableCell]:
        """The cells of one sheet row (0-based), found by bisection."""
        import bisect

        rows = self._c.rows
        lo = bisect.bisect_left(rows, row, self._lo, self._hi)
        hi = bisect.bisect_right(rows, row, lo, self._hi)
        return [self._make(k) for k in range(lo, hi)]

    def __eq__(self, other) -> bool:
        return tuple(self) == tuple(other) if isinstance(other, Sequence) else NotImplemented

    def __hash__(self) -> int:
        return hash((self._table, self._lo, self._hi))

    def __repr__(self) -> str:
        return f"<{len(self)} cells of table {self._table}>"
