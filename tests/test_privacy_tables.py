"""Column-level inference over Document.tables, built directly and extracted from XLSX."""

import random

from privacy_synth import gen_bank, gen_id, gen_mobile, to_xlsx
from scanner.document import Document, Table, TableCell
from scanner.extract import extract
from scanner.pipeline import Checker

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
