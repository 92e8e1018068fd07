"""Errors with a clear message; none of them carries personal data."""

from __future__ import annotations


class CuominError(Exception):
    """Base class of cuomin's own errors."""

    code = "error"

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        if code:
            self.code = code

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else self.code


class InputError(CuominError):
    """The input cannot be read at all (missing file, bad URL, unknown format)."""

    code = "input"


class ExtractionError(CuominError):
    """One document could not be extracted; the rest of a scan goes on."""

    code = "extraction"


class UnsupportedFormat(ExtractionError):
    code = "unsupported_format"


class CorruptFile(ExtractionError):
    code = "corrupt"


class EncryptedFile(ExtractionError):
    code = "encrypted"


class LimitExceeded(ExtractionError):
    """Size, page, nesting, decompression-ratio or time limit reached."""

    code = "limit"
