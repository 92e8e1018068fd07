"""Plain text: decoded (BOM, UTF-8, then GB18030), one segment per line.

:func:`decode_text` is also the last step of HTML charset detection.
"""

from __future__ import annotations

from scanner.document import Document
from scanner.errors import CorruptFile

# Labels decoded as GB18030: it is a superset of GB2312 and GBK, and pages labelled
# gb2312 routinely hold characters outside it (镕, 堃, 喆 ...).
GB_LABELS = {"gb2312", "gb_2312", "gb_2312-80", "gbk", "x-gbk", "cp936", "ms936", "windows-936", "euc-cn",
             "csgb2312", "chinese", "iso-ir-58", "gb18030", "hz-gb-2312"}


def canonical_encoding(label: str | None) -> str | None:
    """A Python codec name for a charset label, with the GB family mapped to gb18030; None if unknown."""
    import codecs

    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in GB_LABELS or label.replace("-", "") in ("gb2312", "gbk", "gb18030"):
        return "gb18030"
    if label in ("big5", "big5-hkscs", "x-x-big5"):
        return "big5hkscs"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return "gb18030" if name in ("gb2312", "gbk") else name


def looks_binary(data: bytes) -> bool:
    """True for bytes that are not text in any encoding (NULs, many control bytes)."""
    head = data[:8192]
    if not head:
        return False
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 has NULs by design
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32 and b != 27)
    return controls > len(head) * 0.05


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding) for bytes of unknown Chinese text.

    BOM, then strict UTF-8, then strict GB18030, then UTF-8 with a few bad bytes
    replaced (U+FFFD), then charset detection.
    """
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
    # A few invalid byte sequences in otherwise good text: keep the text, mark the bytes with U+FFFD.
    # UTF-8 first: GB18030 accepts almost any byte pair, so its replacement count says little.
    # UTF-8 wins when it decodes far more Chinese than it breaks (GBK bytes almost never form
    # valid UTF-8 sequences, so GBK text decoded as UTF-8 is nearly all U+FFFD).
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    if bad <= max(8, len(text) // 50) or sum(1 for c in text if "\u2e80" <= c <= "\U0003ffff" and c != "\ufffd") >= 2 * bad:
        return text, "utf-8"
    text = data.decode("gb18030", errors="replace")
    if text.count("\ufffd") <= max(8, len(text) // 50):
        return text, "gb18030"
    from charset_normalizer import from_bytes

    best = from_bytes(data[:1_000_000]).best()
    if best is not None:
        enc = canonical_encoding(best.encoding) or "utf-8"
        return data.decode(enc, errors="replace"), enc
    raise CorruptFile("not text: no character encoding fits these bytes")


def extract_text(data: bytes, source: str, options: object) -> Document:
    if looks_binary(data):
        raise CorruptFile("binary data, not text")
    from scanner.extract.html_charset import header_charset

    declared = canonical_encoding(header_charset(getattr(options, "headers", None)))
    text = encoding = None
    if declared and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        try:
            text, encoding = data.decode(declared), declared  # the HTTP header's charset, when it fits
        except (UnicodeDecodeError, LookupError):
            text = None
    if text is None:
        text, encoding = decode_text(data)
    if "\x00" in text[:4096]:
        raise CorruptFile("binary data, not text")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Document.from_text(text, source=source, media_type="text/plain", metadata={"encoding": encoding})
