"""The bulk path for long ID / phone / bank columns gives the per-value path's verdicts, value by value.

A generated 公示 list full of hard cases is checked twice — bulk path on and off
(``bulk_columns: false`` is the per-value path) — and every hit (kind, rule,
span, canonical value, severity, score, validator, context, details) and every
finding, the aggregated column findings included (count, rows, samples, keyed
digest, covered spans), must be identical.
"""

import random

import pytest
from privacy_synth import (
    fullwidth,
    gen_bank,
    gen_id,
    gen_mobile,
    gen_name,
    gen_old_id,
    gen_order,
    gen_uscc,
    mask_mid,
    to_html,
    to_xlsx,
)

from scanner.detectors.privacy import bulk
from scanner.extract import extract
from scanner.pipeline import Analysis, Checker
from scanner.site import SiteConfig


def _id_cell(rng: random.Random) -> str:
    idv = gen_id(rng, x=rng.random() < 0.15)
    return rng.choice([
        idv, idv, idv, idv.lower(), mask_mid(idv, 6, 4), mask_mid(idv, 2, 3), mask_mid(idv, 10, 4),  # birth shown
        mask_mid(idv, 6, 1), idv[:6] + "******" + idv[12:14] + "****",  # only the birth day shows
        idv[:17] + ("1" if idv[17] != "1" else "2"),  # invalid check digit
        idv[:15] + "000",  # Excel kept 15 significant digits
        fullwidth(idv), f"{idv[:6]} {idv[6:14]} {idv[14:]}", gen_uscc(rng, digits_only=True), gen_uscc(rng),
        gen_old_id(rng), "81" + idv[2:6] + idv[6:17] + "0", gen_order(rng, 18), "", "无", " " + idv + " ",
        idv + "（户主）", "****", gen_bank(rng, 18),
    ])


def _phone_cell(rng: random.Random) -> str:
    m = gen_mobile(rng)
    return rng.choice([
        m, m, m, f"{m[:3]}-{m[3:7]}-{m[7:]}", f"{m[:3]} {m[3:7]} {m[7:]}", "+86 " + m, "0086" + m, fullwidth(m),
        mask_mid(m, 3, 4), mask_mid(m, 7, 2), mask_mid(m, 5, 4), "0571-87654321", "057187654321", "(010)62345678", "12012345678",
        m + "元", "", "-", "12345", gen_order(rng, 11),
    ])


def _bank_cell(rng: random.Random) -> str:
    card = gen_bank(rng)
    union19 = gen_bank(rng, 19)
    return rng.choice([
        card, card, union19, gen_bank(rng, 16), gen_bank(rng, 17), " ".join(union19[i:i + 4] for i in range(0, 19, 4)),
        mask_mid(card, 6, 4), mask_mid(card, 8, 4), gen_order(rng, 19), "4000123456789012345", gen_id(rng, x=False),
        fullwidth(card), "", "无", "5" + gen_order(rng, 15), "户主本人账户",
    ])


def _name_cell(rng: random.Random) -> str:
    name = gen_name(rng)
    return rng.choice([name, name, name, name[0] + "*", name + "（户主）", "联系人" + name, name + "本人", "身份证遗失",
                       "银行卡", "订单号", "咨询电话", name + "，男", name + "（女）", "**", "", "无"])


def _address_cell(rng: random.Random) -> str:
    n = rng.randint(1, 99)
    return rng.choice([
        f"某镇河西村3组{n}号", f"某镇河西村3组{n}号", "河西村", "幸福小区5栋2单元301室", "", "元宝村3组5号", "人民路12号",
        "家庭住址：河西村3组12号", "东方大厦12层1201室", "河西村3组12号东山村4组6号", "某镇**村*组", "河西村 3组 12号",
        "〔2023〕5号", "3组12号", f"{n}号", "某县某镇某某街道办事处某某社区居民委员会幸福小区5栋2单元301室", "无", "河西村3组12号（户主）",
        "河西村3组12号 13800138000", "住址不详",
    ])


def _health_cell(rng: random.Random) -> str:
    return rng.choice(["尿毒症", "尿毒症", "白血病", "", "**", "无", "正常", "尿毒症、白血病", "某种罕见病", "患有尿毒症",
                       "肢体残疾", "低保户", "尿毒症 二级", "2型糖尿病", "恶性肿瘤（男）"])


def hard_rows(seed: int, n: int) -> list[list[str]]:
    rng = random.Random(seed)
    return [[str(i + 1), _name_cell(rng), _id_cell(rng), _phone_cell(rng), _bank_cell(rng), _address_cell(rng),
             _health_cell(rng)]
            for i in range(n)]


def _checker(bulk_on: bool, profile: str, report_masked: bool, over: int = 20) -> Checker:
    conf = {"bulk_columns": bulk_on, "mask_profile": profile, "report_masked": report_masked, "aggregate_over": over}
    return Checker(detectors=["privacy"], site=SiteConfig.from_dict({"id": "t", "detectors": {"privacy": conf}}))


def _findings(result):
    out = []
    for f in result.findings:
        covers = getattr(f, "covers", None)
        out.append((f.to_dict(), None if covers is None else (covers.kind, list(covers.spans()))))
    return out


def _both(doc, profile="default", report_masked=False, over=20, monkeypatch=None):
    decided = []
    if monkeypatch is not None:
        real = bulk.ColumnPass.decide

        def counting(self):
            real(self)
            decided.append(self.decided)

        monkeypatch.setattr(bulk.ColumnPass, "decide", counting)
    out = []
    for on in (False, True):
        checker = _checker(on, profile, report_masked, over)
        hits = checker.detectors[0].hits(Analysis(doc, checker.site))
        out.append((hits, _findings(checker.check(doc))))
    return out, sum(decided)


