"""The word lexicon: jieba's bundled dictionary (word, frequency, part of speech).

Besides frequency look-ups it keeps a *wildcard index*: for every word of 2–4
characters and each position in it, the key "word with that position blanked"
→ the characters that complete a dictionary word.  The typo detector asks
"which characters at position i would make a word with the neighbours?" with
one dictionary probe per window instead of one per candidate character.

The tables are derived once from ``dict.txt`` into a table file under the cache directory
(:mod:`scanner.nlp.table`, keyed by the dictionary's hash): opening it takes milliseconds and a
look-up parses only the bucket of words sharing the key's first character.  Without a writable
cache directory the dictionary is parsed in memory on every start (slower, same answers).
"""

from __future__ import annotations

import functools
import importlib.util
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from scanner.nlp import table
from scanner.nlp.cache import cache_path, digest

WILD = "\x00"
MAX_WORD = 4
FORMAT = b"lexicon-table-1"


def jieba_dict_path() -> Path:
    """jieba's ``dict.txt`` (found without importing jieba)."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("jieba is not installed (its dictionary is the lexicon)")
    return Path(spec.origin).resolve().parent / "dict.txt"


@dataclass(slots=True)
class Lexicon:
    """Word → frequency / part of speech, character → frequency, and the wildcard index.

    The mappings are plain dicts when built in memory and :class:`table.LazyTable` when read from
    the cache; both answer ``get``, ``in``, ``[]`` and iteration alike.
    """

    freq: Mapping[str, int]
    pos: Mapping[str, str]
    char_freq: Mapping[str, int]
    wild: Mapping[str, str]
    total: int

    def logp(self, word: str) -> float:
        return math.log10(self.freq.get(word, 0) + 1) - math.log10(self.total)

    def completions(self, left: str, right: str) -> str:
        """Characters c such that left + c + right is a dictionary word (2–4 chars)."""
        return self.wild.get(left + WILD + right, "")


_HAN = re.compile("[\u4e00-\u9fff]*")


def _is_han(word: str) -> bool:
    """Every character a CJK unified ideograph (U+4E00–U+9FFF)."""
    return _HAN.fullmatch(word) is not None


def _entries(path: Path) -> Iterator[tuple[str, int, str | None]]:
    """(word, frequency, part of speech or None) per line of a jieba-format dictionary, in order."""
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 2:
                yield parts[0], int(parts[1]), parts[2] if len(parts) > 2 else None


def read_freq(path: Path) -> tuple[dict[str, int], dict[str, str], int]:
    """word → frequency and word → part of speech in the dictionary's order, and the total."""
    freq: dict[str, int] = {}
    pos: dict[str, str] = {}
    total = 0
    for word, f, p in _entries(path):
        freq[word] = f
        if p is not None:
            pos[word] = p
        total += f
    return freq, pos, total


def _build(path: Path, min_wild_freq: int) -> Lexicon:
    """The lexicon parsed in memory (plain dicts)."""
    freq: dict[str, int] = {}
    pos: dict[str, str] = {}
    char_freq: dict[str, int] = {}
    wild: dict[str, set[str]] = {}
    total = 0
    for word, f, p in _entries(path):  # every line: a repeated word counts again in char_freq
        freq[word] = f
        if p is not None:
            pos[word] = p
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


def _wild_bucket(key: str) -> str:
    # a key blanked at its first position would all share one bucket: use its second character too
    return key[:2] if key[:1] == WILD else key[:1]


def _whole(key: str) -> str:
    return ""


def _write(path: Path, lex: Lexicon) -> None:
    sections = {
        "freq": table.group((w, str(f)) for w, f in lex.freq.items()),
        "pos": table.group(lex.pos.items()),
        "wild": table.group(lex.wild.items(), _wild_bucket),
        "char_freq": table.group(((c, str(f)) for c, f in lex.char_freq.items()), _whole),
    }
    meta = {"total": lex.total, "len": {"freq": len(lex.freq), "pos": len(lex.pos), "wild": len(lex.wild),
                                        "char_freq": len(lex.char_freq)}}
    table.write(path, sections, meta)


def _open(path: Path) -> Lexicon:
    f = table.TableFile(path)
    n = f.meta["len"]
    return Lexicon(
        freq=table.LazyTable(f, "freq", table.parse_int, length=n["freq"]),
        pos=table.LazyTable(f, "pos", table.parse_str, length=n["pos"]),
        char_freq=table.LazyTable(f, "char_freq", table.parse_int, _whole, length=n["char_freq"]),
        wild=table.LazyTable(f, "wild", table.parse_str, _wild_bucket, length=n["wild"]),
        total=f.meta["total"],
    )


@functools.lru_cache(maxsize=4)
def cache_key(min_wild_freq: int = 3) -> tuple[bytes, ...]:
    """What the cached lexicon is derived from (the caches built on it include this): the
    dictionary's hash, the parameter and the format version."""
    return (digest([jieba_dict_path().read_bytes()]).encode(), str(min_wild_freq).encode(), FORMAT)


@functools.lru_cache(maxsize=1)
def lexicon(min_wild_freq: int = 3) -> Lexicon:
    path = cache_path("lexicon", list(cache_key(min_wild_freq)), ".tbl")
    try:
        return _open(path)
    except table.TableError:
        pass
    lex = _build(jieba_dict_path(), min_wild_freq)
    try:
        _write(path, lex)
        return _open(path)
    except (OSError, ValueError, table.TableError):  # unwritable, or data the format cannot hold
        return lex  # no writable cache: the in-memory tables answer the same


def _pairs(freq: Mapping[str, int]) -> dict[str, int]:
    out: dict[str, int] = {}
    for w, f in freq.items():
        if 2 <= len(w) <= 6:
            for j in range(len(w) - 1):
                p = w[j:j + 2]
                out[p] = out.get(p, 0) + f
    return out


@functools.lru_cache(maxsize=1)
def pair_freq() -> Mapping[str, int]:
    """Character pair → summed frequency of the dictionary words (2–6 characters) containing it.

    A read-only mapping read lazily from a table file in the cache (keyed like the lexicon), so
    asking for a few pairs does not load all 300,000."""
    path = cache_path("pairs", [*cache_key(), b"pairs-1"], ".tbl")
    try:
        return _open_pairs(path)
    except table.TableError:
        pass
    pairs = _pairs(read_freq(jieba_dict_path())[0])
    try:
        table.write(path, {"pairs": table.group((p, str(f)) for p, f in pairs.items())}, meta={"len": len(pairs)})
        return _open_pairs(path)
    except (OSError, ValueError, table.TableError):  # unwritable, or data the format cannot hold
        return pairs


def _open_pairs(path: Path) -> Mapping[str, int]:
    f = table.TableFile(path)
    return table.LazyTable(f, "pairs", table.parse_int, length=f.meta["len"])
