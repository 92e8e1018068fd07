"""Near-miss protection: strings that must be written exactly.

For a protected string ``s`` of length ``L`` a *near miss* is a text window one edit
away from ``s`` — a substituted character that sounds or looks alike, two adjacent
characters swapped, and (``L`` ≥ 6) one character inserted or dropped inside it.
Edits involve Chinese characters only: punctuation differences are not near misses.

Finding the windows:

* ``L`` ≤ 4: every allowed variant is enumerated into the automaton (a few hundred
  per string: the similar characters of each position and the swaps);
* ``L`` ≥ 5: the automaton holds two *anchors*, ``s[:k]`` and ``s[k+1:]`` with
  ``k = (L-1)//2``.  One edit never breaks both, so every near miss contains an
  anchor; each anchor hit checks the three windows (length ``L-1``, ``L``, ``L+1``)
  aligned on it.

Exact occurrences (and accepted official abbreviations) mask: a window overlapping
an exact occurrence of the same string, or lying inside an exact occurrence of
any protected string, is not a near miss.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from scanner.detectors.sensitive.automaton import Automaton
from scanner.detectors.sensitive.similar import similar_chars

ALL_EDITS = frozenset({"substitute", "swap", "insert", "delete"})
PARTICLES = set("的地得之和与及了在是等")
EDIT_WORDS = {"substitute": "替换", "swap": "颠倒", "insert": "多字", "delete": "漏字"}


def is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


@dataclass(slots=True)
class Protected:
    text: str
    group: str
    accept: tuple[str, ...] = ()
    edits: frozenset[str] = ALL_EDITS
    source: str = ""
    version: str = ""
    similar: dict[int, dict[str, str]] = field(default_factory=dict)  # position → similar char → why

    def allowed(self) -> frozenset[str]:
        n = len(self.text)
        by_length = {"substitute", "swap"} if n < 6 else set(ALL_EDITS)
        return frozenset(by_length) & self.edits


@dataclass(slots=True)
class NearMiss:
    """One near miss: text window ``[start, end)`` of the searched text, one edit from ``protected``."""

    protected: Protected
    start: int
    end: int
    edit: str
    detail: str  # e.g. "“合”与“和”同音"


def compile_protected(items: Sequence[Protected], shape_groups: Sequence[str]) -> None:
    """Fill each item's per-position similar characters (in place)."""
    for p in items:
        use_fuzzy = len(p.text) >= 4
        p.similar = {i: similar_chars(c, shape_groups, use_fuzzy) for i, c in enumerate(p.text) if is_cjk(c)}


class NearMissIndex:
    """The automaton of exact forms, anchors and enumerated variants of protected strings."""

    def __init__(self, items: Sequence[Protected], backend: str | None = None):
        self.items = list(items)
        keys: dict[str, list[tuple]] = {}
        exact_forms = set()
        for p in self.items:
            exact_forms.add(p.text)
            exact_forms.update(p.accept)
        for pid, p in enumerate(self.items):
            for form in (p.text, *p.accept):
                keys.setdefault(form, []).append(("x", pid))
            s, n = p.text, len(p.text)
            allowed = p.allowed()
            if n >= 5:
                k = (n - 1) // 2
                keys.setdefault(s[:k], []).append(("P", pid))
                keys.setdefault(s[k + 1:], []).append(("S", pid))
                continue
            for v, edit, detail in _variants(p, allowed):
                if v not in exact_forms:
                    keys.setdefault(v, []).append(("v", pid, edit, detail))
        self.keys = list(keys)
        self.payloads = [keys[k] for k in self.keys]
        self.automaton = Automaton(self.keys, backend)

    def find(self, text: str) -> list[NearMiss]:
        exact: list[tuple[int, int, int]] = []
        cands: list[NearMiss] = []
        for ki, s, e in self.automaton.find(text):
            for pay in self.payloads[ki]:
                kind, pid = pay[0], pay[1]
                p = self.items[pid]
                if kind == "x":
                    exact.append((pid, s, e))
                elif kind == "v":
                    cands.append(NearMiss(p, s, e, pay[2], pay[3]))
                else:
                    n = len(p.text)
                    for d in (0, -1, 1):
                        if kind == "P":
                            ws, we = s, s + n + d
                        else:
                            ws, we = e - (n + d), e
                        if ws < 0 or we > len(text):
                            continue
                        got = one_edit(p, text[ws:we])
                        if got is not None:
                            cands.append(NearMiss(p, ws, we, *got))
                            break
        if not cands:
            return []
        out = []
        seen = set()
        for c in cands:
            key = (id(c.protected), c.start, c.end)
            if key in seen:
                continue
            seen.add(key)
            masked = False
            for pid, s, e in exact:
                if self.items[pid] is c.protected and s < c.end and c.start < e:
                    masked = True
                    break
                if s <= c.start and c.end <= e:
                    masked = True
                    break
            if not masked:
                out.append(c)
        return out


def _variants(p: Protected, allowed: Iterable[str]):
    s = p.text
    if "substitute" in allowed:
        for i, sims in p.similar.items():
            for c, why in sims.items():
                if is_cjk(c):
                    yield s[:i] + c + s[i + 1:], "substitute", f"“{c}”应为“{s[i]}”（{why}）"
    if "swap" in allowed:
        for i in range(len(s) - 1):
            if s[i] != s[i + 1] and is_cjk(s[i]) and is_cjk(s[i + 1]):
                yield s[:i] + s[i + 1] + s[i] + s[i + 2:], "swap", f"“{s[i + 1]}{s[i]}”应为“{s[i]}{s[i + 1]}”"


def one_edit(p: Protected, w: str) -> tuple[str, str] | None:
    """(edit, detail) when ``w`` is one allowed edit away from ``p.text``; else None."""
    s = p.text
    n, m = len(s), len(w)
    allowed = p.allowed()
    if w == s:
        return None
    if m == n:
        diff = [i for i in range(n) if s[i] != w[i]]
        if len(diff) == 1 and "substitute" in allowed:
            i = diff[0]
            why = p.similar.get(i, {}).get(w[i])
            if why and is_cjk(w[i]):
                return "substitute", f"“{w[i]}”应为“{s[i]}”（{why}）"
        if len(diff) == 2 and diff[1] == diff[0] + 1 and "swap" in allowed:
            i = diff[0]
            if w[i] == s[i + 1] and w[i + 1] == s[i] and is_cjk(w[i]) and is_cjk(w[i + 1]):
                return "swap", f"“{w[i]}{w[i + 1]}”应为“{s[i]}{s[i + 1]}”"
        return None
    if m == n + 1 and "insert" in allowed:
        for i in range(1, n):
            if w[i] not in PARTICLES and is_cjk(w[i]) and w[:i] == s[:i] and w[i + 1:] == s[i:]:
                return "insert", f"多了“{w[i]}”"
        return None
    if m == n - 1 and "delete" in allowed:
        for i in range(1, n - 1):
            if is_cjk(s[i]) and w == s[:i] + s[i + 1:]:
                return "delete", f"漏了“{s[i]}”"
    return None
