"""Toneless pinyin and the fuzzy syllables typists confuse, shared by the typo and near-miss checks."""

from __future__ import annotations

TONES = str.maketrans("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ", "aaaaeeeeiiiioooouuuuvvvvvnnnm")
_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("n", "l"))
_FUZZY_FINALS = (("ang", "an"), ("eng", "en"), ("ing", "in"))


def fuzzy(syl: str) -> set[str]:
    """Syllables a southern-Mandarin typist confuses with ``syl`` (z/zh, c/ch, s/sh, n/l, -n/-ng)."""
    out = {syl}
    for a, b in _FUZZY_INITIALS:
        if syl.startswith(a):
            out.add(b + syl[len(a):])
        elif syl.startswith(b):
            out.add(a + syl[len(b):])
    for a, b in _FUZZY_FINALS:
        for s in tuple(out):  # a snapshot: the loop adds to ``out``
            if s.endswith(a):
                out.add(s[: -len(a)] + b)
            elif s.endswith(b):
                out.add(s + "g")
    return out
