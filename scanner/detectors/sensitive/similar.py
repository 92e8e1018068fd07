"""Similar characters for near-miss protection: same or fuzzy sound (pypinyin) and look-alike shape
(our table ``dictionaries/sensitive/shape.yaml``).

Only GB2312 level-1 characters (the 3,755 common ones) are offered as sound-alikes:
a near-miss is a mistake someone typed, and typed mistakes are common characters.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from scanner.nlp.pinyin import TONES as _TONES
from scanner.nlp.pinyin import fuzzy


def _common_chars() -> list[str]:
    out = []
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                out.append(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return out


@functools.lru_cache(maxsize=1)
def _index() -> tuple[dict[str, frozenset[str]], dict[str, str]]:
    from pypinyin.pinyin_dict import pinyin_dict

    char_syl: dict[str, frozenset[str]] = {}
    syl_chars: dict[str, list[str]] = {}
    for ch in _common_chars():
        readings = pinyin_dict.get(ord(ch))
        if not readings:
            continue
        syls = frozenset(r.translate(_TONES) for r in readings.split(","))
        char_syl[ch] = syls
        for s in syls:
            syl_chars.setdefault(s, []).append(ch)
    return char_syl, {s: "".join(v) for s, v in syl_chars.items()}


def syllables(ch: str) -> frozenset[str]:
    from pypinyin.pinyin_dict import pinyin_dict

    got = _index()[0].get(ch)
    if got is not None:
        return got
    readings = pinyin_dict.get(ord(ch))
    return frozenset(r.translate(_TONES) for r in readings.split(",")) if readings else frozenset()


def similar_chars(ch: str, shape_groups: Iterable[str], use_fuzzy: bool) -> dict[str, str]:
    """Characters similar to ``ch`` → why ("同音", "近音", "形近")."""
    _, syl_chars = _index()
    out: dict[str, str] = {}
    for syl in syllables(ch):
        if use_fuzzy:
            for f in fuzzy(syl) - {syl}:
                for c in syl_chars.get(f, ""):
                    out[c] = "近音"
        for c in syl_chars.get(syl, ""):
            out[c] = "同音"
    for group in shape_groups:
        if ch in group:
            for c in group:
                out[c] = "形近"
    out.pop(ch, None)
    return out
