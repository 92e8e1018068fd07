"""Building findings of the typo detector (one place for category, mapping and explanation)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
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


def finditer_near(pattern: re.Pattern[str], text: str, anchors: Iterable[int], before: int) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)``'s matches, for a pattern whose every match starts at most ``before``
    characters before one of ``anchors`` (positions in ascending order; a match starts at x - before
    … x - 1 for some anchor x) and is never empty.

    Only those start positions are tried, with ``pattern.match`` (which, like ``finditer``, sees the
    text before the position for ``^`` and look-behinds), leftmost first, and after a match the next
    one is looked for from its end, as ``finditer`` does: the same matches, without trying the
    pattern at every position of a long text."""
    nxt = 0  # the least start position not yet tried
    match = pattern.match
    for x in anchors:
        s = max(nxt, x - before)
        while s < x:
            m = match(text, s)
            if m is None:
                s += 1
            else:
                yield m
                s = m.end()
        nxt = max(nxt, s)
