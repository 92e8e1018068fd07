"""One normalisation layer with an offset map back to the original text.

:func:`normalize` applies, character by character: NFKC (full-width letters and
digits to half-width, ① to 1, Kangxi radicals and compatibility ideographs to
unified ideographs), traditional → simplified characters, removal of zero-width,
format and control characters, and folding of whitespace runs to one space (or
one newline when the run holds a line break).  Full-width Chinese punctuation
(，（）：；！？ …) is kept as it is: it is correct Chinese text and the typo
detector reads it.

The result is a :class:`MappedText`.  Detectors match on ``.text`` and turn a
span back into original offsets with :meth:`MappedText.to_source`.  Further
rewrite layers (the sensitive detector's evasion folding) are built with
:class:`MappedTextBuilder` over a ``MappedText`` and chained with
:meth:`MappedText.compose`, so every layer reports exact original offsets.

Fast path: one ``str.translate`` for the 1:1 changes and one regular expression
for the few characters that change length.  Text without such characters keeps
an identity map and costs no per-character work in Python.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any
from dataclasses import dataclass

__all__ = ["MappedText", "MappedTextBuilder", "char_table", "normalize"]


@dataclass(slots=True)
class MappedText:
    """Text derived from a source string, with each character's source span.

    ``starts[i]``/``ends[i]`` give the half-open source span that produced character
    ``i``; both are ``None`` for an identity map.  Every character has a non-empty
    source span, so a mapped span always lands inside the source.
    """

    text: str
    source_length: int
    starts: Any = None  # numpy int64 array, or None for identity
    ends: Any = None

    @classmethod
    def identity(cls, text: str) -> MappedText:
        return cls(text, len(text))

    @property
    def is_identity(self) -> bool:
        return self.starts is None

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """Map the half-open span ``[start, end)`` of ``text`` to the source."""
        n = len(self.text)
        if not 0 <= start <= end <= n:
            raise ValueError(f"span [{start}, {end}) outside text of length {n}")
        if self.starts is None:
            return start, end
        if start == end:
            pos = int(self.starts[start]) if start < n else self.source_length
            return pos, pos
        return int(self.starts[start]), int(self.ends[end - 1])

    def source_offset(self, index: int) -> int:
        return self.to_source(index, index)[0]

    def compose(self, inner: MappedText) -> MappedText:
        """Chain: ``self`` was built from ``inner.text``; the result maps to ``inner``'s source."""
        if self.starts is None:
            return MappedText(self.text, inner.source_length, inner.starts, inner.ends)
        if inner.starts is None:
            return MappedText(self.text, inner.source_length, self.starts, self.ends)
        import numpy as np

        inner_starts, inner_ends = np.asarray(inner.starts), np.asarray(inner.ends)
        starts = inner_starts[np.asarray(self.starts)]
        ends = inner_ends[np.asarray(self.ends) - 1]
        return MappedText(self.text, inner.source_length, starts, ends)


class MappedTextBuilder:
    """Accumulates output pieces with their source spans and builds a :class:`MappedText`.

    Pieces are recorded as (source start, length, source end or 0 for a 1:1 chunk) and
    turned into offset arrays with numpy once, in :meth:`build`.
    """

    __slots__ = ("_parts", "_pieces", "_source_length")

    def __init__(self, source_length: int):
        self._parts: list[str] = []
        self._pieces: list[tuple[int, int, int]] = []
        self._source_length = source_length

    def same(self, chunk: str, source_start: int) -> None:
        """Append ``chunk`` whose characters map 1:1 onto the source from ``source_start``."""
        if chunk:
            self._parts.append(chunk)
            self._pieces.append((source_start, len(chunk), 0))

    def replace(self, chunk: str, source_start: int, source_end: int) -> None:
        """Append ``chunk``; all of it comes from the source span ``[source_start, source_end)``."""
        if not chunk:
            return
        if source_end <= source_start:
            raise ValueError("a replacement needs a non-empty source span")
        self._parts.append(chunk)
        self._pieces.append((source_start, len(chunk), source_end))

    def build(self) -> MappedText:
        import numpy as np

        text = "".join(self._parts)
        if not self._pieces:
            empty = np.zeros(0, dtype=np.int64)
            return MappedText(text, self._source_length, empty, empty.copy())
        table = np.array(self._pieces, dtype=np.int64)
        src, lengths, src_end = table[:, 0], table[:, 1], table[:, 2]
        piece = np.repeat(np.arange(len(table)), lengths)
        within = np.arange(len(text), dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        one_to_one = src_end[piece] == 0
        starts = src[piece] + np.where(one_to_one, within, 0)
        ends = np.where(one_to_one, starts + 1, src_end[piece])
        return MappedText(text, self._source_length, starts, ends)


# ---------------------------------------------------------------------------
# The base normalisation tables

# Characters removed outright: zero-width and joiners, bidi controls, BOM, soft hyphen,
# combining grapheme joiner, variation selectors; C0/C1 controls except tab/newline/CR.
_DELETE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
)
# Whitespace that folds (tab, newline, CR, form feed, vertical tab, NEL, no-break and typographic spaces).
_WS = " \t\n\r\x0b\x0c\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# Full-width punctuation that is correct in Chinese text and stays as it is.
_KEEP = {chr(c) for r in ((0xFF01, 0xFF0F), (0xFF1A, 0xFF20), (0xFF3B, 0xFF40), (0xFF5B, 0xFF65))
         for c in range(r[0], r[1] + 1)} | set("…‥")
