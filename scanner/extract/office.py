"""Legacy and other office formats (DOC, WPS, ET, XLS, DPS, PPT, PPTX, ODT, RTF) via LibreOffice headless.

Each conversion runs ``soffice --headless --convert-to`` in its own process group
with a fresh ``-env:UserInstallation`` profile directory (so concurrent conversions
never share or corrupt a profile, and nothing persists between files), a time
limit after which the whole group is killed, and no network.  Where LibreOffice's UNO bridge is installed
(Debian: ``python3-uno``) the conversions go to a kept-running soffice instead
(:mod:`scanner.extract.office_server`: ~50–100 ms a file instead of ~1.2 s, the same time limit, a crash
or a timeout fails that file and restarts the server); ``CUOMIN_SOFFICE_MODE=process`` forces one soffice
per file.  Text documents are
converted to DOCX and read by :mod:`scanner.extract.docx` (tables, colours, the
red-header evidence); spreadsheets python-calamine cannot read to XLSX;
presentations to PDF.  A semaphore keeps at most ``CUOMIN_SOFFICE_JOBS`` (default 1)
conversions running at once: each LibreOffice takes a few hundred MB.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from scanner.document import Document
from scanner.errors import CorruptFile, EncryptedFile, ExtractionError, LimitExceeded, UnsupportedFormat
from scanner.extract import office_server
from scanner.extract.limits import OLE_MAGIC, is_ole_encrypted

DEFAULT_TIMEOUT = 60.0
_JOBS = threading.BoundedSemaphore(max(1, int(os.environ.get("CUOMIN_SOFFICE_JOBS", "1"))))

TEXT_SUFFIXES = {".doc", ".wps", ".wpt", ".dot", ".odt", ".rtf", ".docm"}
SHEET_SUFFIXES = {".xls", ".et", ".ett", ".ods", ".xlsb"}
SLIDE_SUFFIXES = {".ppt", ".pptx", ".dps", ".dpt", ".odp", ".pps", ".ppsx"}
_MEDIA_SUFFIX = {
    "application/msword": ".doc", "application/vnd.ms-works": ".wps", "application/vnd.ms-excel": ".xls",
    "application/vnd.ms-powerpoint": ".ppt", "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
}


def soffice_binary() -> str:
    for name in ("soffice", "libreoffice"):
        path = shutil.which(name)
        if path:
            return path
    raise UnsupportedFormat("LibreOffice (soffice) is not installed: legacy office files cannot be read")


def _suffix_for(data: bytes, source: str) -> str:
    name = source.split("?", 1)[0].lower()
    dot = name.rfind(".")
    suffix = name[dot:] if dot > name.rfind("/") else ""
    if suffix in TEXT_SUFFIXES | SHEET_SUFFIXES | SLIDE_SUFFIXES:
        return suffix
    if data.startswith(b"PK"):
        head = data[:65536]
        if b"ppt/" in head:
            return ".pptx"
        if b"opendocument.text" in head:
            return ".odt"
        if b"opendocument.spreadsheet" in head:
            return ".ods"
        return ".docx"
    if data.startswith(b"{\\rtf"):
        return ".rtf"
    if data.startswith(OLE_MAGIC):
        head = data[:2 * 1024 * 1024]
        if "PowerPoint Document".encode("utf-16-le") in head:
            return ".ppt"
        if "Workbook".encode("utf-16-le") in head or "Book".encode("utf-16-le") in head:
            return ".xls"
        return ".doc"
    return ".doc"


# LibreOffice's export filter for each target (and, for PDF, each kind of source document)
_FILTERS = {"docx": "MS Word 2007 XML", "xlsx": "Calc MS Excel 2007 XML"}
_PDF_FILTERS = {**{s: "writer_pdf_Export" for s in TEXT_SUFFIXES}, **{s: "calc_pdf_Export" for s in SHEET_SUFFIXES},
                **{s: "impress_pdf_Export" for s in SLIDE_SUFFIXES}}


def server_mode() -> bool:
    mode = os.environ.get("CUOMIN_SOFFICE_MODE", "server")
    return mode != "process" and office_server.available()


def convert(data: bytes, suffix: str, target: str, timeout: float) -> bytes:
    """Bytes of ``data`` (a ``suffix`` file) converted by LibreOffice to ``target`` (docx, xlsx, pdf)."""
    binary = soffice_binary()
    with _JOBS, tempfile.TemporaryDirectory(prefix="cuomin-office-") as tmp:
        work = Path(tmp)
        src = work / f"input{suffix}"
        src.write_bytes(data)
        if server_mode():
            ext = target.split(":", 1)[0]
            name = _PDF_FILTERS.get(suffix, "writer_pdf_Export") if ext == "pdf" else _FILTERS[ext]
            return office_server.POOL.convert(binary, src, work / f"output.{ext}", name, timeout)
        out = work / "out"
        out.mkdir()
        profile = work / "profile"
        cmd = [binary, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nologo",
               "--nodefault", "--nolockcheck", "--convert-to", target, "--outdir", str(out), str(src)]
        env = {"HOME": str(work), "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
               "SAL_USE_VCLPLUGIN": "svp", "TMPDIR": str(work)}
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                env=env, cwd=str(work), start_new_session=True)
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            office_server.kill_group(proc)
            raise LimitExceeded(f"LibreOffice conversion took longer than {timeout:g} s") from None
        except BaseException:
            office_server.kill_group(proc)
            raise
        produced = sorted(out.glob(f"*.{target.split(':', 1)[0]}"))
        if not produced:
            msg = (err or b"").decode("utf-8", "replace").lower()
            if "password" in msg:
                raise EncryptedFile(f"{suffix.lstrip('.').upper()} file is password-protected")
            raise CorruptFile(f"LibreOffice could not read this {suffix.lstrip('.').upper()} file")
        return produced[0].read_bytes()


def extract_office(data: bytes, source: str, options: object, suffix: str | None = None) -> Document:
    if is_ole_encrypted(data):
        raise EncryptedFile("office file is password-protected (encrypted package)")
    suffix = suffix or _suffix_for(data, source)
    if not data.startswith((OLE_MAGIC, b"PK", b"{\\rtf")):
        raise CorruptFile(f"not a {suffix.lstrip('.').upper()} file (unknown signature)")
    timeout = min(float(getattr(options, "max_seconds", DEFAULT_TIMEOUT) or DEFAULT_TIMEOUT), 300.0)
    if suffix in SHEET_SUFFIXES:
        from scanner.extract.xlsx import extract_xlsx

        try:
            return extract_xlsx(data, source, options)
        except EncryptedFile:
            raise
        except ExtractionError:
            converted = convert(data, suffix, "xlsx", timeout)
            doc = extract_xlsx(converted, source, options)
    elif suffix in SLIDE_SUFFIXES:
        from scanner.extract.pdf import extract_pdf

        doc = extract_pdf(convert(data, suffix, "pdf", timeout), source, options)
    else:
        from scanner.extract.docx import extract_docx

        converted = convert(data, suffix, "docx:MS Word 2007 XML", timeout)
        if converted.startswith(OLE_MAGIC):
            raise CorruptFile("LibreOffice produced no DOCX")
        doc = extract_docx(converted, source, options)
    doc.metadata["converted_from"] = suffix.lstrip(".")
    doc.media_type = _media_for(suffix, doc.media_type)
    return doc


def _media_for(suffix: str, fallback: str) -> str:
    for media, suf in _MEDIA_SUFFIX.items():
        if suf == suffix:
            return media
    return fallback
