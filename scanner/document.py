"""The document model: extracted text plus a source map.

Every extractor (``scanner.extract``) turns its input into one :class:`Document`:
``text`` is the text detectors read, and ``segments`` cut that text into
consecutive spans, each with the :class:`Location` it came from (an HTML element,
a PDF page and box, a DOCX paragraph or table cell, a spreadsheet cell).  A
finding at code-point offsets ``[start, end)`` of ``text`` is located by
:meth:`Document.locate`.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Location:
    """Where a span of extracted text came from.

    Only the fields that apply are set.  ``to_dict`` gives the command-line
    contract's shapes: ``{"page": n}``, ``{"sheet": s, "cell": "C7"}``,
    ``{"paragraph": n}``, ``{"selector": css, "offset": n}`` or ``{}``, with
    optional extras (``bbox`` in PDF points, ``part`` such as ``header``).
    """

    selector: str | None = None  # HTML: CSS selector of the element
    offset: int | None = None  # HTML: code-point offset inside the element's text
    page: int | None = None  # PDF/image: 1-based page
    bbox: tuple[float, float, float, float] | None = None  # PDF: x0, top, x1, bottom in points
    paragraph: int | None = None  # DOCX: 1-based paragraph index within its part
    part: str | None = None  # DOCX: body, header, footer, footnote, textbox, table
    table: int | None = None  # DOCX/HTML: 1-based table index
    cell: str | None = None  # XLSX "C7"; DOCX table cell "R2C3"
    sheet: str | None = None  # XLSX sheet name
    line: int | None = None  # plain text: 1-based line

    def shifted(self, delta: int) -> "Location":
        """The same place, ``delta`` code points further into the element (HTML offsets only)."""
        if self.offset is None or delta == 0:
            return self
        return Location(**{**self.to_dict(full=True), "offset": self.offset + delta})

    def to_dict(self, full: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in self.__slots__:
            value = getattr(self, name)
            if value is not None or full:
                out[name] = list(value) if isinstance(value, tuple) else value
        if full and out.get("bbox") is not None:
            out["bbox"] = tuple(out["bbox"])
        return out


@dataclass(frozen=True, slots=True)
class Segment:
    """A run ``[start, end)`` of the document text that came from one place.

    ``role`` says what the text is (title, heading, body, cell, link, alt, caption,
    header, footer, ...).  ``template`` marks site template regions (nav, header,
    footer) so that a problem there is reported once per site; ``hidden`` marks
    text a visitor cannot see (display:none, off-screen, zero size ...).
    """

    start: int
    end: int
    location: Location
    role: str = "body"
    template: bool = False
    hidden: bool = False


@dataclass(frozen=True, slots=True)
class Link:
    """A hyperlink found in a page: the crawler follows it, the dark-link check reads it."""

    href: str
    text: str = ""
    hidden: bool = False
    selector: str | None = None
    rel: str | None = None


@dataclass(frozen=True, slots=True)
class TableCell:
    """A table cell's span in the text, with its row and column (0-based)."""

    table: int
    row: int
    col: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Table:
    """A table (HTML, DOCX or a spreadsheet sheet) laid over the document text.

    ``header_row`` is the row index whose cells name the columns, when known.
    ``hidden`` is set for hidden sheets.
    """

    index: int
    cells: tuple[TableCell, ...]
    name: str | None = None
    header_row: int | None = 0
    hidden: bool = False

    def column(self, col: int) -> list[TableCell]:
        return [c for c in self.cells if c.col == col]

    def header(self, text: str) -> dict[int, str]:
        """Column index → header text, read from ``text`` (the document text)."""
        if self.header_row is None:
            return {}
        return {c.col: text[c.start:c.end].strip() for c in self.cells if c.row == self.header_row}


@dataclass(slots=True)
class Document:
    """A checked document: text, source map, and what extraction learnt on the way."""

    text: str
    segments: list[Segment] = field(default_factory=list)
    source: str = "-"
    media_type: str = "text/plain"
    title: str | None = None
    links: list[Link] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    # Format-specific visual evidence (coloured text, lines, images per page) read by
    # layout detectors such as the red-header check; see scanner.extract.layout.
    layout: Any = None
    _starts: list[int] | None = field(default=None, repr=False)

    @classmethod
    def from_text(cls, text: str, source: str = "-", **kw: Any) -> "Document":
        """A plain-text document; each line is a segment located by its line number."""
        segments: list[Segment] = []
        pos = 0
        for number, line in enumerate(text.split("\n"), start=1):
            if line:
                segments.append(Segment(pos, pos + len(line), Location(line=number, offset=0)))
            pos += len(line) + 1
        return cls(text=text, segments=segments, source=source, **kw)

    def segment_at(self, offset: int) -> Segment | None:
        """The segment holding code point ``offset`` (or the one just before a gap)."""
        if not self.segments:
            return None
        if self._starts is None or len(self._starts) != len(self.segments):
            starts = getattr(self.segments, "starts", None)  # a spreadsheet's array-backed map has them
            self._starts = starts if starts is not None else [s.start for s in self.segments]
        i = bisect.bisect_right(self._starts, offset) - 1
        if i < 0:
            return None
        seg = self.segments[i]
        return seg if seg.start <= offset < max(seg.end, seg.start + 1) else None

    def locate(self, start: int, end: int | None = None) -> Location:
        """The location of the text at ``[start, end)``; HTML offsets are made element-relative."""
        seg = self.segment_at(start)
        if seg is None:
            return Location()
        return seg.location.shifted(start - seg.start)