# Ranges where NFKC changes characters that matter for matching.
_NFKC_RANGES = (
    (0x00A0, 0x024F), (0x02B0, 0x02FF), (0x2000, 0x2BFF), (0x2E80, 0x2FDF), (0x3000, 0x33FF),
    (0xF900, 0xFAFF), (0xFE10, 0xFE6F), (0xFF00, 0xFFEF), (0x1D400, 0x1D7FF), (0x1F100, 0x1F1FF),
    (0x2F800, 0x2FA1F),
)


@functools.lru_cache(maxsize=1)
def char_table() -> tuple[dict[int, str], dict[str, str]]:
    """(1:1 translate table, expansions) for the base normalisation.

    Traditional → simplified comes from OpenCC's character table, applied only to
    characters outside GB2312, so that characters valid in simplified text
    (著, 乾, 瞭 …) are never rewritten.

    Building the table takes a few hundred milliseconds (OpenCC over every CJK
    code point), so it is cached on disk under ``CUOMIN_CACHE_DIR`` (default
    ``~/.cache/cuomin``), keyed by the Python, Unicode and OpenCC versions and this
    module's source; a missing, stale or unreadable cache is rebuilt.
    """
    path = _table_cache_path()
    if path is not None:
        try:
            with open(path, "rb") as fh:
                import pickle

                one, expand = pickle.load(fh)
            if isinstance(one, dict) and isinstance(expand, dict):
                return one, expand
        except Exception:  # noqa: BLE001 - missing, truncated or foreign cache: rebuild
            pass
    one, expand = _build_char_table()
    if path is not None:
        _write_cache(path, (one, expand))
    return one, expand


def _table_cache_path():
    import hashlib
    import os
    import sys
    from pathlib import Path

    try:
        from importlib.metadata import version

        opencc_version = version("opencc")
    except Exception:  # noqa: BLE001 - unknown version: key on the rest
        opencc_version = "?"
    try:
        source = Path(__file__).read_bytes()
    except OSError:
        return None
    key = hashlib.sha256(b"\0".join([source, sys.version.encode(), unicodedata.unidata_version.encode(),
                                     opencc_version.encode()])).hexdigest()[:16]
    root = Path(os.environ.get("CUOMIN_CACHE_DIR") or Path.home() / ".cache" / "cuomin")
    return root / f"normalize-table-{key}.pickle"


def _write_cache(path, value) -> None:
    import os
    import pickle
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".normalize-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        for stale in path.parent.glob("normalize-table-*.pickle"):  # tables of older versions
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only home: build the table each time


def _build_char_table() -> tuple[dict[int, str], dict[str, str]]:
    one: dict[int, str] = {}
    expand: dict[str, str] = {}
    for lo, hi in _NFKC_RANGES:
        for cp in range(lo, hi + 1):
            ch = chr(cp)
            if ch in _KEEP:
                continue
            out = unicodedata.normalize("NFKC", ch)
            if out == ch:
                continue
            if out.isspace():
                continue  # whitespace is folded separately
            if len(out) == 1:
                one[cp] = out
            else:
                expand[ch] = out
    for trad, simp in _traditional_to_simplified().items():
        one.setdefault(ord(trad), simp)
    # Resolve chains (a compatibility ideograph that NFKC maps to a traditional one).
    for cp, out in list(one.items()):
        nxt = one.get(ord(out))
        if nxt is not None and nxt != chr(cp):
            one[cp] = nxt
    return one, expand


