"""The character set of an HTML page: BOM → HTTP header → ``<meta>`` → detection.

The GB family (gb2312, gbk, cp936 ...) is always decoded as GB18030: pages
labelled gb2312 routinely hold characters outside it (镕, 堃, 喆 ...).
A declared encoding the bytes do not fit (a "utf-8" page that is really GBK)
falls back to the detected one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from scanner.extract.text import canonical_encoding, decode_text

_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([-\w.:]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([-\w.:]+)""", re.IGNORECASE)


def header_charset(headers: Mapping[str, str] | None) -> str | None:
    if not headers:
        return None
    for key, value in headers.items():
        if key.lower() == "content-type":
            m = _HEADER_CHARSET.search(value)
            return m.group(1) if m else None
    return None


def meta_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii", "replace") if m else None


def decode_html(data: bytes, headers: Mapping[str, str] | None = None) -> tuple[str, str, str]:
    """(text, encoding, how) where ``how`` is bom, header, meta, detected or fallback."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(enc, errors="replace"), enc, "bom"
    for how, label in (("header", header_charset(headers)), ("meta", meta_charset(data))):
        enc = canonical_encoding(label)
        if enc is None or enc.startswith("utf-16"):  # a <meta> cannot honestly declare UTF-16
            continue
        try:
            return data.decode(enc), enc, how
        except UnicodeDecodeError:
            text, detected = decode_text(data)
            if detected != enc:
                return text, detected, "detected"
            return data.decode(enc, errors="replace"), enc, how
    text, enc = decode_text(data)
    return text, enc, "detected"
