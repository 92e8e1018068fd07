"""Column-level inference over Document.tables, built directly and extracted from XLSX."""

import random

from privacy_synth import gen_bank, gen_id, gen_mobile, to_xlsx

from scanner.document import Document, Table, TableCell
from scanner.extract import extract
from scanner.pipeline import Checker
from scanner.site import SiteConfig

CHECKER = Checker(detectors=["privacy"])
RNG = random.Random(6)


def table_doc(rows, hidden=False):
    """A document whose text is the rows joined by tabs and newlines, with its Table laid over it."""
    pieces, cells, pos = [], [], 0
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if c:
                pieces.append("\t")
                pos += 1
            cells.append(TableCell(1, r, c, pos, pos + len(value)))
            pieces.append(value)
            pos += len(value)
        pieces.append("\n")
        pos += 1
    text = "".join(pieces)
    return Document.from_text(text, tables=[Table(1, tuple(cells), name="Sheet1", header_row=0, hidden=hidden)])


def by_rule(result):
    out = {}
    for f in result.findings:
        out.setdefault(f.rule, []).append(f)
    return out


def test_column_header_decides_values_the_text_pass_cannot():
    idv = gen_id(RNG)
    wrong_check = idv[:17] + ("1" if idv[17] != "1" else "2")
    rounded = idv[:15] + "000"
    account = "4000123456789012345"  # a 19-digit account number that is no Luhn card
    rows = [["姓名", "公民身份号码", "银行账号", "家庭住址", "病种"],
            ["张秀英", wrong_check, account, "河西村3组12号", "尿毒症"],
            ["李强", rounded, gen_bank(RNG), "幸福小区5栋2单元301室", "白血病"]]
    got = by_rule(CHECKER.check(table_doc(rows)))
    assert [f.severity.label for f in got["privacy.id_invalid"]] == ["high"]
    assert [f.explanation.details.get("column") for f in got["privacy.id_rounded"]] == ["公民身份号码"]
    assert len(got["privacy.bank"]) == 2 and len(got["privacy.address"]) == 2
    assert [f.severity.label for f in got["privacy.health"]] == ["high", "high"]
    assert {f.keyword for f in got["privacy.name"]} == {"张**", "李*"}


def test_an_account_number_that_also_passes_as_an_id_is_a_bank_account_in_a_bank_column():
    account = gen_id(RNG, region="620102", x=False)  # 18 digits with a valid region, birth date and check digit
    rows = [["姓名", "身份证号码", "银行账号"], ["张秀英", gen_id(RNG), account]]
    got = by_rule(CHECKER.check(table_doc(rows)))
    assert [f.explanation.details["column"] for f in got["privacy.id"]] == ["身份证号码"]
    bank = got["privacy.bank"]
    assert len(bank) == 1 and bank[0].category == "BANK_CARD" and bank[0].severity.label == "high"
    assert "按列标题判定" in bank[0].explanation.validator and bank[0].keyword == account[:4] + "*" * 10 + account[-4:]


def test_masked_rows_are_not_reported_and_masked_names_lower_health():
    idv, mob = gen_id(RNG), gen_mobile(RNG)
    rows = [["姓名", "身份证号码", "联系电话", "病种"],
            ["王*", idv[:6] + "********" + idv[-4:], mob[:3] + "****" + mob[-4:], "恶性肿瘤"]]
    got = by_rule(CHECKER.check(table_doc(rows)))
    assert set(got) == {"privacy.health"} and got["privacy.health"][0].severity.label == "medium"


def test_statistics_table_is_not_personal():
    rows = [["乡镇", "低保户数", "救助人次", "资金（万元）"], ["城关镇", "356", "1203", "123456789012"]]
    assert CHECKER.check(table_doc(rows)).findings == []


def test_xlsx_ids_stored_as_numbers_title_row_and_hidden_sheet():
    ids = [gen_id(RNG) for _ in range(3)]
    rows = [["1", "赵某", gen_id(RNG), gen_mobile(RNG), gen_bank(RNG), "东山村2组5号", "脑瘫"]]
    hidden = [["1", "钱某某", gen_id(RNG), gen_mobile(RNG), gen_bank(RNG), "石桥村1组8号", "白血病"]]
    data = to_xlsx("2026年度医疗救助公示", rows, hidden, numeric_ids=[i for i in ids if not i.endswith("X")])
    doc = extract(data, "list.xlsx", filename="list.xlsx")
    got = by_rule(CHECKER.check(doc))
    numeric = [i for i in ids if not i.endswith("X")]
    assert len(got.get("privacy.id_rounded", [])) == len(numeric)
    assert all(f.severity.label == "medium" and "出生" in f.explanation.validator for f in got["privacy.id_rounded"])
    assert any(f.hidden and f.rule == "privacy.id" for f in got["privacy.id"])
    text = str([f.to_dict() for fs in got.values() for f in fs])
    assert not any(i[:15] in text for i in ids)


def test_scientific_notation_in_text():
    idv = gen_id(RNG)
    sci = f"{idv[0]}.{idv[1:12]}E+17"
    got = by_rule(CHECKER.check_text(f"身份证号码\t{sci}"))
    assert [f.severity.label for f in got["privacy.id_rounded"]] == ["medium"]


