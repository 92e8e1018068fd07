"""Recall matrix: every dictionary entry is found in every evasion form, at its exact offsets;
every protected string's one-edit variants are found, and its exact form is not."""

from __future__ import annotations

import functools
import itertools
import unicodedata

import pytest

from scanner.detectors.sensitive import SensitiveDetector
from scanner.detectors.sensitive.fold import _RADICALS
from scanner.detectors.sensitive.nearmiss import PARTICLES, is_cjk
from scanner.document import Document
from scanner.pipeline import Analysis
from scanner.site import SiteConfig

PREFIX = "网页弹窗显示："
SUFFIX = "，详情请咨询客服。"
_FINANCIAL = dict(zip("一二三四五六七八九", "壹贰叁肆伍陆柒捌玖"))
_CIRCLED = {str(i): chr(0x2460 + i - 1) for i in range(1, 10)} | {"0": "⓪"}
_KANGXI = {unicodedata.normalize("NFKC", chr(c)): chr(c) for c in range(0x2F00, 0x2FD6)}
_RADICAL_FORM = {v: k for k, v in _RADICALS.items() if len(v) == 1 and "\u4e00" <= v <= "\u9fff"}


@functools.lru_cache(maxsize=1)
def _s2t():
    from opencc import OpenCC

    return OpenCC("s2t")


def _between(term: str, sep: str) -> str:
    return sep.join(term)


def _full_width(term: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in term)


def _digits(term: str) -> str:
    return "".join(_CIRCLED.get(c) or _FINANCIAL.get(c) or c for c in term)


def _radicals(term: str) -> str:
    return "".join(_RADICAL_FORM.get(c) or _KANGXI.get(c) or c for c in term)


FORMS = {
    "plain": lambda t: t,
    "symbols": lambda t: "".join(c + "@*#"[i % 3] for i, c in enumerate(t))[:-1],
    "spaces": lambda t: _between(t, " "),
    "zero-width": lambda t: _between(t, "\u200b"),
    "repeats": lambda t: "".join(c * 2 if not c.isdigit() and c not in "、" else c for c in t),
    "full-width": _full_width,
    "traditional": lambda t: _s2t().convert(t),
    "digit-variants": _digits,
    "radicals": _radicals,
    "case": lambda t: t.upper(),
}


@pytest.fixture(scope="module")
def detector() -> SensitiveDetector:
    return SensitiveDetector()


def _terms(entry) -> list[str]:
    """Every concrete phrase an entry stands for (the product of its parts' alternatives), as written."""
    parts = [p.split("|") for p in entry.term.split("+")]
    return ["".join(combo) for combo in itertools.product(*parts)]


def _context(entry) -> str:
    near = entry.conditions.get("near")
    return near[0] if near else ""


@pytest.mark.parametrize("form", list(FORMS))
def test_every_entry_in_every_evasion_form(detector, form):
    """One document per form, one line per (entry, phrase): lines never join (line breaks are not skipped)."""
    make = FORMS[form]
    lines, expected = [], []
    pos = 0
    for entry in detector.rules.entries:
        for term in _terms(entry):
            evaded = make(term)
            head = PREFIX + _context(entry)
            line = head + evaded + SUFFIX
            expected.append((entry.term, pos + len(head), pos + len(head) + len(evaded), evaded))
            lines.append(line)
            pos += len(line) + 1
    a = Analysis(Document.from_text("\n".join(lines)), SiteConfig())
    got = {(f.match_key, f.start, f.end) for f in detector.detect(a)}
    misses = [f"{term} → {evaded!r}" for term, s, e, evaded in expected if (term, s, e) not in got]
    assert len(expected) > 300
    assert not misses, f"{len(misses)} of {len(expected)} not found in form {form}: {misses[:20]}"


def _edits(p):
    """(variant, edit) pairs one edit from protected string ``p`` (as the matrix generates them)."""
    s = p.text
    n = len(s)
    out = []
    positions = [i for i in range(n) if p.similar.get(i)]
    if positions:
        i = positions[len(positions) // 2]
        sims = sorted(p.similar[i].items(), key=lambda kv: (kv[1] != "形近", kv[0]))
        out.append((s[:i] + sims[0][0] + s[i + 1:], "substitute"))
    allowed = p.allowed()
    if "swap" in allowed:
        for i in range(n - 1):
            if s[i] != s[i + 1] and is_cjk(s[i]) and is_cjk(s[i + 1]):
                out.append((s[:i] + s[i + 1] + s[i] + s[i + 2:], "swap"))
                break
    if "insert" in allowed:
        i = n // 2
        out.append((s[:i] + "多" + s[i:], "insert"))
    if "delete" in allowed:
        i = next(i for i in range(n // 2, n - 1) if is_cjk(s[i]))
        out.append((s[:i] + s[i + 1:], "delete"))
    return out


def test_every_protected_string_near_miss_found(detector):
    idx = detector.rules.nearmiss
    exact = {t for p in idx.items for t in (p.text, *p.accept)}
    misses, checked = [], 0
    for p in idx.items:
        for variant, edit in _edits(p):
            if variant in exact or any(c in PARTICLES for c in variant if c not in p.text):
                continue
            text = "根据" + variant + "有关要求"
            checked += 1
            a = Analysis(Document.from_text(text), SiteConfig())
            got = [f for f in detector.detect(a) if f.rule == "sensitive.nearmiss" and f.suggestion == p.text
                   and f.start == 2 and f.end == 2 + len(variant)]
            if not got:
                misses.append(f"{p.text} ({edit}) → {variant}")
    assert checked >= 2 * len(idx.items)
    assert not misses, misses


def test_exact_protected_strings_are_not_findings(detector):
    for p in detector.rules.nearmiss.items:
        for form in (p.text, *p.accept):
            a = Analysis(Document.from_text("根据" + form + "有关要求"), SiteConfig())
            found = [f for f in detector.detect(a) if f.rule == "sensitive.nearmiss"]
            assert not found, (form, [(f.keyword, f.suggestion) for f in found])
