"""The word lexicon: jieba's bundled dictionary (word, frequency, part of speech).

Besides frequency look-ups it keeps a *wildcard index*: for every word of 2–4
characters and each position in it, the key "word with that position blanked"
→ the characters that complete a dictionary word.  The typo detector asks
"which characters at position i would make a word with the neighbours?" with
one dictionary probe per window instead of one per candidate character.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from pathlib import Path

from scanner.nlp.cache import cached

WILD = "\x00"
MAX_WORD = 4


def jieba_dict_path() -> Path:
    import jieba

    return Path(jieba.__file__).resolve().parent / "dict.txt"


@dataclass(slots=True)
class Lexicon:
    freq: dict[str, int]
    pos: dict[str, str]
    char_freq: dict[str, int]
    wild: dict[str, str]
    total: int

    def logp(self, word: str) -> float:
        return math.log10(self.freq.get(word, 0) + 1) - math.log10(self.total)

    def completions(self, left: str, right: str) -> str:
        """Characters c such that left + c + right is a dictionary word (2–4 chars)."""
        return self.wild.get(left + WILD + right, "")


def _is_han(word: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" for ch in word)


def _build(path: Path, min_wild_freq: int) -> Lexicon:
    freq: dict[str, int] = {}
    pos: dict[str, str] = {}
    char_freq: dict[str, int] = {}
    wild: dict[str, set[str]] = {}
    total = 0
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) < 2:
                continue
            word, f = parts[0], int(parts[1])
            freq[word] = f
            if len(parts) > 2:
                pos[word] = parts[2]
            total += f
            if not _is_han(word):
                continue
            for ch in word:
                char_freq[ch] = char_freq.get(ch, 0) + f
            if 2 <= len(word) <= MAX_WORD and f >= min_wild_freq:
                for i in range(len(word)):
                    key = word[:i] + WILD + word[i + 1:]
                    wild.setdefault(key, set()).add(word[i])
    return Lexicon(freq, pos, char_freq, {k: "".join(sorted(v)) for k, v in wild.items()}, total)


@functools.lru_cache(maxsize=1)
def lexicon(min_wild_freq: int = 3) -> Lexicon:
    path = jieba_dict_path()
    data = path.read_bytes()
    return cached("lexicon", [data, str(min_wild_freq).encode(), b"v1"], lambda: _build(path, min_wild_freq))
