"""Privacy columns of a real PDF 公示 list whose narrow cells wrap IDs and mobiles and space the addresses.

The list is built as tests/test_attach_pdf_tables.py builds it (python-docx, portrait page, equal column
widths, LibreOffice to PDF): an 18-digit ID comes out as ``43010419\\n53071440\\n46``, a mobile as
``14518159\\n083``, an address as ``某某县城关\\n镇三合村 7\\n组 7 号``.  The cell decides the whole value:
full ID validation (region, birth date, check digit), mobile ranges, the address parts.
"""

import random

import pytest
from privacy_synth import gen_id
from test_attach_pdf_tables import BAD_ID_ROW, LANDLINE_ROW, _docx, _pdf, _rows

from scanner.extract import extract
from scanner.pipeline import Analysis, Checker
from scanner.site import SiteConfig

ID_COL, PHONE_COL, ADDR_COL = 2, 3, 5


def _checker(over: int = 20, bulk_on: bool = True) -> Checker:
    conf = {"aggregate_over": over, "bulk_columns": bulk_on}
    return Checker(detectors=["privacy"], site=SiteConfig.from_dict({"id": "t", "detectors": {"privacy": conf}}))


@pytest.fixture(scope="module")
def narrow():
    rows = _rows(8)
    doc = extract(_pdf(_docx(rows, narrow=True)), "narrow.pdf")
    return rows, doc


@pytest.fixture(scope="module")
def narrow_long():
    rows = _rows(12, seed=11)  # one page: a wrapped cell split by a page break is an extraction matter
    return rows, _pdf(_docx(rows, narrow=True))


def _cells(doc, col):
    return {c.row: c for c in doc.tables[0].cells if c.col == col and c.row > 0}


def _masked_like(keyword: str, value: str, lead: int, trail: int) -> bool:
    return (keyword[:lead] == value[:lead] and keyword[-trail:] == value[-trail:] and value not in keyword
            and set(keyword[lead:-trail]) == {"*"} and len(keyword) == len(value))


def test_wrapped_ids_and_mobiles_are_validated_as_one_value(narrow):
    rows, doc = narrow
    text = doc.text
    ids, phones = _cells(doc, ID_COL), _cells(doc, PHONE_COL)
    assert all("\n" in text[c.start:c.end] for c in ids.values()), "the fixture must wrap every ID"
    assert sum("\n" in text[c.start:c.end] for c in phones.values()) >= len(rows) - 1, "… and the mobiles"
    result = _checker().check(doc)
    by_cell = {}
    for f in result.findings:
        by_cell.setdefault(f.location.get("cell"), []).append(f)
    for i, row in enumerate(rows, start=1):
        idv, phone = row[2], row[3]
        [fid] = by_cell[f"R{i + 1}C3"]
        if i == BAD_ID_ROW:
            assert fid.rule == "privacy.id_invalid" and "校验位不符" in fid.explanation.validator
        else:
            assert fid.rule == "privacy.id", (i, fid.rule)
            assert "校验位正确" in fid.explanation.validator and "校验位不符" not in fid.explanation.validator
            assert "列标题：公民身份号码" in fid.explanation.context
        assert _masked_like(fid.keyword, idv, 4, 4), fid.keyword
        [fph] = by_cell[f"R{i + 1}C4"]
        if i == LANDLINE_ROW:
            assert fph.rule == "privacy.landline"
        else:
            assert fph.rule == "privacy.phone" and "号段格式有效" in fph.explanation.validator
            assert _masked_like(fph.keyword, phone, 3, 4), fph.keyword
    assert all(r[2] not in f.excerpt and r[3] not in f.excerpt for r in rows for f in result.findings)


def test_spans_cover_the_whole_wrapped_value(narrow):
    rows, doc = narrow
    checker = _checker()
    hits = checker.detectors[0].hits(Analysis(doc, checker.site))
    text = doc.text
    for col, rules in ((ID_COL, {"privacy.id", "privacy.id_invalid"}), (PHONE_COL, {"privacy.phone", "privacy.landline"}),
                       (ADDR_COL, {"privacy.address"})):
        for row, cell in _cells(doc, col).items():
            [h] = [h for h in hits if cell.start <= h.start < cell.end]
            assert h.rule in rules
            value = text[cell.start:cell.end].strip()
            assert text[h.start:h.end] == value, (text[h.start:h.end], value)
            assert "".join(text[h.start:h.end].split()) == "".join(rows[row - 1][col].split())


def test_spaced_addresses_are_reported(narrow):
    rows, doc = narrow
    addrs = _cells(doc, ADDR_COL)
    assert any(" " in doc.text[c.start:c.end] for c in addrs.values()), "the fixture must space the address parts"
    result = _checker().check(doc)
    found = {f.location["cell"]: f for f in result.findings if f.rule == "privacy.address"}
    assert sorted(found) == sorted(f"R{i + 1}C6" for i in range(1, len(rows) + 1))
    for f in found.values():
        assert f.explanation.details["column"] == "家庭住址"
        assert " " not in f.keyword and "\n" not in f.keyword and "*" in f.keyword


def test_a_genuinely_wrong_check_digit_stays_invalid():
    rng = random.Random(3)
    rows = _rows(4, seed=5)
    good = gen_id(rng)
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    rows[0][2], rows[1][2] = wrong, good
    doc = extract(_pdf(_docx(rows, narrow=True)), "wrong.pdf")
    ids = _cells(doc, ID_COL)
    assert "\n" in doc.text[ids[1].start:ids[1].end]
    rules = {f.location["cell"]: f.rule for f in _checker().check(doc).findings if f.location["cell"].endswith("C3")}
    assert rules["R2C3"] == "privacy.id_invalid" and rules["R3C3"] == "privacy.id"


def test_bulk_path_gives_the_same_verdicts_on_wrapped_cells(narrow_long):
    rows, data = narrow_long
    doc = extract(data, "long.pdf")
    got = {}
    for bulk_on in (True, False):
        checker = _checker(over=5, bulk_on=bulk_on)
        hits = checker.detectors[0].hits(Analysis(doc, checker.site))
        got[bulk_on] = sorted((h.rule, h.start, h.end, h.canonical, h.validator) for h in hits)
    assert got[True] == got[False]
    rules = [r for r, *_ in got[True]]
    n = len(rows)
    assert rules.count("privacy.id") == n - 1 and rules.count("privacy.id_invalid") == 1
    assert rules.count("privacy.phone") == n - 1 and rules.count("privacy.address") == n


def test_prose_numbers_on_separate_lines_are_not_joined():
    idv = gen_id(random.Random(9))
    text = f"项目编号：{idv[:8]}\n批次：{idv[8:16]}\n序号 {idv[16:]}"
    assert not [f for f in Checker(detectors=["privacy"]).check_text(text).findings if f.rule.startswith("privacy.id")]
    text = f"合同金额 {idv[:8]}\n{idv[8:16]}\n{idv[16:]} 元"
    assert not [f for f in Checker(detectors=["privacy"]).check_text(text).findings if f.rule == "privacy.id"]
