"""The example site's attachments (examples/site): the red-header PDF is caught, DOCX/XLSX extract cleanly."""

import json
from pathlib import Path

from scanner.extract import extract_path
from scanner.pipeline import Checker

SITE = Path(__file__).resolve().parent.parent / "examples" / "site"
EXPECTED = json.loads((SITE / "expected.json").read_text())


def test_planted_red_header_pdf_is_detected():
    planted = [p for p in EXPECTED["problems"] if p["detector"] == "redheader"]
    assert planted
    checker = Checker(detectors=["redheader"])
    for p in planted:
        result = checker.check(extract_path(SITE / p["url"]))
        hits = [f for f in result.findings if f.rule == "redheader.document"]
        assert hits and hits[0].keyword == p["keyword"], (p["url"], result.findings)
        details = hits[0].explanation.details
        assert details["masthead"]["color_rgb"] == [240, 89, 62]
        assert "separator" in details["signals"]
        assert result.verdict.value == "block"


def test_attachments_extract_with_locations():
    for rel in EXPECTED["site"]["attachments"]:
        doc = extract_path(SITE / rel)
        assert doc.text.strip() and doc.segments, rel
        for p in EXPECTED["problems"]:
            if p["url"] == rel and p["detector"] != "privacy":
                assert p["keyword"] in doc.text, (rel, p["keyword"])
    sheet = extract_path(SITE / "gsgg/files/zp2024-nlyry.xlsx")
    (table,) = sheet.tables
    header = table.header(sheet.text)
    assert "身份证号" in header.values() and "联系电话" in header.values()
    id_col = [c for c, h in header.items() if h == "身份证号"][0]
    ids = [c for c in table.column(id_col) if c.row > table.header_row]
    assert len(ids) == 2 and all(len(sheet.text[c.start:c.end]) == 18 for c in ids)
    loc = sheet.locate(ids[0].start).to_dict()
    assert loc["sheet"] == "拟录用人员" and loc["cell"].startswith("D")