DOCS = {
    "xlsx": lambda rows: extract(to_xlsx("2026年度救助对象公示名单", rows, hidden_rows=rows[:40],
                                         numeric_ids=[gen_id(random.Random(i), x=False) for i in range(30)]),
                                 "list.xlsx", filename="list.xlsx"),
    "html": lambda rows: extract(to_html("救助对象公示", ["以下为公示名单，联系电话 0571-12345。"], rows).encode(),
                                 "list.html", content_type="text/html"),
}


# a custom profile where a card must be masked more than an ID (and more visible digits are allowed for phones)
_CUSTOM = {"name": "t", "id": [8, 4], "phone": [5, 4], "bank": [4, 4]}


@pytest.mark.parametrize("fmt", sorted(DOCS))
@pytest.mark.parametrize("profile,report_masked", [("default", False), ("strict", True), (_CUSTOM, False)])
def test_bulk_path_gives_the_per_value_verdicts(fmt, profile, report_masked, monkeypatch):
    rows = hard_rows(66, 400)
    doc = DOCS[fmt](rows)
    (slow, fast), decided = _both(doc, profile, report_masked, monkeypatch=monkeypatch)
    assert decided > 500  # the bulk path did decide most ID/phone/bank cells
    slow_hits, fast_hits = slow[0], fast[0]
    assert len(slow_hits) > 1000
    assert fast_hits == slow_hits  # every value: same kind, rule, span, severity, score, validator, context, details
    assert fast[1] == slow[1]  # findings, column findings (count, rows, samples, digest, covered spans) included
    columns = [f for f, _ in fast[1] if f.get("explanation", {}).get("details", {}).get("aggregated")]
    assert {f["rule"] for f in columns} >= {"privacy.id", "privacy.phone", "privacy.bank"}


def test_rows_go_both_ways(monkeypatch):
    """The hard list has rows decided column by column (records) and rows left to the table pass (slow)."""
    seen = {}
    real = bulk.ColumnPass.fast_rows

    def spy(self, table_pass):
        real(self, table_pass)
        seen["slow"] = sum(len(t.slow) for t in self.tables)
        seen["rows"] = sum(len(t.rows) for t in self.tables)
        seen["kinds"] = {r.templates[r.tmpl[0]].kind for r in self.records if len(r)}

    monkeypatch.setattr(bulk.ColumnPass, "fast_rows", spy)
    doc = DOCS["xlsx"](hard_rows(66, 400))
    _checker(True, "default", False).check(doc)
    assert 50 < seen["slow"] < seen["rows"] - 50
    assert seen["kinds"] >= {"id", "phone", "bank", "name", "address", "health"}


def test_health_linker_in_bulk_is_the_linker():
    """``link.many`` (numpy over sentence ends, people and gender marks) gives ``link`` of every span."""
    from scanner.detectors.privacy import PrivacyDetector
    from scanner.detectors.privacy.recognizer import Hit, Scan
    from scanner.findings import Severity

    rng = random.Random(5)
    text = "".join(rng.choice("张三李四，男女、 (（。；\n!?尿毒症白血病abc123") for _ in range(6000))
    people = sorted(rng.sample(range(len(text)), 300))
    hits = [Hit(rng.choice(["name", "id", "permit"]), "r", p, p + 2, text[p:p + 2], Severity.HIGH, 0.9, "", [])
            for p in people]
    extra = ([p + 1 for p in people[:50]], ["id"] * 50, ["x"] * 50)
    _, link = PrivacyDetector._link_health(Scan(text, {}), hits, extra)
    spans = [(s, s + rng.randint(1, 5)) for s in (rng.randrange(len(text) - 5) for _ in range(3000))]
    assert link.many([a for a, _ in spans], [b for _, b in spans]) == [link(a, b) for a, b in spans]
    assert any(x is not None and x[2] for x in link.many([a for a, _ in spans], [b for _, b in spans]))


@pytest.mark.parametrize("profile,report_masked", [("default", False), ("strict", True), (_CUSTOM, False)])
def test_masked_18_character_accounts(profile, report_masked):
    """18-character masked values in a bank column (an ID's length): decided in bulk only when masked enough for
    both an ID and a card, as the ID recogniser and the table pass's cell test decide them."""
    rng = random.Random(9)
    rows = []
    for i in range(120):
        card = gen_bank(rng, 18)
        lead, trail = rng.choice([(6, 4), (4, 4), (8, 4), (2, 2), (6, 0)])
        rows.append([str(i + 1), gen_name(rng), gen_id(rng), gen_mobile(rng), mask_mid(card, lead, trail),
                     "某镇河西村3组12号", "尿毒症"])
    doc = DOCS["xlsx"](rows)
    (slow, fast), _ = _both(doc, profile, report_masked)
    assert fast == slow
    if profile is _CUSTOM:  # a card must show at most 4 + 4 here: the table pass reports the 6 + 4 ones
        assert any(f["rule"] == "privacy.bank_partial" for f, _ in slow[1])


def test_short_columns_keep_the_per_value_path(monkeypatch):
    rows = hard_rows(7, 20)  # 20 values per column, not more than aggregate_over
    doc = DOCS["html"](rows)
    (slow, fast), decided = _both(doc, monkeypatch=monkeypatch)
    assert decided == 0
    assert fast == slow
