"""examples/site: the end-to-end fixture is what expected.json says it is."""

import json
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from scanner.extract import extract_path
from scanner.normalize import normalize
from scanner.site import SiteConfig

SITE = Path(__file__).resolve().parent.parent / "examples" / "site"
EXPECTED = json.loads((SITE / "expected.json").read_text(encoding="utf-8"))
BASE = "http://127.0.0.1:8000/"


def _id_valid(value: str) -> bool:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(d) * w for d, w in zip(value[:17], weights)) % 11] == value[17]


@pytest.fixture(scope="module")
def docs():
    return {p: extract_path(SITE / p) for p in EXPECTED["site"]["pages"]}


def test_site_shape():
    pages = EXPECTED["site"]["pages"]
    assert len(pages) >= 15
    for column in ("xwdt/index.html", "tzgg/index.html", "zwgk/index.html", "gsgg/index.html", "hdjl/index.html"):
        assert column in pages
    assert all((SITE / p).is_file() for p in pages + EXPECTED["site"]["attachments"])
    assert {Path(a).suffix for a in EXPECTED["site"]["attachments"]} == {".pdf", ".docx", ".xlsx"}
    assert len(EXPECTED["site"]["gb18030_pages"]) >= 2


def test_gb18030_pages_labelled_gb2312_decode_characters_outside_gb2312(docs):
    for page in EXPECTED["site"]["gb18030_pages"]:
        raw = (SITE / page).read_bytes()
        assert b"charset=gb2312" in raw
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
        assert docs[page].metadata["encoding"] == "gb18030"
    assert "记者张镕、刘堃参加" in docs["xwdt/2024/t20240520_1003.html"].text


def test_every_planted_problem_is_on_its_page(docs):
    ids = [p["id"] for p in EXPECTED["problems"]]
    assert len(ids) == len(set(ids))
    assert {p["detector"] for p in EXPECTED["problems"]} == {"typo", "sensitive", "privacy", "redheader", "links"}
    for p in EXPECTED["problems"]:
        if p["url"] not in docs:
            continue
        text = docs[p["url"]].text
        if p["detector"] == "privacy":
            # keyword is masked: the page holds a full value with that mask (and a valid check digit)
            head, tail = p["keyword"].split("*")[0], p["keyword"].split("*")[-1]
            pattern = rf"{re.escape(head)}\d{{{len(p['keyword']) - len(head) - len(tail)}}}{re.escape(tail)}"
            found = re.findall(pattern, text)
            assert found, p["id"]
            if p["category"] == "RESIDENT_ID":
                assert all(_id_valid(v) for v in found)
        else:
            assert p["keyword"] in text, p["id"]


def test_no_unmasked_personal_data_in_expected_json():
    raw = (SITE / "expected.json").read_text(encoding="utf-8")
    assert not re.search(r"\d{17}[\dX]", raw) and not re.search(r"1[3-9]\d{9}", raw)


def test_template_problem_is_in_the_footer_of_every_page(docs):
    [tpl] = [p for p in EXPECTED["problems"] if p["template"]]
    for page, doc in docs.items():
        i = doc.text.index(tpl["keyword"])
        assert doc.segment_at(i).template, page


def test_hidden_dark_link_and_the_only_broken_link(docs):
    home = docs["index.html"]
    hidden = [link for link in home.links if link.hidden]
    assert len(hidden) == 1 and urlsplit(hidden[0].href).hostname == "bjl88.example.com"
    assert "百@家*乐在线" in hidden[0].text and "百家乐在线" in normalize(hidden[0].text).text.replace("@", "").replace("*", "")
    broken = []
    for page, doc in docs.items():
        for link in doc.links:
            url = urljoin(BASE + page, link.href)
            if urlsplit(url).hostname != "127.0.0.1" or link.hidden:
                continue
            target = SITE / urlsplit(url).path.lstrip("/")
            if not target.is_file():
                broken.append((page, urlsplit(url).path))
    assert broken == [("tzgg/index.html", "/tzgg/t20231201_1999.html")]


def test_must_not_report_texts_are_on_their_pages(docs):
    for item in EXPECTED["must_not_report"]:
        assert item["text"] in docs[item["url"]].text, item


def test_units_follow_the_site_columns():
    site = SiteConfig.load(SITE / "site.yaml")
    assert site.id == EXPECTED["site"]["id"] and "清河县人民政府办公室" in site.own_names
    for p in EXPECTED["problems"]:
        assert p["unit"] == site.unit_for(BASE + p["url"]), p["id"]


def test_red_header_pdf_is_red_centred_with_a_red_rule():
    import pdfplumber

    with pdfplumber.open(SITE / "tzgg/files/qzf-2024-8.pdf") as pdf:
        page = pdf.pages[0]
        chars = [c for c in page.chars if c["text"] in "清河县人民政府文件"][:9]
        assert "".join(c["text"] for c in chars) == "清河县人民政府文件"
        colors = {tuple(round(v * 255) for v in c["non_stroking_color"]) for c in chars}
        assert colors == {(240, 89, 62)}
        assert min(c["size"] for c in chars) >= 40
        mid = (chars[0]["x0"] + chars[-1]["x1"]) / 2
        assert abs(mid - page.width / 2) < 20  # centred
        red_lines = [o for o in page.lines + page.rects
                     if o.get("stroking_color") and tuple(round(v * 255) for v in o["stroking_color"]) == (240, 89, 62)
                     or o.get("non_stroking_color") and len(o["non_stroking_color"]) == 3
                     and tuple(round(v * 255) for v in o["non_stroking_color"]) == (240, 89, 62)]
        number = next(w for w in page.extract_words() if w["text"].startswith("清政发"))
        assert any(o["top"] > number["bottom"] and o["top"] - number["bottom"] < 40 for o in red_lines)


def test_attachments_hold_their_planted_problems():
    from docx import Document as Docx
    from openpyxl import load_workbook

    text = "\n".join(p.text for p in Docx(SITE / "tzgg/files/dbzj-fpfa.docx").paragraphs)
    assert "布署" in text
    ws = load_workbook(SITE / "gsgg/files/zp2024-nlyry.xlsx").active
    ids = [str(c.value) for c in ws["D"][2:]]
    assert len(ids) == 2 and all(_id_valid(v) for v in ids)
