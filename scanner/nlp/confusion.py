"""Confusion sets: characters that sound alike (pypinyin's data) or look alike (our shape table).

``sound(ch)`` — characters sharing a toneless syllable with ``ch``, plus the
common fuzzy pairs of southern Mandarin speakers (z/zh, c/ch, s/sh, n/l, -n/-ng);
``shape(ch)`` — look-alike characters from ``dictionaries/typo/shape_similar.tsv``
(computed from glyphs) and ``shape_extra.tsv`` (hand-written).  Only characters
frequent in jieba's dictionary are offered as candidates.
"""

from __future__ import annotations

import functools
from pathlib import Path

from scanner.nlp.lexicon import lexicon
from scanner.nlp.pinyin import TONES as _TONES
from scanner.nlp.pinyin import fuzzy as _fuzzy

DATA = Path(__file__).resolve().parents[2] / "dictionaries" / "typo"


@functools.lru_cache(maxsize=1)
def _pinyin_tables(min_char_freq: int = 2000) -> tuple[dict[str, frozenset[str]], dict[str, str]]:
    from pypinyin.pinyin_dict import pinyin_dict

    common = {c for c, f in lexicon().char_freq.items() if f >= min_char_freq}
    char_syl: dict[str, frozenset[str]] = {}
    syl_chars: dict[str, list[str]] = {}
    for cp, readings in pinyin_dict.items():
        ch = chr(cp)
        if not "\u4e00" <= ch <= "\u9fff":
            continue
        syls = frozenset(r.translate(_TONES) for r in readings.split(","))
        char_syl[ch] = syls
        if ch in common:
            for s in syls:
                syl_chars.setdefault(s, []).append(ch)
    return char_syl, {s: "".join(v) for s, v in syl_chars.items()}


def syllables(ch: str) -> frozenset[str]:
    return _pinyin_tables()[0].get(ch, frozenset())


@functools.lru_cache(maxsize=8192)
def same_sound(ch: str) -> str:
    """Common characters with a syllable of ``ch`` (tone ignored)."""
    char_syl, syl_chars = _pinyin_tables()
    out = dict.fromkeys(c for s in char_syl.get(ch, ()) for c in syl_chars.get(s, ""))
    out.pop(ch, None)
    return "".join(out)


@functools.lru_cache(maxsize=8192)
def near_sound(ch: str) -> str:
    """Common characters whose syllable is a fuzzy variant of one of ``ch``'s."""
    char_syl, syl_chars = _pinyin_tables()
    exact = set(same_sound(ch)) | {ch}
    out = dict.fromkeys(c for s in char_syl.get(ch, ()) for f in _fuzzy(s) - {s}
                        for c in syl_chars.get(f, "") if c not in exact)
    return "".join(out)


def _read_pairs(path: Path) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    if not path.exists():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        a, b = parts[0], parts[1]
        out.setdefault(a, set()).add(b)
        out.setdefault(b, set()).add(a)  # look-alike is symmetric
    return out


@functools.lru_cache(maxsize=1)
def _shape_table() -> dict[str, str]:
    table = _read_pairs(DATA / "shape_similar.tsv")
    for a, bs in _read_pairs(DATA / "shape_extra.tsv").items():
        table.setdefault(a, set()).update(bs)
    return {a: "".join(sorted(bs)) for a, bs in table.items()}


def shape(ch: str) -> str:
    return _shape_table().get(ch, "")


@functools.lru_cache(maxsize=16384)
def candidates(ch: str) -> dict[str, str]:
    """Candidate replacements of ``ch`` → how they relate ("sound", "near-sound", "shape")."""
    out: dict[str, str] = {}
    for c in shape(ch):
        out[c] = "shape"
    for c in near_sound(ch):
        out[c] = "near-sound"
    for c in same_sound(ch):
        out[c] = "sound"
    out.pop(ch, None)
    return out


def data_files() -> list[Path]:
    return [DATA / "shape_similar.tsv", DATA / "shape_extra.tsv"]


@functools.lru_cache(maxsize=1)
def _primary_table() -> dict[str, str]:
    from pypinyin.pinyin_dict import pinyin_dict

    return {chr(cp): r.split(",")[0].translate(_TONES) for cp, r in pinyin_dict.items()}


def _primary(ch: str) -> str | None:
    return _primary_table().get(ch)


@functools.lru_cache(maxsize=65536)
def sound_key(word: str) -> str | None:
    """Toneless pinyin of ``word`` by each character's first reading ("hui yi"), or None."""
    out = []
    for ch in word:
        p = _primary(ch)
        if p is None:
            return None
        out.append(p)
    return " ".join(out)


@functools.lru_cache(maxsize=1)
def homophone_words(min_freq: int = 30) -> dict[str, tuple[tuple[str, int], ...]]:
    """sound key → dictionary words (2–4 Han characters, frequency ≥ ``min_freq``) that sound so."""
    from scanner.nlp.cache import cached
    from scanner.nlp.lexicon import jieba_dict_path

    def build() -> dict[str, tuple[tuple[str, int], ...]]:
        index: dict[str, list[tuple[str, int]]] = {}
        for word, f in lexicon().freq.items():
            if f < min_freq or not 2 <= len(word) <= 4 or not all("\u4e00" <= c <= "\u9fff" for c in word):
                continue
            key = sound_key(word)
            if key:
                index.setdefault(key, []).append((word, f))
        return {k: tuple(sorted(v, key=lambda wf: -wf[1])[:6]) for k, v in index.items()}

    return cached("homophones", [jieba_dict_path().read_bytes(), str(min_freq).encode(), b"v2"], build)
