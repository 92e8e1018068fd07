"""Limits: size, pages, time, zip bombs, XML bombs, encrypted and corrupt files — each a clear error."""

import io
import zipfile
from pathlib import Path

import pytest

from scanner.errors import CorruptFile, EncryptedFile, ExtractionError, LimitExceeded
from scanner.extract import ExtractOptions, extract, extract_path
from scanner.extract.limits import read_member

FIX = Path(__file__).parent / "fixtures" / "attachments"
DOCX = (FIX / "run_color_neg.docx").read_bytes()

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>
<w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"""


def _replace_member(data: bytes, name: str, content: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, content if info.filename == name else src.read(info.filename))
        for k, v in (extra or {}).items():
            dst.writestr(k, v)
    return out.getvalue()


def test_file_size_limit():
    with pytest.raises(LimitExceeded, match="byte limit"):
        extract(DOCX, "big.docx", options=ExtractOptions(max_bytes=1000))


def test_page_limit():
    with pytest.raises(LimitExceeded, match="page limit"):
        extract_path(FIX / "run_color.pdf", ExtractOptions(max_pages=1))


def test_time_limit():
    with pytest.raises(LimitExceeded, match="second limit"):
        extract_path(FIX / "textbox_scan.pdf", ExtractOptions(max_seconds=1e-9))


def test_zip_bomb_is_refused_before_inflating():
    bomb = _replace_member(DOCX, "word/document.xml", DOCX[:0], extra={"word/media/zeros.bin": b"\0" * 60_000_000})
    assert len(bomb) < 200_000
    with pytest.raises(LimitExceeded, match="zip bomb"):
        extract(bomb, "bomb.docx")
    with pytest.raises(LimitExceeded, match="zip bomb"):
        extract(bomb, "bomb.xlsx")


def test_member_is_cut_at_its_limit_whatever_the_header_says():
    zf = zipfile.ZipFile(io.BytesIO(DOCX))
    with pytest.raises(LimitExceeded, match="zip bomb"):
        read_member(zf, "word/document.xml", limit=100)


def test_billion_laughs_in_docx_and_xlsx():
    with pytest.raises(LimitExceeded, match="XML bomb"):
        extract(_replace_member(DOCX, "word/document.xml", BILLION_LAUGHS), "laughs.docx")
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = "x"
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(LimitExceeded, match="XML bomb"):
        extract(_replace_member(buf.getvalue(), "xl/worksheets/sheet1.xml", BILLION_LAUGHS), "laughs.xlsx")


def test_encrypted_pdf():
    with pytest.raises(EncryptedFile, match="password"):
        extract_path(FIX / "encrypted.pdf")


@pytest.mark.parametrize("name, data", [
    ("cut.pdf", (FIX / "run_color.pdf").read_bytes()[:3000]),
    ("junk.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 20),
    ("cut.docx", DOCX[:5000]),
    ("junk.xlsx", b"PK\x03\x04" + b"\x01" * 500),
    ("junk.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100),
    ("junk.jpg", b"\xff\xd8\xff" + b"\x13" * 100),
    ("junk.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100),
])
def test_corrupt_files_raise_extraction_errors(name, data):
    with pytest.raises(ExtractionError) as err:
        extract(data, name, options=ExtractOptions(max_seconds=60))
    assert isinstance(err.value, (CorruptFile, LimitExceeded))


def test_image_decompression_bomb():
    from PIL import Image

    buf = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(buf, "PNG")
    with pytest.raises(LimitExceeded, match="pixels"):
        extract(buf.getvalue(), "huge.png")


@pytest.mark.parametrize("name", ["list.xlsx", "notice.docx", "unnamed"])
def test_zip_directory_with_unsupported_version_is_a_clear_error(name):
    """Found by the fuzzer: a central-directory entry claiming "version 12.8" made zipfile raise
    NotImplementedError while the file type was being sniffed."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = "内部"
    buf = io.BytesIO()
    wb.save(buf)
    data = bytearray(buf.getvalue())
    i = data.find(b"PK\x01\x02")
    data[i + 6:i + 8] = b"\x80\x00"  # "version needed to extract" 12.8
    with pytest.raises(ExtractionError):
        extract(bytes(data), name)


def test_a_spreadsheet_parser_panic_is_a_corrupt_file_not_a_crash():
    # Five bytes cut off a real .xls make calamine (Rust) panic: pyo3 raises PanicException, a
    # BaseException that every `except Exception` on the way to the worker would let through.
    # Found by bench/attach_fuzz.py on the LibreOffice/XLS path.
    data = (FIX / "roster.xls").read_bytes()[:-5]
    with pytest.raises(CorruptFile, match="panic"):
        extract(data, "roster.xls")


def _with_fat_entry(data: bytes, sector: int, value: int) -> bytes:
    """``data`` (a compound file with its FAT in the first FAT sector) with FAT[sector] set to ``value``."""
    import struct

    size = 1 << struct.unpack_from("<H", data, 0x1E)[0]
    first_fat = struct.unpack_from("<I", data, 0x4C)[0]
    out = bytearray(data)
    struct.pack_into("<I", out, (first_fat + 1) * size + 4 * sector, value)
    return bytes(out)


def _extract_in_capped_child(path: Path, name: str) -> str:
    """What ``extract`` of the file says, run in a child with a 2 GB address-space cap: a parser that
    allocates without bound then aborts the child, not the test run."""
    import subprocess
    import sys

    code = (
        "import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))\n"
        "from scanner.errors import ExtractionError\nfrom scanner.extract import extract\n"
        "try:\n    doc = extract(open(sys.argv[1], 'rb').read(), sys.argv[2])\n    print('tables', len(doc.tables))\n"
        "except ExtractionError as exc:\n    print(type(exc).__name__, exc)\n")
    done = subprocess.run([sys.executable, "-c", code, str(path), name], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).parent.parent, check=False)
    assert done.returncode == 0, done.stderr[-500:]
    return done.stdout.strip()


def test_a_looping_sector_chain_is_refused_before_the_spreadsheet_parser_reads_it(tmp_path):
    import struct

    data = (FIX / "roster.xls").read_bytes()
    first_dir = struct.unpack_from("<I", data, 0x30)[0]
    looping = tmp_path / "looping.xls"
    looping.write_bytes(_with_fat_entry(data, first_dir, first_dir))
    assert _extract_in_capped_child(looping, "roster.xls") == "CorruptFile compound file's directory chain loops"
    assert _extract_in_capped_child(FIX / "roster.xls", "roster.xls") == "tables 2"  # the untouched file reads


def test_the_fuzzers_memory_bomb_xls_fails_alone():
    # A mutated .xls from bench/attach_fuzz.py whose FAT points outside the file: calamine followed the
    # chain growing a vector until the OOM killer ended the process (23 GB).
    fixture = Path(__file__).parent / "fixtures" / "fuzz" / "xls_fat_outside_file.xls"
    assert _extract_in_capped_child(fixture, "list.xls").startswith("CorruptFile compound file's FAT")
