"""Health, disability and social-assistance status (敏感个人信息) next to a person.

The recogniser finds the status terms of ``dictionaries/privacy/health.txt``; the
detector keeps one only when a person is in the same sentence or table row (a
name, an ID, a gender mark), so statistics and policy prose (全县尿毒症患者 120 人,
城乡低保政策) are not reported.
"""

from __future__ import annotations

import functools
import re

from scanner.detectors.privacy.recognizer import Hit, Recognizer, Scan
from scanner.findings import Severity
from scanner.ruleset import DICTIONARY_ROOT

HEALTH_FILE = DICTIONARY_ROOT / "privacy" / "health.txt"


@functools.lru_cache(maxsize=1)
def health_terms() -> tuple[str, ...]:
    terms = [ln.strip() for ln in HEALTH_FILE.read_text(encoding="utf-8").splitlines()
             if ln.strip() and not ln.startswith("#")]
    return tuple(sorted(set(terms), key=len, reverse=True))


@functools.lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    return re.compile("|".join(re.escape(t) for t in health_terms()))


class HealthRecognizer(Recognizer):
    name = "health_status"
    kind = "health"
    context = "personal"

    def candidates(self, scan: Scan):
        return _pattern().finditer(scan.masked or scan.text)  # the bulk path decides its health cells

    def validate(self, scan: Scan, m: re.Match[str]) -> Hit | None:
        term = m.group()
        return Hit("health", "privacy.health", m.start(), m.end(), term, Severity.HIGH, 0.9,
                   f"{category(term)}（敏感个人信息）", [], details={"category": category(term)})


def category(term: str) -> str:
    if any(w in term for w in ("低保", "特困", "五保", "贫困")):
        return "社会救助状况"
    if "残" in term or "瘫" in term:
        return "残疾状况"
    return "健康状况（疾病）"
