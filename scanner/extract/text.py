"""Plain text: decoded (BOM, UTF-8, then GB18030), one segment per line."""

from __future__ import annotations

from scanner.document import Document
from scanner.errors import CorruptFile


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding) for bytes of unknown Chinese text."""
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(enc, errors="replace"), enc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:1_000_000]).best()
    if best is None:
        raise CorruptFile("not text: no character encoding fits these bytes")
    enc = "gb18030" if best.encoding in ("gb2312", "gbk", "gb18030") else best.encoding
    return data.decode(enc, errors="replace"), enc


def extract_text(data: bytes, source: str, options: object) -> Document:
    text, encoding = decode_text(data)
    if "\x00" in text[:4096]:
        raise CorruptFile("binary data, not text")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Document.from_text(text, source=source, media_type="text/plain", metadata={"encoding": encoding})