# -- column findings (a 公示 list: one finding per leaking column) --------------------------------------------------
def list_rows(n, rng):
    from privacy_synth import HEADERS, table_rows

    return [HEADERS] + table_rows(rng, n)


def test_a_long_list_gives_one_finding_per_leaking_column_with_count_rows_and_masked_samples():
    rows = list_rows(100, random.Random(61))  # every fifth row properly masked: 80 exposed rows
    doc = table_doc(rows)
    result = CHECKER.check(doc)
    got = by_rule(result)
    assert {r: len(fs) for r, fs in got.items()} == {r: 1 for r in (
        "privacy.name", "privacy.id", "privacy.phone", "privacy.bank", "privacy.address", "privacy.health")}
    f = got["privacy.id"][0]
    d = f.explanation.details
    exposed = [r for r in rows[1:] if "*" not in r[2]]
    assert d["aggregated"] is True and d["count"] == len(exposed) == 80 and f.explanation.scores["count"] == 80
    assert d["column"] == "身份证号码" and d["rows"] == [2, 100]  # table rows (1-based): first and last exposed
    assert "共 80 处" in f.explanation.rule and f.severity.label == "high"
    assert len(d["samples"]) == 3 and all("*" in s for s in d["samples"])
    assert d["samples"][0] == f.keyword == exposed[0][2][:4] + "*" * 10 + exposed[0][2][-4:]
    assert len(set(d["sample_keys"])) == 3 and d["values_key"].startswith("pii:id:set:")
    assert (f.start, f.end) == (doc.tables[0].cells[7 + 2].start, doc.tables[0].cells[7 + 2].end)  # first ID cell
    assert len(f.covers) == 80
    blob = str([x.to_dict() for x in result.findings])
    assert not any(r[2] in blob or r[3] in blob or r[4] in blob or r[2][6:] in blob for r in exposed)


def test_short_columns_stay_per_value_and_the_threshold_is_configurable():
    rows = list_rows(25, random.Random(62))  # 20 exposed rows: at the threshold
    got = by_rule(CHECKER.check(table_doc(rows)))
    assert len(got["privacy.id"]) == 20 and not any(f.explanation.details.get("aggregated") for f in got["privacy.id"])
    low = Checker(detectors=["privacy"], site=SiteConfig.from_dict({"id": "t", "detectors": {"privacy": {"aggregate_over": 5}}}))
    assert len(by_rule(low.check(table_doc(rows)))["privacy.id"]) == 1
    off = Checker(detectors=["privacy"], site=SiteConfig.from_dict({"id": "t", "detectors": {"privacy": {"aggregate_over": 0}}}))
    assert len(by_rule(off.check(table_doc(list_rows(100, random.Random(61)))))["privacy.id"]) == 80


def test_the_same_list_has_the_same_values_key_and_column_fingerprint_in_another_layout():
    rows = list_rows(60, random.Random(63))
    a = by_rule(CHECKER.check(table_doc(rows)))["privacy.id"][0]
    shuffled = [rows[0]] + list(reversed(rows[1:]))
    b = by_rule(CHECKER.check(table_doc(shuffled)))["privacy.id"][0]
    assert a.explanation.details["values_key"] == b.explanation.details["values_key"]
    assert a.fingerprint == b.fingerprint  # one ticket per column leak, across scans
    changed = [r[:] for r in rows]
    changed[1][2] = gen_id(RNG)
    c = by_rule(CHECKER.check(table_doc(changed)))["privacy.id"][0]
    assert c.explanation.details["values_key"] != a.explanation.details["values_key"]


def test_values_a_column_finding_covers_are_masked_in_other_findings_excerpts():
    from scanner.findings import Finding, Severity
    from scanner.privacy import mask

    rows = list_rows(60, random.Random(64))
    doc = table_doc(rows)
    checker = Checker(detectors=["privacy"])
    findings = checker.detect(doc)
    cells = doc.tables[0].cells
    middle = next(c for c in cells if c.row == 41 and c.col == 0)  # the 序号 cell of a row in the middle
    other = Finding("typo", "typo.test", "TYPO", Severity.LOW, middle.start, middle.end, doc.text[middle.start:middle.end])
    checker.annotate(doc, findings + [other])
    row = rows[41]
    assert "*" not in row[2] and other.excerpt.count("\t") >= 3
    # the name after the 序号 shows masked; the ID is cut by the window
    # edge, so it is left out rather than shown in part
    assert mask("name", row[1]) in other.excerpt
    for r in (r for r in rows[40:43] if "*" not in r[2]):  # the exposed rows around it
        assert not any(v in other.excerpt for v in (r[1], r[2][:8], r[5], r[6]) if "*" not in v), r


def test_tab_joined_cells_normalise_one_to_one():
    """Spreadsheet text (cells joined by tabs) folds each lone tab to a space with an identity offset map."""
    from scanner.normalize import normalize

    text = "序号\t姓名\t身份证号码\n1\t张三\t110101199003070019\n2\t\t李四 \t\r\n"
    norm = normalize(text)
    assert norm.text == "序号 姓名 身份证号码\n1 张三 110101199003070019\n2 李四\n"
    first = normalize(text[:text.index("2")])
    assert first.text == text[:text.index("2")].replace("\t", " ") and first.is_identity
    assert norm.to_source(norm.text.index("李四"), norm.text.index("李四") + 2) == (text.index("李四"), text.index("李四") + 2)
