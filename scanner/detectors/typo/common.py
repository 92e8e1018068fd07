"""Building findings of the typo detector (one place for category, mapping and explanation)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scanner.findings import Explanation, Finding, Severity

if TYPE_CHECKING:  # pragma: no cover
    from scanner.pipeline import Analysis

DETECTOR = "typo"
CATEGORY = "typo"


def finding(analysis: Analysis, rule: str, start: int, end: int, *, suggestion: str | None,
            sentence: str, severity: Severity = Severity.LOW, entry: str | None = None,
            scores: dict[str, float] | None = None, confidence: float = 0.9, normalized: bool = True,
            validator: str | None = None, context: list[str] | None = None,
            details: dict | None = None) -> Finding:
    """A typo finding; ``normalized`` spans are mapped back to original offsets."""
    if normalized:
        start, end = analysis.norm.to_source(start, end)
    keyword = analysis.text[start:end]
    return Finding(
        detector=DETECTOR, rule=rule, category=CATEGORY, severity=severity, start=start, end=end,
        keyword=keyword, suggestion=suggestion, confidence=confidence,
        explanation=Explanation(rule=sentence, entry=entry, validator=validator, context=context or [],
                                scores=scores or {}, details=details or {}),
    )
