"""Red-header verdicts over the generated fixtures (tests/fixtures/attachments/make_fixtures.py).

Each DOCX variant puts the red somewhere else (run, style, theme, text box, header
part, table; line as paragraph border, DrawingML/VML shape, table border; seal
inline or floating); its PDF is LibreOffice's rendering; ``_neg`` twins are
de-reded.  Every verdict must be right, with the evidence in the explanation.
"""

import json
from pathlib import Path

import pytest

from scanner.document import Document
from scanner.extract import extract_path
from scanner.extract.layout import Layout, PageLayout, Rule, TextRun
from scanner.pipeline import Checker

FIX = Path(__file__).parent / "fixtures" / "attachments"
EXPECTED = json.loads((FIX / "expected.json").read_text())
CHECKER = Checker(detectors=["redheader"])


def _rules(path: Path):
    result = CHECKER.check(extract_path(path))
    return result, {f.rule: f for f in result.findings}


@pytest.mark.parametrize("ext", ["docx", "pdf"])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_verdicts(name, ext):
    want = EXPECTED[name]
    result, found = _rules(FIX / f"{name}.{ext}")
    assert ("redheader.document" in found) == want["redheader"], (name, ext, sorted(found))
    assert ("redheader.seal" in found) == want["seal"], (name, ext, sorted(found))
    assert ("redheader.classified" in found) == want["classified"], (name, ext, sorted(found))
    assert not {"redheader.masthead", "redheader.separator"} & set(found), sorted(found)
    if want["redheader"]:
        f = found["redheader.document"]
        assert result.verdict.value == "block"
        details = f.explanation.details
        assert "separator" in details["signals"] and "doc_number" in details["signals"]
        sep = details["separator"]
        assert sep["color_rgb"][0] > 180 and sep["color_rgb"][1] < 120
        assert (165 <= sep["length_mm"] <= 175) if want["letter"] else (150 <= sep["length_mm"] <= 160)
        assert details["masthead"]["bbox_mm"][1] < 0.4 * 297
        assert abs(details["masthead"]["centre_offset_mm"]) < 5
        assert details["doc_number"].startswith("某政")
        assert ("layout" in details) == want["letter"]
        assert f.keyword.startswith("某某县人民政府")
    if want["seal"]:
        seal = found["redheader.seal"].explanation.details["seals"][0]
        assert 38 <= seal["diameter_mm"] <= 62 and seal["rim_coverage"] >= 0.9


@pytest.mark.parametrize("name, colour_from, location", [
    ("run_color", "run", {"part": "body", "paragraph": 1}),
    ("style_color", "paragraph-style:RedMasthead", {"part": "body", "paragraph": 1}),
    ("theme_color", "run+theme", {"part": "body", "paragraph": 1}),
    ("textbox", "run", {"part": "textbox", "paragraph": 1}),
    ("header_part", "run", {"part": "header", "paragraph": 1}),
    ("table", "run", {"part": "body", "table": 1, "cell": "R1C1"}),
])
def test_docx_colour_sources_and_locations(name, colour_from, location):
    _, found = _rules(FIX / f"{name}.docx")
    f = found["redheader.document"]
    assert f.explanation.details["masthead"]["colour_from"] == colour_from
    assert f.location == location


@pytest.mark.parametrize("name, kind", [("run_color", "border"), ("theme_color", "drawingml"), ("textbox", "drawingml"),
                                        ("header_part", "vml"), ("table", "table"), ("letter", "border")])
def test_docx_separator_kinds(name, kind):
    _, found = _rules(FIX / f"{name}.docx")
    assert found["redheader.document"].explanation.details["separator"]["kind"] == kind


def test_theme_colour_wins_over_cached_value():
    from lxml import etree

    from scanner.extract.docx_styles import Styles, W

    styles = Styles(theme={"accent2": (240, 89, 62), "dk1": (0, 0, 0)})
    el = etree.fromstring(f'<w:color xmlns:w="{W}" w:val="000000" w:themeColor="accent2" w:themeShade="BF"/>')
    rgb, source = styles.color_of(el, "run")
    assert source == "run+theme" and rgb == (180, 67, 46)


def test_classification_markings_are_veto_and_body_words_are_not():
    text = "000123\n机密★1年\n特急\n某某县人民政府文件\n正文提到内部控制制度和保守国家秘密的要求。\n"
    result = CHECKER.check(Document.from_text(text))
    (f,) = result.findings
    assert f.rule == "redheader.classified" and f.severity.label == "veto" and f.keyword == "机密★1年"
    assert result.verdict.value == "block"
    for marking in ("绝密★长期", "秘密★6个月", "内部资料，注意保存"):
        r = CHECKER.check(Document.from_text(f"{marking}\n关于做好有关工作的通知\n"))
        assert [x.rule for x in r.findings] == ["redheader.classified"], marking
    assert CHECKER.check(Document.from_text("内部审计工作要点\n秘密是保不住的说法不对。\n")).findings == []


def _html_layout(red_title: bool, red_rule: bool) -> Document:
    text = "某某市人民政府办公室文件\n某府办发〔2026〕3号\n关于印发工作方案的通知\n"
    runs = [TextRun("某某市人民政府办公室文件", color=(255, 0, 0) if red_title else (0, 0, 0), size_pt=30, align="center",
                    start=0, end=12, order=1, source="css"),
            TextRun("某府办发〔2026〕3号", color=(0, 0, 0), size_pt=12, align="center", order=2, source="css")]
    rules = [Rule(None, None, None, None, color=(204, 0, 0) if red_rule else (0, 0, 0), kind="hr", order=3)]
    return Document(text=text, layout=Layout(kind="html", pages=[PageLayout(1, runs=runs, rules=rules)]))


def test_html_masthead_above_red_rule():
    found = {f.rule for f in CHECKER.check(_html_layout(True, True)).findings}
    assert found == {"redheader.document"}
    assert CHECKER.check(_html_layout(False, False)).findings == []


def test_pdf_evidence_keeps_coloured_text_and_measures_the_seal_picture():
    from scanner.extract.layout import is_red

    doc = extract_path(FIX / "run_color.pdf")
    first, last = doc.layout.pages[0], doc.layout.pages[-1]
    # black body text is not evidence: only coloured runs are read, the red masthead among them
    assert first.runs and all(max(r.color) - min(r.color) >= 40 for r in first.runs)
    assert any(is_red(r.color) and "文件" in r.text and r.size_pt and r.size_pt >= 20 for r in first.runs)
    assert any(is_red(r.color) and 150 <= r.length_mm <= 160 for r in first.rules)
    seal = next(i for i in last.images if i.kind == "image")
    assert 38 <= seal.bbox[2] - seal.bbox[0] <= 62 and seal.ring_coverage >= 0.9 and seal.red_fraction > 0.1
    # the negative twin has the same layout with its header in black: no red evidence left
    neg = extract_path(FIX / "run_color_neg.pdf").layout.pages[0]
    assert not any(is_red(r.color) for r in neg.runs) and not any(is_red(r.color) for r in neg.rules)
