"""The sensitive-content detector: banned content, improper wording, serious misstatements."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from scanner.detectors.base import Detector
from scanner.detectors.sensitive.conditions import near, quoted
from scanner.detectors.sensitive.explain import steps
from scanner.detectors.sensitive.fold import LineMapper, fold_key, fold_table, fold_text
from scanner.detectors.sensitive.nearmiss import (
    ALL_EDITS,
    EDIT_WORDS,
    NearMissIndex,
    Protected,
    compile_protected,
)
from scanner.detectors.sensitive.ruleset import (
    CATEGORY_NAMES,
    DICTIONARY_DIR,
    Entry,
    Rules,
    dictionary_files,
    load_rules,
)
from scanner.findings import Explanation, Finding, Severity

if TYPE_CHECKING:  # pragma: no cover
    from scanner.pipeline import Analysis

TITLE_ROLES = frozenset({"title", "heading"})


class SensitiveDetector(Detector):
    """Dictionary matching over evasion-folded text plus near-miss protection of exact strings.

    Configuration: ``own_names`` (the site's organisation names, protected like state
    organs), ``allow`` (site allow-list phrases), ``dictionary_dir`` (another folder of
    dictionaries, for tests), ``backend`` (``rs`` or ``pyahocorasick``), ``categories``
    (report only these), ``nearmiss`` (false switches near-miss protection off).
    """

    name = "sensitive"
    version = "1"
    default_config: ClassVar[dict[str, Any]] = {
        "own_names": [], "allow": [], "dictionary_dir": None, "backend": None, "categories": None, "nearmiss": True}

    def __init__(self, config: dict[str, Any] | None = None):
        super().__init__(config)
        self._directory = Path(self.config["dictionary_dir"] or DICTIONARY_DIR)
        self._reload_lock = threading.Lock()
        self.rules: Rules = load_rules(self._directory, self.config["backend"])
        self._stamp = self._file_stamp()
        self._site = self._site_rules(self.rules)

    # -- data and reload ---------------------------------------------------------------------
    def _file_stamp(self) -> tuple:
        return tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in dictionary_files(self._directory))

    def _site_rules(self, rules: Rules) -> tuple[NearMissIndex | None, list[str]]:
        names = [n for n in dict.fromkeys(self.config.get("own_names") or []) if len(n) >= 3]
        index = None
        if names:
            items = [Protected(text=n, group="organisation", edits=ALL_EDITS, source="site:own_names")
                     for n in names]
            compile_protected(items, rules.shape_groups)
            index = NearMissIndex(items, rules.automaton.backend)
        allow = [k for k in (fold_key(a) for a in self.config.get("allow") or []) if k]
        return index, allow

    def ruleset_parts(self) -> Iterable[tuple[str, bytes]]:
        yield from super().ruleset_parts()
        if self._directory != DICTIONARY_DIR:  # files under dictionaries/ are hashed by the ruleset already
            for p in dictionary_files(self._directory):
                yield f"sensitive:{p.name}", p.read_bytes()

    def reload(self) -> bool:
        """Rebuild aside when a dictionary file changed, then swap the rules in one assignment."""
        with self._reload_lock:
            stamp = self._file_stamp()
            if stamp == self._stamp:
                return False
            rules = load_rules(self._directory, self.config["backend"])
            site = self._site_rules(rules)
            changed = rules.digest != self.rules.digest
            self.rules, self._site, self._stamp = rules, site, stamp  # readers see old or new, never half
            return changed

    # -- detection -------------------------------------------------------------------------------
    def detect(self, analysis: Analysis) -> Iterator[Finding]:
        rules, (site_index, site_allow) = self.rules, self._site  # one consistent snapshot
        norm = analysis.norm
        only = set(self.config.get("categories") or ()) or None
        folded = fold_text(norm.text)
        hits = list(rules.automaton.find(folded)) if folded else []
        if hits:
            yield from self._dictionary(analysis, rules, site_allow, folded, hits, only)
        if self.config.get("nearmiss", True) and (only is None or "serious_misstatement" in only):
            yield from self._nearmiss(analysis, rules.nearmiss, "dictionary")
            if site_index is not None:
                yield from self._nearmiss(analysis, site_index, "own_names")

    def _dictionary(self, analysis: Analysis, rules: Rules, site_allow: list[str], folded: str,
                    hits: list[tuple[int, int, int]], only: set[str] | None) -> Iterator[Finding]:
        norm = analysis.norm
        fmap = LineMapper(norm.text, folded)  # folded → normalised text offsets, only where hits are
        allow_spans: list[tuple[int, int]] = []
        parts: dict[tuple[int, int], list[tuple[int, int]]] = {}
        primary: list[tuple[int, int, int]] = []
        for ki, s, e in hits:
            if not self._boundary_ok(rules.edges[ki], folded, fmap, norm.text, s, e):
                continue
            for pay in rules.payloads[ki]:
                if pay[0] == "a":
                    allow_spans.append((s, e))
                elif pay[2] == 0:
                    primary.append((pay[1], s, e))
                else:
                    parts.setdefault((pay[1], pay[2]), []).append((s, e))
        for phrase in site_allow:
            i = folded.find(phrase)
            while i >= 0:
                allow_spans.append((i, i + len(phrase)))
                i = folded.find(phrase, i + 1)
        for ei, s, e in primary:
            entry = rules.entries[ei]
            if only is not None and entry.category not in only:
                continue
            span = self._cooccur(entry, parts, ei, s, e)
            if span is None:
                continue
            s, e = span
            if any(a <= s and e <= b for a, b in allow_spans):
                continue
            ns, ne = fmap.to_norm(s, e)  # normalised-text span
            fired = self._conditions(analysis, entry, ns, ne)
            if fired is None:
                continue
            a, b = norm.to_source(ns, ne)
            original = analysis.text[a:b]
            yield Finding(
                detector=self.name, rule=f"sensitive.{entry.category}", category=entry.category,
                severity=entry.severity, start=a, end=b, keyword=original, suggestion=entry.suggestion,
                match_key=entry.term,
                explanation=Explanation(
                    rule=f"{CATEGORY_NAMES[entry.category]}：词典条目“{entry.term}”",
                    entry=f"{entry.term}（{entry.source} 版本 {entry.version}）",
                    condition="；".join(fired) or None,
                    normalization=steps(original, norm.text[ns:ne]),
                    details={"dictionary": entry.source, "version": entry.version,
                             "provenance": entry.provenance, **({"note": entry.note} if entry.note else {})}),
            )

    @staticmethod
    def _boundary_ok(edges: tuple[str | None, str | None], folded: str, fmap: LineMapper, norm_text: str,
                     s: int, e: int) -> bool:
        """ASCII letters and digits at a key's edge need a word boundary in the text."""
        left, right = edges
        if left is None and right is None:
            return True
        table = fold_table()
        ns, ne = fmap.to_norm(s, e)

        def kind(ch: str) -> str | None:
            ch = table.get(ord(ch), ch)
            if ch.isascii() and ch.isdigit():
                return "d"
            if ch.isascii() and ch.isalpha():
                return "a"
            return None

        if left is not None and ns > 0:
            k = kind(norm_text[ns - 1])
            if k is not None and (k == left or (left == "a" and k == "d") or (left == "d" and k == "a")):
                return False
        if right is not None and ne < len(norm_text):
            k = kind(norm_text[ne])
            if k is not None and (k == right or (right == "a" and k == "d") or (right == "d" and k == "a")):
                return False
        return True

    @staticmethod
    def _cooccur(entry: Entry, parts: dict, ei: int, s: int, e: int) -> tuple[int, int] | None:
        if len(entry.parts) == 1:
            return s, e
        window = int(entry.conditions.get("window", 10))
        lo, hi = s, e
        for pi in range(1, len(entry.parts)):
            best = None
            for ps, pe in parts.get((ei, pi), ()):
                gap = max(ps - e, s - pe)
                if gap <= window and not (ps < e and s < pe):
                    if best is None or abs(ps - s) < abs(best[0] - s):
                        best = (ps, pe)
            if best is None:
                return None
            lo, hi = min(lo, best[0]), max(hi, best[1])
        return lo, hi

    def _conditions(self, analysis: Analysis, entry: Entry, ns: int, ne: int) -> list[str] | None:
        """The conditions that held (as words), or None when one fails."""
        c = entry.conditions
        text = analysis.norm.text
        fired = []
        if "window" in c:
            fired.append(f"共现（{c['window']}字内）")
        if c.get("not_quoted"):
            if quoted(text, ns, ne):
                return None
            fired.append("不在引号内")
        if c.get("near"):
            w = near(text, ns, ne, c["near"], int(c.get("near_window", 10)))
            if w is None:
                return None
            fired.append(f"附近出现“{w}”")
        if c.get("unless_near"):
            if near(text, ns, ne, c["unless_near"], int(c.get("unless_window", 10))) is not None:
                return None
            fired.append("无执法/警示语境词")
        if c.get("titles_only"):
            a, _ = analysis.norm.to_source(ns, ne)
            seg = analysis.document.segment_at(a)
            if seg is None or seg.role not in TITLE_ROLES:
                return None
            fired.append("出现在标题中")
        return fired

    def _nearmiss(self, analysis: Analysis, index: NearMissIndex, origin: str) -> Iterator[Finding]:
        norm = analysis.norm
        for m in index.find(norm.text):
            a, b = norm.to_source(m.start, m.end)
            original = analysis.text[a:b]
            p = m.protected
            what = {"country": "国名/党名", "state_organ": "国家机关名称", "leader": "国家领导人姓名职务",
                    "formulation": "固定政治表述", "series": "固定排序", "organisation": "本单位名称"}[p.group]
            yield Finding(
                detector=self.name, rule="sensitive.nearmiss", category="serious_misstatement",
                severity=Severity.VETO, start=a, end=b, keyword=original, suggestion=p.text,
                match_key=f"{p.text}|{norm.text[m.start:m.end]}",
                explanation=Explanation(
                    rule=f"严重表述错误：{what}必须准确书写，“{original}”与“{p.text}”相差一字（{EDIT_WORDS[m.edit]}）",
                    entry=f"{p.text}（{p.source or origin}{' 版本 ' + p.version if p.version else ''}）",
                    condition=m.detail,
                    normalization=steps(original, norm.text[m.start:m.end]),
                    details={"protected": p.text, "group": p.group, "edit": m.edit, "origin": origin}),
            )
