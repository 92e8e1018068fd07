"""Scanned red-header documents: rendered, rotated, blurred, noisy JPEG pages (and image-only PDFs).

Verdicts come from the raster (red regions), so they are checked without OCR here;
one test runs the offline OCR end to end.
"""

import json
from pathlib import Path

import pytest

from ocr_support import char_errors
from scanner.extract import ExtractOptions, extract_path
from scanner.pipeline import Checker

FIX = Path(__file__).parent / "fixtures" / "attachments"
EXPECTED = json.loads((FIX / "expected_scans.json").read_text())
CHECKER = Checker(detectors=["redheader"])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_scan_verdicts(name):
    want = EXPECTED[name]
    doc = extract_path(FIX / name, ExtractOptions(ocr=False))
    assert doc.layout.kind == ("pdf" if name.endswith(".pdf") else "image")
    found = {f.rule: f for f in CHECKER.check(doc).findings}
    assert ("redheader.document" in found) == want["redheader"], (name, sorted(found))
    assert ("redheader.seal" in found) == want["seal"], (name, sorted(found))
    assert not {"redheader.masthead", "redheader.separator"} & set(found), sorted(found)
    if want["redheader"]:
        details = found["redheader.document"].explanation.details
        assert details["masthead"]["source"] == "raster"
        assert 35 <= details["masthead"]["bbox_mm"][1] <= 60 or name.startswith("header_part")
        assert details["separator"]["kind"] == "raster"
        assert details["separator"]["length_mm"] >= 120


def test_ocr_reads_a_scanned_notice_without_the_red():
    doc = extract_path(FIX / "table_scan.jpg")
    text = doc.text
    assert "关于加强政府网站信息发布管理的通知" in text
    assert "各乡镇人民政府" in text
    # the red masthead is removed before OCR; the black 发文字号 and body stay
    assert "人民政府文件" not in text
    assert "2026" in text and "12号" in text
    i = text.index("关于加强")
    loc = doc.locate(i).to_dict()
    assert loc["page"] == 1 and 60 < loc["bbox"][1] < 300  # points from the top of the page
    result = CHECKER.check(doc)
    f = next(f for f in result.findings if f.rule == "redheader.document")
    assert "doc_number" in f.explanation.details["signals"]


def test_ocr_text_of_a_rendered_page_matches_its_text_layer():
    """OCR quality: a LibreOffice PDF page rendered at 100 dpi reads back as its own text layer,
    at least 97 % of the characters right (Levenshtein; whitespace and quotation marks ignored: the text
    layer puts LibreOffice's “” out of order)."""
    import numpy as np
    import pypdfium2 as pdfium

    from scanner.extract.ocr import ocr_lines

    page = pdfium.PdfDocument(str(FIX / "table_neg.pdf"))[0]
    quotes = {ord(c): None for c in "\"“”"}
    truth = "".join(page.get_textpage().get_text_range().split()).translate(quotes)
    rgb = np.asarray(page.render(scale=100 / 72).to_pil().convert("RGB"))
    got = "".join("".join(line.text for line in ocr_lines(rgb)).split()).translate(quotes)
    assert len(truth) > 150
    assert 1 - char_errors(got, truth) / len(truth) >= 0.97, (got, truth)