def _traditional_to_simplified() -> dict[str, str]:
    from opencc import OpenCC

    cc = OpenCC("t2s")
    chars = [chr(c) for c in range(0x4E00, 0x9FFF + 1)] + [chr(c) for c in range(0x3400, 0x4DBF + 1)]
    converted = cc.convert("\n".join(chars)).split("\n")
    table: dict[str, str] = {}
    if len(converted) != len(chars):  # pragma: no cover - OpenCC changed behaviour
        return table
    for src, dst in zip(chars, converted):
        if src == dst or len(dst) != 1:
            continue
        try:
            src.encode("gb2312")
            continue  # a character of simplified Chinese: leave it
        except UnicodeEncodeError:
            table[src] = dst
    return table


_WS_RE = re.compile(f"[{_WS}]")
_UNCHANGED = frozenset((" ", "\n"))


@functools.lru_cache(maxsize=1)
def _special_re() -> re.Pattern[str]:
    _, expand = char_table()
    expanders = "".join(re.escape(c) for c in sorted(expand))
    # A whitespace run (with any deletable characters inside it) folds to one separator.  Python's
    # \s also matches the C0 separators \x1c-\x1f, which are deleted instead, so list whitespace here.
    return re.compile(rf"[{_WS}](?:[{_WS}]|[{_DELETE}])*|[{_DELETE}]" + (f"|[{expanders}]" if expanders else ""))


def _class_chars(spec: str) -> set[str]:
    """The characters of a regex character-class body made of single characters and ``a-b`` ranges."""
    out: set[str] = set()
    i = 0
    while i < len(spec):
        if i + 2 < len(spec) and spec[i + 1] == "-":
            out.update(chr(c) for c in range(ord(spec[i]), ord(spec[i + 2]) + 1))
            i += 3
        else:
            out.add(spec[i])
            i += 1
    return out


@functools.lru_cache(maxsize=1)
def _special_chars() -> frozenset[str]:
    """Every character :func:`_special_re` can match except the already-normal space and newline."""
    _, expand = char_table()
    return frozenset((_class_chars(_WS) | _class_chars(_DELETE) | set(expand)) - _UNCHANGED)


def _already_normal(text: str) -> bool:
    """True when :func:`_special_re` has nothing to change in ``text`` — a set test instead of a regex scan
    (a 100,000-row sheet's 7 M characters: ≈ 0.1 s instead of ≈ 0.9 s)."""
    if "  " in text or "\n\n" in text or " \n" in text or "\n " in text:
        return False
    return _special_chars().isdisjoint(text)


@functools.lru_cache(maxsize=1)
def _translate_keys() -> frozenset[str]:
    table, _ = char_table()
    return frozenset(chr(c) for c in table)


def normalize(text: str) -> MappedText:
    """Normalise ``text`` for matching; see the module docstring for what changes."""
    table, expand = char_table()
    special = _special_re()
    # 1:1, same length as ``text``; skipped when no character needs it (most simplified prose)
    translated = text if _translate_keys().isdisjoint(text) else text.translate(table)
    # A lone tab folds to one space like any whitespace; doing that 1:1 here leaves tabular text (a
    # spreadsheet's cells joined by tabs) with no change per cell, so it needs no offset map.
    if "\t" in translated:
        translated = translated.replace("\t", " ")
    # A single space or a single newline is already normal; only the other matches change
    # the length.  Text without them keeps an identity map (no per-character work).
    if _already_normal(translated):
        return MappedText(translated, len(text))
    changes = [m for m in special.finditer(translated) if m.group() not in _UNCHANGED]
    if not changes:
        return MappedText(translated, len(text))
    builder = MappedTextBuilder(len(text))
    pos = 0
    for m in changes:
        s, e = m.span()
        builder.same(translated[pos:s], pos)
        token = m.group()
        if _WS_RE.match(token):
            builder.replace("\n" if ("\n" in token or "\r" in token) else " ", s, e)
        elif token in expand:
            builder.replace(expand[token], s, e)
        # else: a deleted character contributes nothing
        pos = e
    builder.same(translated[pos:], pos)
    return builder.build()
