"""One pass of all enabled detectors over a document: detect → resolve → annotate → verdict."""

from __future__ import annotations

import bisect
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from scanner.detectors.registry import DetectorRegistry, registry as default_registry
from scanner.document import Document
from scanner.findings import Finding, Severity, Verdict, fingerprint, verdict_for
from scanner.normalize import MappedText, normalize
from scanner.ruleset import ruleset_version
from scanner.site import SiteConfig

T = TypeVar("T")

# What a long-lived process checks once before serving, so that no request pays for lazy loads:
# long enough for the per-length code paths; every detector's data, the typo model, the
# traditional→simplified table, and — with a labelled name glued to its sentence — the name
# recogniser's tagger (spaCy), which would otherwise load on the first request naming a person.
# Fictitious data.
WARM_UP_TEXT = ("清河县教育局关于开展校园安全检查的通知\n各中小学校：请各校再接再励，按装要求报送材料。"
                "联系人：王小明负责本次检查的协调工作，电话：0571-88001234。\n繁體頁面：進一步規範網站欄目設置。\n") * 60

EXCERPT_CONTEXT = 20  # code points of context on each side of a finding
TEMPLATE_URL = "#site-template"  # fingerprint scope of problems inside template regions


class Analysis:
    """What a detector reads: the document, its normalised text, the site, shared work.

    ``shared(key, factory)`` computes something once per document for all
    detectors (word segmentation, sentence split ...).
    """

    def __init__(self, document: Document, site: SiteConfig):
        self.document = document
        self.site = site
        self._shared: dict[str, Any] = {}

    @property
    def text(self) -> str:
        return self.document.text

    @cached_property
    def norm(self) -> MappedText:
        return normalize(self.document.text)

    def shared(self, key: str, factory: Callable[[], T]) -> T:
        if key not in self._shared:
            self._shared[key] = factory()
        return self._shared[key]


@dataclass(slots=True)
class Result:
    """The outcome of checking one document."""

    source: str
    verdict: Verdict
    ruleset: str
    text_length: int
    findings: list[Finding] = field(default_factory=list)
    error: dict[str, str] | None = None
    elapsed_ms: float = 0.0
    media_type: str | None = None
    document: Document | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "source": self.source,
            "verdict": self.verdict.value,
            "ruleset": self.ruleset,
            "text_length": self.text_length,
            "findings": [f.to_dict() for f in self.findings],
        }
        if self.error:
            out["error"] = self.error
        return out


def resolve_overlaps(findings: Iterable[Finding]) -> list[Finding]:
    """Deterministic overlap resolution.

    1. Within one detector, of findings whose spans overlap the strongest wins:
       higher severity, then longer span, then earlier start, then rule id.
    2. Across detectors, a finding wholly inside a different detector's finding of
       higher severity is dropped (a near-miss of 中华人民共和国 is not also a typo).
       Partial overlaps across detectors are both kept.
    The result is ordered by start, end, detector, rule.
    """
    strength = lambda f: (-int(f.severity), -(f.end - f.start), f.start, f.rule, f.keyword)  # noqa: E731
    kept: list[Finding] = []
    # Per detector: kept non-empty spans, disjoint, sorted by start (bisect keeps this O(n log n)
    # for documents with tens of thousands of findings, e.g. a 公示 spreadsheet).
    starts: dict[str, list[int]] = {}
    spans: dict[str, list[Finding]] = {}
    empties: dict[str, set[tuple[int, str]]] = {}
    for f in sorted(findings, key=strength):
        st = starts.setdefault(f.detector, [])
        sp = spans.setdefault(f.detector, [])
        i = bisect.bisect_left(st, f.end)  # kept spans starting before f.end: st[:i]
        if i and sp[i - 1].end > f.start and (f.end > f.start or sp[i - 1].start < f.start):
            continue
        if f.start == f.end and ((f.start, f.rule) in empties.setdefault(f.detector, set())
                                 or (i < len(st) and st[i] == f.start and sp[i].rule == f.rule)):
            continue
        inside = False
        for det, ost in starts.items():
            if det == f.detector or not ost:
                continue
            j = bisect.bisect_right(ost, f.start)
            # the span starting at or before f; an empty f may also sit at the end of the one before
            for g in spans[det][max(0, j - (2 if f.start == f.end else 1)):j]:
                if g.severity > f.severity and g.start <= f.start and f.end <= g.end and (g.end - g.start) > (f.end - f.start):
                    inside = True
            if inside:
                break
        if inside:
            continue
        if f.end > f.start:
            st.insert(i, f.start)
            sp.insert(i, f)
        else:
            empties[f.detector].add((f.start, f.rule))
        kept.append(f)
    kept.sort(key=lambda f: (f.start, f.end, f.detector, f.rule))
    return kept


