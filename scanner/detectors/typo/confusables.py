"""Layer 1: government-writing confusables, as data (``dictionaries/typo/confusables.yaml``).

Context rules are regular expressions whose look-arounds carry the deciding
context (截止 + a time point → 截至); fixed rules are literal wrong word forms
(布署 → 部署).  Matches inside 《》 titles are still reported: a title on a
government site is the site's own text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from scanner.findings import Severity
from scanner.yamlfile import safe_load

PATH = Path(__file__).resolve().parents[3] / "dictionaries" / "typo" / "confusables.yaml"


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    pattern: re.Pattern[str]
    suggest: str
    severity: Severity
    why: str
    source: str


def load(path: Path | None = None) -> list[Rule]:
    data = safe_load((path or PATH).read_text(encoding="utf-8")) or {}
    rules = []
    for r in data.get("rules", []):
        if r.get("disabled"):
            continue
        rules.append(Rule(f"typo.confusable.{r['id']}", re.compile(r["pattern"]), r["suggest"],
                          Severity.parse(r.get("severity", "low")), r["why"], r["source"]))
    fixed = data.get("fixed", [])
    if fixed:
        # One alternation for all literal forms, longest first; the replacement is looked up.
        table = {f["wrong"]: f for f in fixed}
        alt = "|".join(re.escape(w) for w in sorted(table, key=len, reverse=True))
        rules.append(Rule("typo.confusable.wordform", re.compile(alt), "", Severity.MEDIUM,
                          "词形错误：应使用规范词形。", "; ".join(sorted({f["source"] for f in fixed}))))
        _FIXED.clear()
        _FIXED.update(table)
    return rules


_FIXED: dict[str, dict] = {}


def scan(text: str, rules: list[Rule]):
    """Yield (rule, start, end, suggestion, source) over normalised ``text``."""
    for rule in rules:
        for m in rule.pattern.finditer(text):
            if m.end() == m.start():
                continue
            if rule.id == "typo.confusable.wordform":
                entry = _FIXED[m.group()]
                yield rule, m.start(), m.end(), entry["right"], entry["source"]
            elif "x" in rule.pattern.groupindex and m.start("x") >= 0:
                yield rule, m.start("x"), m.end("x"), rule.suggest, rule.source
            else:
                yield rule, m.start(), m.end(), rule.suggest, rule.source
