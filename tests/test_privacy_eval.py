"""The generated evaluation set as text, HTML, DOCX and XLSX: recall/precision for IDs, phones, bank cards.

Acceptance: recall ≥ 0.99 and precision ≥ 0.98 per kind, and no masked or
office value reported at high severity.  Values are synthetic (tests/privacy_synth.py).
"""

import random

import pytest
from privacy_synth import Score, prose_cases, score, table_items, table_rows, to_docx, to_html, to_xlsx

from scanner.extract import extract
from scanner.pipeline import Checker

CHECKER = Checker(detectors=["privacy"])
RNG = random.Random(20261122)
CASES = prose_cases(RNG, 150)
ROWS = table_rows(RNG, 40)
HIDDEN = table_rows(RNG, 10)


def assert_scores(scores: dict[str, Score]) -> None:
    assert set(scores) >= {"id", "phone", "bank"}
    for kind, s in scores.items():
        assert s.tp > 0
        assert s.recall >= 0.99, (kind, s.recall, s.missed)
        assert s.precision >= 0.98, (kind, s.precision, s.false)
        assert s.high_on_negative == 0, kind


def test_text():
    scores: dict[str, Score] = {}
    for case in CASES:
        score(case.text, CHECKER.check_text(case.text).findings, case.items, scores)
    assert_scores(scores)


@pytest.mark.parametrize("fmt", ["html", "docx", "xlsx"])
def test_documents(fmt):
    sample = CASES[:25] + CASES[150:175]
    paras = [c.text for c in sample]
    items = [it for c in sample for it in c.items] + table_items(ROWS)
    if fmt == "html":
        data = to_html("大病救助对象公示", paras, ROWS).encode()
    elif fmt == "docx":
        data = to_docx("大病救助对象公示", paras, ROWS)
    else:
        data = to_xlsx("2026年度大病救助对象公示名单", ROWS, HIDDEN)
        items = table_items(ROWS) + table_items(HIDDEN)
    doc = extract(data, f"list.{fmt}", filename=f"list.{fmt}")
    assert doc.tables, "the extractor fills Document.tables"
    result = CHECKER.check(doc)
    scores: dict[str, Score] = {}
    score(doc.text, result.findings, items, scores)
    assert_scores(scores)
    # every finding is redacted and shows masked values only
    raw = {it.text for it in items if it.positive}
    for f in result.findings:
        assert f.redact and not any(v in f.excerpt or v in f.keyword for v in raw)
    health = [f for f in result.findings if f.rule == "privacy.health"]
    assert health and all(f.severity.label == "high" for f in health)
    if fmt == "xlsx":
        assert any(f.hidden for f in result.findings), "the hidden sheet is scanned and flagged"
