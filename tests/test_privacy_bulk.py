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
                       "银行卡", "订单号", "咨询电话"])


def hard_rows(seed: int, n: int) -> list[list[str]]:
    rng = random.Random(seed)
    return [[str(i + 1), _name_cell(rng), _id_cell(rng), _phone_cell(rng), _bank_cell(rng),
             rng.choice(["某镇河西村3组12号", "河西村", "幸福小区5栋2单元301室", "", "元宝村3组5号", "人民路12号"]), rng.choice(["尿毒症", "", "**", "白血病"])]
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


@pytest.mark.parametrize("fmt", sorted(DOCS))
@pytest.mark.parametrize("profile,report_masked", [("default", False), ("strict", True)])
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


def test_short_columns_keep_the_per_value_path(monkeypatch):
    rows = hard_rows(7, 20)  # 20 values per column, not more than aggregate_over
    doc = DOCS["html"](rows)
    (slow, fast), decided = _both(doc, monkeypatch=monkeypatch)
    assert decided == 0
    assert fast == slow
