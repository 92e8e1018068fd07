"""Confusion sets: characters that sound alike (pypinyin's data) or look alike (our shape table).

``sound(ch)`` — characters sharing a toneless syllable with ``ch``, plus the
common fuzzy pairs of southern Mandarin speakers (z/zh, c/ch, s/sh, n/l, -n/-ng);
``shape(ch)`` — look-alike characters from ``dictionaries/typo/shape_similar.tsv``
(computed from glyphs) and ``shape_extra.tsv`` (hand-written).  Only characters
frequent in jieba's dictionary are offered as candidates.

The pinyin tables and the homophone-word index are derived once and kept under the cache
directory (keyed by pypinyin's data and version, jieba's dictionary and the parameters), so a
run that finds them imports neither pypinyin nor jieba; the shape table is cached keyed by the
two TSV files' bytes.
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Mapping
from pathlib import Path

from scanner.nlp import table
from scanner.nlp.cache import cache_path, cached, package_version
from scanner.nlp.pinyin import TONES as _TONES
from scanner.nlp.pinyin import fuzzy as _fuzzy

DATA = Path(__file__).resolve().parents[2] / "dictionaries" / "typo"
FORMAT = b"pinyin-tables-1"


def _pinyin_data_key() -> list[bytes]:
    """What the pinyin tables derive from: pypinyin's character data and version, our tone folding."""
    spec = importlib.util.find_spec("pypinyin")
    data = b""
    if spec is not None and spec.submodule_search_locations:
        try:
            data = (Path(next(iter(spec.submodule_search_locations))) / "pinyin_dict.json").read_bytes()
        except OSError:
            pass
    return [data, package_version("pypinyin"), repr(sorted(_TONES.items())).encode(), FORMAT]


def _build_pinyin(min_char_freq: int) -> dict:
    from pypinyin.pinyin_dict import pinyin_dict

    from scanner.nlp.lexicon import lexicon

    char_freq = lexicon().char_freq
    common = {c for c, f in char_freq.items() if f >= min_char_freq}
    readings: dict[str, str] = {}
    primary: dict[str, str] = {}
    syl_chars: dict[str, list[str]] = {}
    for cp, rs in pinyin_dict.items():
        ch = chr(cp)
        primary[ch] = rs.split(",")[0].translate(_TONES)
        if not "\u4e00" <= ch <= "\u9fff":
            continue
        syls = [r.translate(_TONES) for r in rs.split(",")]
        readings[ch] = ",".join(syls)
        if ch in common:
            for s in frozenset(syls):
                syl_chars.setdefault(s, []).append(ch)
    return {"readings": readings, "primary": primary, "syl_chars": {s: "".join(v) for s, v in syl_chars.items()}}


def _block(ch: str) -> str:
    """Table bucket of a character: its 256-code-point block, in hex ("" for a key that is not one
    character, which no bucket holds)."""
    return format(ord(ch) >> 8, "x") if len(ch) == 1 else ""


@functools.lru_cache(maxsize=4)
def _pinyin_meta(min_char_freq: int = 2000) -> dict:
    """{"readings": Han char → "syl,syl", "primary": char → first syllable, "syl_chars": syl → common
    chars}; the first two are read from the cached table file bucket by bucket."""
    from scanner.nlp.lexicon import cache_key

    path = cache_path("pinyin", [*_pinyin_data_key(), *cache_key(), str(min_char_freq).encode()], ".tbl")
    try:
        return _open_pinyin(path)
    except table.TableError:
        pass
    built = _build_pinyin(min_char_freq)
    try:
        table.write(path, {"readings": table.group(built["readings"].items(), _block),
                           "primary": table.group(built["primary"].items(), _block)},
                    meta={"syl_chars": built["syl_chars"],
                          "len": {"readings": len(built["readings"]), "primary": len(built["primary"])}})
        return _open_pinyin(path)
    except (OSError, ValueError, table.TableError):  # unwritable, or data the format cannot hold
        return built


def _open_pinyin(path: Path) -> dict:
    f = table.TableFile(path)
    n = f.meta["len"]
    return {"readings": table.LazyTable(f, "readings", table.parse_str, _block, length=n["readings"]),
            "primary": table.LazyTable(f, "primary", table.parse_str, _block, length=n["primary"]),
            "syl_chars": f.meta["syl_chars"]}


