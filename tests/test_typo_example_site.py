"""The example site's planted typo problems are found, and nothing on its must-not-report list."""

import json
from pathlib import Path

import pytest

from scanner.extract import extract
from scanner.pipeline import Checker

SITE = Path(__file__).resolve().parents[1] / "examples" / "site"
EXPECTED = json.loads((SITE / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def results():
    checker = Checker(detectors=["typo"])
    urls = {p["url"] for p in EXPECTED["problems"]} | {m["url"] for m in EXPECTED["must_not_report"]}
    out = {}
    for url in sorted(urls):
        doc = extract((SITE / url).read_bytes(), url, filename=url)
        out[url] = (doc, checker.check(doc).findings)
    return out


@pytest.mark.parametrize("problem", [p for p in EXPECTED["problems"] if p["detector"] == "typo"],
                         ids=lambda p: p["id"])
def test_planted_typo_found(results, problem):
    doc, findings = results[problem["url"]]
    kw = problem["keyword"]
    spans = []
    at = doc.text.find(kw)
    while at >= 0:
        spans.append((at, at + len(kw)))
        at = doc.text.find(kw, at + 1)
    assert spans, f"{kw} is not in the extracted text of {problem['url']}"
    hits = [f for f in findings if any(f.start < e and s < f.end for s, e in spans)]
    assert hits, f"{problem['id']}: {kw} not reported; got {[(f.rule, f.keyword) for f in findings]}"
    assert all(f.suggestion is not None and f.explanation for f in hits)


@pytest.mark.parametrize("item", EXPECTED["must_not_report"], ids=lambda m: m["text"])
def test_must_not_report(results, item):
    doc, findings = results[item["url"]]
    text = doc.text
    start = text.find(item["text"])
    while start >= 0:
        end = start + len(item["text"])
        inside = [f for f in findings if start <= f.start and f.end <= end]
        assert not inside, f"{item['text']}: {[(f.rule, f.keyword) for f in inside]}"
        start = text.find(item["text"], end)
