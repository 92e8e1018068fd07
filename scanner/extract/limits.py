"""Defences every attachment extractor shares: size, page, time, zip-bomb and XML-bomb limits.

DOCX, XLSX and PPTX are zip archives of XML parts.  :func:`open_zip` checks the
archive's directory (member count, declared sizes, compression ratio) before
anything is inflated, and :func:`read_member` inflates a member in chunks and
stops at the declared limit whatever the header claimed.  :func:`check_xml`
refuses document type declarations: OOXML parts never carry one, and a DTD is
how entity-expansion bombs ("billion laughs") and external entities get in.
:class:`Deadline` turns ``ExtractOptions.max_seconds`` into checks an extractor
calls between pages, rows or parts.  Every refusal is an
:class:`~scanner.errors.ExtractionError` subclass naming the limit, never the content.
"""

from __future__ import annotations

import io
import time
import zipfile
from dataclasses import dataclass

from scanner.errors import CorruptFile, EncryptedFile, LimitExceeded

MAX_ZIP_MEMBERS = 10_000
MAX_UNCOMPRESSED = 512 * 1024 * 1024  # all members together
MAX_MEMBER = 256 * 1024 * 1024
MAX_RATIO = 200.0  # uncompressed / compressed for one member (real OOXML stays under ~30)
RATIO_MIN_SIZE = 2 * 1024 * 1024  # small members may compress arbitrarily well
MAX_IMAGE_PIXELS = 80_000_000

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class Deadline:
    """A wall-clock budget; :meth:`check` raises :class:`LimitExceeded` once it is spent."""

    __slots__ = ("limit", "end", "what")

    def __init__(self, seconds: float | None, what: str = "extraction"):
        self.limit = seconds
        self.end = time.monotonic() + seconds if seconds else None
        self.what = what

    def remaining(self) -> float | None:
        return None if self.end is None else max(0.0, self.end - time.monotonic())

    def check(self) -> None:
        if self.end is not None and time.monotonic() > self.end:
            raise LimitExceeded(f"{self.what} took longer than the {self.limit:g}-second limit")


def options_deadline(options: object, what: str = "extraction") -> Deadline:
    return Deadline(getattr(options, "max_seconds", None), what)


def check_pages(count: int, options: object) -> None:
    limit = getattr(options, "max_pages", None)
    if limit and count > limit:
        raise LimitExceeded(f"{count} pages is over the {limit}-page limit")


def is_ole_encrypted(data: bytes) -> bool:
    """An OLE2 container holding an encrypted OOXML package (what Office writes for a password-protected .docx/.xlsx)."""
    return data.startswith(OLE_MAGIC) and "EncryptedPackage".encode("utf-16-le") in data[:4 * 1024 * 1024]


@dataclass(slots=True)
class ZipBudget:
    total: int = 0


def open_zip(data: bytes, kind: str = "archive") -> zipfile.ZipFile:
    """A checked :class:`zipfile.ZipFile` over ``data``.

    Raises :class:`EncryptedFile` for a password-protected package, :class:`CorruptFile`
    for something that is not a zip, and :class:`LimitExceeded` for a directory that
    declares too many members, too many bytes, or an implausible compression ratio.
    """
    if is_ole_encrypted(data):
        raise EncryptedFile(f"{kind} is password-protected (encrypted package)")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, KeyError) as exc:
        raise CorruptFile(f"{kind} is not a readable zip package ({type(exc).__name__})") from None
    except Exception as exc:  # zipfile raises odd things on truncated directories
        raise CorruptFile(f"{kind} is not a readable zip package ({type(exc).__name__})") from None
    if len(infos) > MAX_ZIP_MEMBERS:
        raise LimitExceeded(f"{kind} has {len(infos)} members, over the {MAX_ZIP_MEMBERS} limit")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise EncryptedFile(f"{kind} member {info.filename!r} is encrypted")
        total += info.file_size
        if info.file_size > MAX_MEMBER:
            raise LimitExceeded(f"{kind} member {info.filename!r} declares {info.file_size} bytes, over the limit")
        if info.file_size > RATIO_MIN_SIZE and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise LimitExceeded(f"{kind} member {info.filename!r} compresses {info.file_size / max(info.compress_size, 1):.0f}:1 "
                                f"(zip bomb defence, limit {MAX_RATIO:g}:1)")
    if total > MAX_UNCOMPRESSED:
        raise LimitExceeded(f"{kind} declares {total} uncompressed bytes, over the {MAX_UNCOMPRESSED}-byte limit")
    return zf


def read_member(zf: zipfile.ZipFile, name: str, limit: int = MAX_MEMBER, budget: ZipBudget | None = None) -> bytes:
    """Inflate one member in chunks, stopping at ``limit`` bytes whatever its header says."""
    out = io.BytesIO()
    try:
        with zf.open(name) as fh:
            while True:
                chunk = fh.read(1 << 20)
                if not chunk:
                    break
                out.write(chunk)
                if out.tell() > limit:
                    raise LimitExceeded(f"member {name!r} inflates past {limit} bytes (zip bomb defence)")
                if budget is not None:
                    budget.total += len(chunk)
                    if budget.total > MAX_UNCOMPRESSED:
                        raise LimitExceeded("package inflates past the total-size limit (zip bomb defence)")
    except KeyError:
        raise CorruptFile(f"package has no part {name!r}") from None
    except LimitExceeded:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
        raise CorruptFile(f"package part {name!r} is damaged ({type(exc).__name__})") from None
    except Exception as exc:  # zlib.error and friends
        raise CorruptFile(f"package part {name!r} is damaged ({type(exc).__name__})") from None
    return out.getvalue()


def check_xml(data: bytes, name: str = "part") -> None:
    """Refuse XML with a DTD or entity declarations (XML bombs, external entities)."""
    head = data[:4096]
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head or b"<!doctype" in head:
        raise LimitExceeded(f"{name} declares a DTD or entities (XML bomb defence)")
    # UTF-16 encoded parts: look for the same markers in the decoded head.
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            text = head.decode("utf-16")
        except UnicodeDecodeError:
            return
        if "<!DOCTYPE" in text or "<!ENTITY" in text:
            raise LimitExceeded(f"{name} declares a DTD or entities (XML bomb defence)")


def parse_xml(data: bytes, name: str = "part"):
    """A safe lxml parse: no DTD, no entities, no network, no huge trees."""
    from lxml import etree

    check_xml(data, name)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                             remove_comments=True, remove_pis=True, recover=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise CorruptFile(f"{name} is not well-formed XML (line {getattr(exc, 'lineno', '?')})") from None
    if root is None:
        raise CorruptFile(f"{name} is empty")
    return root
