"""Format sniffing: magic bytes, then Content-Type, then the file name's suffix."""

from __future__ import annotations

import io
import zipfile

_SUFFIX_TYPES = {
    ".txt": "text/plain", ".text": "text/plain",
    ".html": "text/html", ".htm": "text/html", ".shtml": "text/html", ".xhtml": "text/html",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".doc": "application/msword", ".wps": "application/vnd.ms-works",
    ".xls": "application/vnd.ms-excel", ".et": "application/vnd.ms-excel",
    ".ppt": "application/vnd.ms-powerpoint", ".dps": "application/vnd.ms-powerpoint",
    ".odt": "application/vnd.oasis.opendocument.text", ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
    ".bmp": "image/bmp", ".tif": "image/tiff", ".tiff": "image/tiff", ".webp": "image/webp",
}

_OOXML_MAIN = {
    "word/": _SUFFIX_TYPES[".docx"],
    "xl/": _SUFFIX_TYPES[".xlsx"],
    "ppt/": _SUFFIX_TYPES[".pptx"],
}


def _suffix(name: str | None) -> str:
    if not name:
        return ""
    name = name.split("?", 1)[0].split("#", 1)[0].rstrip("/").lower()
    dot = name.rfind(".")
    return name[dot:] if dot > name.rfind("/") else ""


def _zip_type(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, KeyError, NotImplementedError,
            RuntimeError):  # a damaged directory ("zip file version 12.8" is a NotImplementedError): not sniffable
        return None
    for prefix, media in _OOXML_MAIN.items():
        if any(n.startswith(prefix) for n in names):
            return media
    if "mimetype" in names:
        return "application/vnd.oasis.opendocument"
    return "application/zip"


def sniff_media_type(data: bytes, filename: str | None = None, content_type: str | None = None) -> str:
    head = data[:16]
    suffix = _suffix(filename)
    if head.startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        return "application/pdf"
    if head.startswith(b"PK\x03\x04"):
        found = _zip_type(data)
        if found and found != "application/vnd.oasis.opendocument":
            return found
        return _SUFFIX_TYPES.get(suffix, found or "application/zip")
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # OLE2: DOC, XLS, PPT, WPS, ET
        return _SUFFIX_TYPES.get(suffix, "application/msword")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head.startswith(b"BM"):
        return "image/bmp" if suffix in ("", ".bmp") else _SUFFIX_TYPES.get(suffix, "image/bmp")
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "image/tiff"
    if head[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    ctype = (content_type or "").split(";", 1)[0].strip().lower()
    if ctype in ("text/html", "application/xhtml+xml"):
        return "text/html"
    if suffix in _SUFFIX_TYPES:
        return _SUFFIX_TYPES[suffix]
    if ctype.startswith("text/"):
        return "text/plain"
    probe = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if probe.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<div", b"<p>", b"<table",
                         b"<title", b"<script", b"<link", b"<style")):
        return "text/html"
    if probe.startswith((b"<!--", b"<?xml")) and (b"<html" in probe or b"<!doctype html" in probe):
        return "text/html"  # CMS pages often open with a comment or an XML declaration
    return "text/plain"