@functools.lru_cache(maxsize=1)
def _pinyin_tables(min_char_freq: int = 2000) -> tuple[Mapping[str, frozenset[str]], dict[str, str]]:
    """(Han char → its toneless syllables, toneless syllable → common characters with it)."""
    meta = _pinyin_meta(min_char_freq)
    return _Readings(meta["readings"]), meta["syl_chars"]


class _Readings(Mapping[str, frozenset[str]]):
    """char → frozenset of syllables, made on demand from the cached "syl,syl" strings."""

    __slots__ = ("_raw", "_sets")

    def __init__(self, raw: Mapping[str, str]):
        self._raw = raw
        self._sets: dict[str, frozenset[str]] = {}

    def __getitem__(self, ch: str) -> frozenset[str]:
        out = self._sets.get(ch)
        if out is None:
            out = self._sets[ch] = frozenset(self._raw[ch].split(","))
        return out

    def __contains__(self, ch: object) -> bool:
        return ch in self._raw

    def __iter__(self):
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


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


def _read_pairs(path: Path, text: str | None = None) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    if text is None:
        if not path.exists():
            return out
        text = path.read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        a, b = parts[0], parts[1]
        out.setdefault(a, set()).add(b)
        out.setdefault(b, set()).add(a)  # look-alike is symmetric
    return out


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


@functools.lru_cache(maxsize=1)
def _shape_table() -> dict[str, str]:
    """char → its look-alikes (sorted), from the two TSV files; cached keyed by their bytes."""
    similar, extra = (_read_bytes(p) for p in data_files())

    def build() -> dict[str, str]:
        def pairs(path: Path, data: bytes | None) -> dict[str, set[str]]:
            return {} if data is None else _read_pairs(path, data.decode("utf-8"))

        table = pairs(data_files()[0], similar)
        for a, bs in pairs(data_files()[1], extra).items():
            table.setdefault(a, set()).update(bs)
        return {a: "".join(sorted(bs)) for a, bs in table.items()}

    key = [b"-" if similar is None else b"+" + similar, b"-" if extra is None else b"+" + extra, b"shape-1"]
    return cached("shape", key, build)


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


def _primary_table() -> Mapping[str, str]:
    """char → toneless first reading (every character pypinyin knows)."""
    return _pinyin_meta()["primary"]


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


def _first_syllable(key: str) -> str:
    return key.partition(" ")[0]


def _parse_homophones(text: str) -> dict[str, tuple[tuple[str, int], ...]]:
    out = {}
    for line in text.split("\n"):
        key, _, value = line.partition("\t")
        out[key] = tuple((w, int(f)) for w, _, f in (item.partition(",") for item in value.split(";")))
    return out


def _build_homophones(min_freq: int) -> dict[str, tuple[tuple[str, int], ...]]:
    from scanner.nlp.lexicon import jieba_dict_path, read_freq

    index: dict[str, list[tuple[str, int]]] = {}
    for word, f in read_freq(jieba_dict_path())[0].items():  # the dictionary's order decides ties
        if f < min_freq or not 2 <= len(word) <= 4 or not all("\u4e00" <= c <= "\u9fff" for c in word):
            continue
        key = sound_key(word)
        if key:
            index.setdefault(key, []).append((word, f))
    return {k: tuple(sorted(v, key=lambda wf: -wf[1])[:6]) for k, v in index.items()}


@functools.lru_cache(maxsize=1)
def homophone_words(min_freq: int = 30) -> Mapping[str, tuple[tuple[str, int], ...]]:
    """sound key → dictionary words (2–4 Han characters, frequency ≥ ``min_freq``) that sound so,
    most frequent first (at most 6); a read-only mapping."""
    from scanner.nlp.lexicon import cache_key

    path = cache_path("homophones", [*_pinyin_data_key(), *cache_key(), str(min_freq).encode(), b"homophones-1"],
                      ".tbl")
    try:
        return table.LazyTable(table.TableFile(path), "homophones", _parse_homophones, _first_syllable)
    except table.TableError:
        pass
    index = _build_homophones(min_freq)
    lines = ((k, ";".join(f"{w},{f}" for w, f in v)) for k, v in index.items())
    try:
        table.write(path, {"homophones": table.group(lines, _first_syllable)})
        return table.LazyTable(table.TableFile(path), "homophones", _parse_homophones, _first_syllable)
    except (OSError, ValueError, table.TableError):  # unwritable, or data the format cannot hold
        return index
