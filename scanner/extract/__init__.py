"""Extraction: bytes of a page or attachment → :class:`~scanner.document.Document`.

:func:`extract` sniffs the format (magic bytes first, then Content-Type, then the
file name) and calls the extractor registered for that media type.  Extractors
are imported only when their format is met, so a text check does not pay for
PDF or OCR libraries.  Each extractor raises an :class:`~scanner.errors.ExtractionError`
subclass for a file it cannot read; a scan records it for that attachment and
goes on.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from scanner.document import Document
from scanner.errors import CorruptFile, InputError, LimitExceeded, UnsupportedFormat
from scanner.extract.sniff import sniff_media_type

__all__ = ["ExtractOptions", "Extractor", "extract", "extract_path", "register_extractor", "extractor_for",
           "sniff_media_type", "SUPPORTED_SUFFIXES"]


@dataclass(slots=True)
class ExtractOptions:
    """Limits and hints for one extraction."""

    max_bytes: int = 100 * 1024 * 1024
    max_pages: int = 2000
    max_seconds: float = 120.0
    ocr: bool = True
    headers: Mapping[str, str] = field(default_factory=dict)  # HTTP response headers, if fetched


Extractor = Callable[[bytes, str, ExtractOptions], Document]

# media type → "module:function"; filled by the format modules' authors.
_EXTRACTORS: dict[str, str | Extractor] = {
    "text/plain": "scanner.extract.text:extract_text",
    "text/html": "scanner.extract.html:extract_html",
    # attachments (issue 7)
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "scanner.extract.docx:extract_docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "scanner.extract.xlsx:extract_xlsx",
    "application/vnd.ms-excel": "scanner.extract.xlsx:extract_xlsx",
    "application/vnd.oasis.opendocument.spreadsheet": "scanner.extract.xlsx:extract_xlsx",
    "application/pdf": "scanner.extract.pdf:extract_pdf",
    "application/msword": "scanner.extract.office:extract_office",
    "application/vnd.ms-works": "scanner.extract.office:extract_office",
    "application/vnd.ms-powerpoint": "scanner.extract.office:extract_office",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "scanner.extract.office:extract_office",
    "application/vnd.oasis.opendocument.text": "scanner.extract.office:extract_office",
    "application/vnd.oasis.opendocument": "scanner.extract.office:extract_office",
    "image/png": "scanner.extract.image:extract_image",
    "image/jpeg": "scanner.extract.image:extract_image",
    "image/gif": "scanner.extract.image:extract_image",
    "image/bmp": "scanner.extract.image:extract_image",
    "image/tiff": "scanner.extract.image:extract_image",
    "image/webp": "scanner.extract.image:extract_image",
}

SUPPORTED_SUFFIXES = {".txt", ".text", ".html", ".htm", ".shtml", ".xhtml",
                      ".pdf", ".docx", ".doc", ".wps", ".xlsx", ".xlsm", ".xls", ".et", ".ods", ".odt", ".pptx",
                      ".ppt", ".dps", ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp"}


def register_extractor(media_type: str, extractor: str | Extractor, suffixes: tuple[str, ...] = ()) -> None:
    _EXTRACTORS[media_type] = extractor
    SUPPORTED_SUFFIXES.update(suffixes)


def extractor_for(media_type: str) -> Extractor:
    target = _EXTRACTORS.get(media_type)
    if target is None:
        raise UnsupportedFormat(f"no extractor for {media_type}")
    if isinstance(target, str):
        module, _, func = target.partition(":")
        target = getattr(importlib.import_module(module), func)
        _EXTRACTORS[media_type] = target
    return target


def extract(data: bytes, source: str = "-", *, filename: str | None = None, content_type: str | None = None,
            options: ExtractOptions | None = None) -> Document:
    """Extract one document from ``data``; ``source`` is its path or URL (used in results)."""
    options = options or ExtractOptions()
    if len(data) > options.max_bytes:
        raise LimitExceeded(f"{len(data)} bytes is over the {options.max_bytes}-byte limit")
    media_type = sniff_media_type(data, filename=filename or source, content_type=content_type)
    try:
        doc = extractor_for(media_type)(data, source, options)
    except BaseException as exc:
        if not is_native_panic(exc):
            raise
        # A Rust parser (python-calamine) that panics on a damaged file raises pyo3's
        # PanicException, a BaseException: it would pass every ``except Exception`` up to the
        # worker.  It is a corrupt attachment like any other.
        raise CorruptFile(f"the {media_type} parser gave up on this file (panic)") from None
    doc.source = source
    return doc


def is_native_panic(exc: BaseException) -> bool:
    """pyo3's PanicException (its module, ``pyo3_runtime``, cannot be imported by name)."""
    return type(exc).__name__ == "PanicException" and type(exc).__module__ == "pyo3_runtime"


def extract_path(path: str | Path, options: ExtractOptions | None = None) -> Document:
    p = Path(path)
    if not p.exists():
        raise InputError(f"{path}: no such file")
    if p.is_dir():
        raise InputError(f"{path}: is a directory")
    options = options or ExtractOptions()
    size = p.stat().st_size
    if size > options.max_bytes:
        raise LimitExceeded(f"{path}: {size} bytes is over the {options.max_bytes}-byte limit")
    return extract(p.read_bytes(), str(path), filename=p.name, options=options)
