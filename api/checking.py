"""From a pipeline :class:`~scanner.pipeline.Result` to the CMS check response.

Hits carry code-point offsets (Python) and UTF-16 offsets (JavaScript editors);
``keyword`` and ``context`` come from the finding, where the privacy detector and
the excerpt builder have already masked personal data.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from scanner.findings import Finding, Severity
from scanner.pipeline import Result


class Utf16Offsets:
    """Code-point offset → UTF-16 offset for one text (astral characters count twice)."""

    def __init__(self, text: str):
        self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF] if not text.isascii() else []

    def __call__(self, offset: int) -> int:
        return offset + bisect.bisect_left(self._astral, offset) if self._astral else offset


def risk_level(findings: Iterable[Finding]) -> str:
    worst = max((f.severity for f in findings), default=None)
    return "none" if worst is None else Severity(worst).label


def hit(f: Finding, utf16: Utf16Offsets) -> dict:
    return {
        "keyword": f.keyword, "start": f.start, "end": f.end,
        "utf16Start": utf16(f.start), "utf16End": utf16(f.end),
        "context": f.excerpt, "rule": f.rule, "severity": f.severity.label,
        "suggestion": f.suggestion,
        "explanation": _explanation(f),
        "location": f.location,
    }


def _explanation(f: Finding) -> dict | None:
    if f.explanation is None:
        return None
    out = f.explanation.to_dict()
    out.pop("details", None)  # detector internals; the UI shows them from the store
    return out


def labels(result: Result) -> list[dict]:
    """Findings grouped by (detector, category), in order of first appearance."""
    utf16 = Utf16Offsets(result.document.text if result.document is not None else "")
    groups: dict[tuple[str, str], list[dict]] = {}
    for f in result.findings:
        groups.setdefault((f.detector, f.category), []).append(hit(f, utf16))
    return [{"label": d, "subLabel": c, "hits": hits} for (d, c), hits in groups.items()]


def text_result(result: Result, data_id: str | None) -> dict:
    return {"dataId": data_id, "suggestion": result.verdict.value, "riskLevel": risk_level(result.findings),
            "labels": labels(result)}
