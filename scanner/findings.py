"""Findings, their explanations, severities and the document verdict."""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass, field
from typing import Any


class Severity(enum.IntEnum):
    """How bad a finding is.  ``VETO`` fails a site's inspection on its own
    (严重表述错误, banned political/porn/gambling content, classified markings)."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    VETO = 4

    @classmethod
    def parse(cls, value: "str | int | Severity") -> "Severity":
        if isinstance(value, Severity):
            return value
        if isinstance(value, int):
            return cls(value)
        try:
            return cls[str(value).strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {value!r}; use one of {', '.join(s.label for s in cls)}") from None

    @property
    def label(self) -> str:
        return self.name.lower()

    @property
    def chinese(self) -> str:
        return {"INFO": "提示", "LOW": "低", "MEDIUM": "中", "HIGH": "高", "VETO": "否决"}[self.name]


class Verdict(str, enum.Enum):
    PASS = "pass"
    REVIEW = "review"
    BLOCK = "block"


def verdict_for(severities: "list[Severity]", block_at: Severity = Severity.HIGH,
                review_at: Severity = Severity.LOW) -> Verdict:
    """pass / review / block from the findings' severities.

    By default a veto or high finding blocks publication, a medium or low one asks
    for review, and info findings pass.
    """
    worst = max(severities, default=None)
    if worst is None:
        return Verdict.PASS
    if worst >= block_at:
        return Verdict.BLOCK
    if worst >= review_at:
        return Verdict.REVIEW
    return Verdict.PASS


@dataclass(slots=True)
class Explanation:
    """Why a finding was raised, in terms a reviewer can check.

    ``rule`` is a sentence describing the rule; ``entry`` the dictionary entry or
    confusion pair that fired (with its provenance where the detector knows it);
    ``validator`` what a validator checked (check digit, Luhn, date ...);
    ``context`` the context words that raised confidence; ``condition`` the
    dictionary condition that held; ``normalization`` the folding steps that were
    needed to see the match; ``scores`` numeric evidence (LM scores, confidence).
    """

    rule: str
    entry: str | None = None
    validator: str | None = None
    context: list[str] = field(default_factory=list)
    condition: str | None = None
    normalization: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rule": self.rule}
        for name in ("entry", "validator", "condition"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        for name in ("context", "normalization", "scores", "details"):
            value = getattr(self, name)
            if value:
                out[name] = value
        return out


@dataclass(slots=True)
class Finding:
    """One problem at code points ``[start, end)`` of a document's extracted text.

    Detectors fill what they know (detector, rule, category, severity, span,
    keyword, suggestion, explanation).  The pipeline then annotates location,
    excerpt and fingerprint.

    Personal data: a detector that finds personal data sets ``redact`` and gives
    ``keyword`` already masked and ``match_key`` as a keyed hash of the value, so
    no raw value ever leaves the scanner; the excerpt builder masks the span too.
    """

    detector: str
    rule: str
    category: str
    severity: Severity
    start: int
    end: int
    keyword: str
    suggestion: str | None = None
    explanation: Explanation | None = None
    confidence: float = 1.0
    redact: bool = False
    match_key: str | None = None  # normalised match (or keyed hash) for the fingerprint
    # Filled by the pipeline:
    location: dict[str, Any] = field(default_factory=dict)
    excerpt: str = ""
    excerpt_start: int = 0  # offset of the keyword inside ``excerpt``
    fingerprint: str = ""
    template: bool = False  # inside a site template region: one report per site
    hidden: bool = False  # inside text a visitor cannot see

    def to_dict(self) -> dict[str, Any]:
        """The command-line contract's finding object plus explanation and fingerprint."""
        return {
            "detector": self.detector,
            "rule": self.rule,
            "category": self.category,
            "severity": self.severity.label,
            "start": self.start,
            "end": self.end,
            "keyword": self.keyword,
            "excerpt": self.excerpt,
            "suggestion": self.suggestion,
            "location": self.location,
            "explanation": self.explanation.to_dict() if self.explanation else None,
            "confidence": round(self.confidence, 4),
            "fingerprint": self.fingerprint,
            **({"template": True} if self.template else {}),
            **({"hidden": True} if self.hidden else {}),
        }


def fingerprint(site: str, url: str, rule: str, match_key: str) -> str:
    """A stable id for "this problem on this page" across scans (or across a site,
    when ``url`` is the template marker)."""
    raw = "\x1f".join((site or "", url or "", rule, match_key))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]