def build_excerpt(text: str, finding: Finding, redactions: Sequence[Finding],
                  context: int = EXCERPT_CONTEXT) -> tuple[str, int]:
    """The finding's keyword with ``context`` code points around it, personal data masked.

    Every redacted span in the window (the finding's own and any other personal
    datum found in the document) is replaced by its masked keyword; a redacted span
    cut by the window edge is dropped from the window rather than shown in part.
    Returns (excerpt, offset of the keyword inside it).
    """
    ws = max(0, finding.start - context)
    we = min(len(text), finding.end + context)
    spans = [r for r in redactions if r.start < we and ws < r.end and r is not finding]
    for r in spans:  # never cut a personal datum at the edge
        if r.start < ws < r.end:
            ws = r.end if r.end <= finding.start else r.start
        if r.start < we < r.end:
            we = r.start if r.start >= finding.end else r.end
    pieces: list[str] = []
    pos = ws
    keyword_at = 0
    events = sorted({*((r.start, r.end, r.keyword) for r in spans if ws <= r.start and r.end <= we),
                     (finding.start, finding.end, None)}, key=lambda ev: (ev[0], ev[1], ev[2] is not None))
    for s, e, masked in events:
        if s < pos:  # overlaps something already written
            continue
        pieces.append(text[pos:s])
        if masked is None:
            keyword_at = sum(len(p) for p in pieces)
            pieces.append(finding.keyword if finding.redact else text[s:e])
        else:
            pieces.append(masked)
        pos = e
    pieces.append(text[pos:we])
    excerpt = "".join(pieces)
    # Line breaks inside an excerpt become spaces; lengths are unchanged, so keyword_at holds.
    return excerpt.replace("\r", " ").replace("\n", " "), keyword_at


class Checker:
    """Runs every enabled detector over documents for one site.

    Build it once (dictionaries load once) and call :meth:`check` per document;
    it is safe to share between threads.  :meth:`reload` swaps in changed rule
    data without a restart.
    """

    def __init__(self, site: SiteConfig | None = None, *, detectors: Sequence[str] | None = None,
                 registry: DetectorRegistry | None = None):
        self.site = site or SiteConfig()
        self.registry = registry or default_registry
        names = list(detectors) if detectors is not None else self.registry.names()
        self.detectors = [self.registry.create(n, self.site.options(n)) for n in names if self.site.enabled(n)]
        self._lock = threading.Lock()
        self.ruleset = self._compute_ruleset()

    def _compute_ruleset(self) -> str:
        parts: list[tuple[str, bytes]] = []
        for det in self.detectors:
            parts.extend(det.ruleset_parts())
        return ruleset_version(parts)

    def reload(self) -> bool:
        """Ask every detector to pick up changed data; returns True when the ruleset changed."""
        with self._lock:
            changed = [det.reload() for det in self.detectors]
            if any(changed):
                self.ruleset = self._compute_ruleset()
            return any(changed)

    def warm_up(self) -> Result:
        """Check :data:`WARM_UP_TEXT` once (call before serving; then :func:`scanner.heap.settle_heap`)."""
        return self.check(Document.from_text(WARM_UP_TEXT, source="warm-up"))

    def check_text(self, text: str, source: str = "-", **kw: Any) -> Result:
        return self.check(Document.from_text(text, source=source, **kw))

    def detect(self, document: Document) -> list[Finding]:
        """Raw detector output for ``document`` (no overlap resolution or annotation)."""
        analysis = Analysis(document, self.site)
        found: list[Finding] = []
        for det in self.detectors:
            for f in det.detect(analysis):
                if not (0 <= f.start <= f.end <= len(document.text)):
                    raise ValueError(f"detector {det.name} reported span [{f.start}, {f.end}) outside the text")
                found.append(f)
        return found

    def check(self, document: Document) -> Result:
        t0 = time.perf_counter()
        findings = resolve_overlaps(self.detect(document))
        self.annotate(document, findings)
        verdict = verdict_for([f.severity for f in findings], self.site.block_at, self.site.review_at)
        return Result(
            source=document.source, verdict=verdict, ruleset=self.ruleset, text_length=len(document.text),
            findings=findings, elapsed_ms=(time.perf_counter() - t0) * 1000, media_type=document.media_type,
            document=document,
        )

    def annotate(self, document: Document, findings: list[Finding]) -> None:
        """Location, excerpt, template/hidden flags and fingerprint of each finding."""
        redactions = sorted((f for f in findings if f.redact), key=lambda f: f.start)
        red_starts = [r.start for r in redactions]
        longest = max((r.end - r.start for r in redactions), default=0)
        # A finding standing for many values (the privacy detector's column finding) lists their spans in
        # ``covers``: they are masked in every excerpt like per-value redactions.
        covers = [c for c in (getattr(f, "covers", None) for f in findings) if c is not None]
        text = document.text
        for f in findings:
            # only the redactions that can reach the excerpt window (keeps annotation O(n log n))
            lo = bisect.bisect_left(red_starts, f.start - EXCERPT_CONTEXT - longest)
            hi = bisect.bisect_left(red_starts, f.end + EXCERPT_CONTEXT)
            seg = document.segment_at(f.start)
            f.location = document.locate(f.start, f.end).to_dict()
            if seg is not None:
                f.template = f.template or seg.template
                f.hidden = f.hidden or seg.hidden
            near: list[Any] = redactions[lo:hi]
            for c in covers:
                near += c.within(text, f.start - EXCERPT_CONTEXT - longest, f.end + EXCERPT_CONTEXT + longest)
            f.excerpt, f.excerpt_start = build_excerpt(text, f, near)
            key = f.match_key
            if key is None:
                key = normalize(text[f.start:f.end]).text if not f.redact else f.keyword
            url = TEMPLATE_URL if f.template else document.source
            f.fingerprint = fingerprint(self.site.id, url, f.rule, key)


def worst(findings: Iterable[Finding]) -> Severity | None:
    return max((f.severity for f in findings), default=None)
