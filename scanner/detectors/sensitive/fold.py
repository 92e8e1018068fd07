"""The evasion-folding layer over the core normalised text.

Spam written to slip past filters looks like 百@家*乐, ｂａｉ, 百 家 乐, 百百家家乐乐,
①⑴⒈壹 for digits, ⻋ (a radical) for 车.  The core normaliser
(:func:`scanner.normalize.normalize`) already applies NFKC (full-width, ①→1, Kangxi
radicals), traditional → simplified and zero-width removal.  This layer adds:

* ``FOLD``: 1:1 folds — ASCII case, Chinese and financial numerals → digits
  (壹/一 → 1), dingbat digits (❶➀➊), CJK radical supplement forms (⻋ → 车),
  Cyrillic/Greek look-alike letters;
* ``JUNK``: characters skipped inside a term — spaces, symbols and bracket/quote
  punctuation.  Clause punctuation (，。；：！？、 and ASCII ,;:!?) and line breaks
  are *not* skipped: a hit across them joins two unrelated clauses;
* collapse of runs of the same character (digits excepted: 1000 ≠ 10).

Dictionary keys go through the same :func:`fold_text`, so a key and its evasion
forms fold to the same string.

Two implementations produce the same text: :func:`fold_text` (one
``str.translate`` and one regex substitution: the fast path every document
takes) and :func:`fold_mapped` (a :class:`MappedText` built with
:class:`MappedTextBuilder` and chained with :meth:`MappedText.compose`, exact
original offsets), run only on documents where the automaton found something.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from scanner.normalize import MappedText, MappedTextBuilder

# Clause separators: never skipped inside a term.
CLAUSE = set("，。；：！？、,;:!?\n｡､")

_NUMERALS = {
    "〇": "0", "零": "0", "壹": "1", "贰": "2", "叁": "3", "肆": "4", "伍": "5", "陆": "6", "柒": "7",
    "捌": "8", "玖": "9", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7",
    "八": "8", "九": "9", "拾": "十", "佰": "百", "仟": "千", "幺": "1",
}
# CJK Radicals Supplement (U+2E80–U+2EFF): NFKC leaves most of them alone.
_RADICALS = {
    "⺁": "厂", "⺇": "几", "⺊": "卜", "⺌": "小", "⺍": "小", "⺎": "兀", "⺏": "尢", "⺐": "尢",
    "⺒": "巳", "⺓": "幺", "⺔": "彐", "⺖": "心", "⺗": "心", "⺘": "手", "⺙": "攵", "⺛": "无",
    "⺜": "日", "⺝": "月", "⺞": "歹", "⺟": "母", "⺠": "民", "⺡": "水", "⺢": "水", "⺣": "火",
    "⺤": "爪", "⺥": "爪", "⺦": "丬", "⺧": "牛", "⺨": "犬", "⺩": "王", "⺪": "疋", "⺫": "目",
    "⺬": "示", "⺭": "示", "⺮": "竹", "⺯": "糸", "⺰": "纟", "⺱": "网", "⺲": "网", "⺳": "网",
    "⺴": "网", "⺵": "网", "⺶": "羊", "⺷": "羊", "⺸": "羊", "⺹": "老", "⺺": "聿", "⺻": "聿",
    "⺼": "肉", "⺽": "臼", "⺾": "艹", "⺿": "艹", "⻀": "艹", "⻁": "虎", "⻂": "衣", "⻃": "西",
    "⻄": "西", "⻅": "见", "⻆": "角", "⻇": "角", "⻈": "讠", "⻉": "贝", "⻊": "足", "⻋": "车",
    "⻌": "辶", "⻍": "辶", "⻎": "辶", "⻏": "阝", "⻐": "金", "⻑": "长", "⻒": "长", "⻓": "长",
    "⻔": "门", "⻖": "阝", "⻗": "雨", "⻘": "青", "⻙": "韦", "⻚": "页", "⻛": "风", "⻜": "飞",
    "⻝": "食", "⻞": "食", "⻟": "食", "⻠": "饣", "⻡": "食", "⻢": "马", "⻣": "骨", "⻤": "鬼",
    "⻥": "鱼", "⻦": "鸟", "⻧": "卤", "⻨": "麦", "⻩": "黄", "⻪": "黾", "⻫": "齐", "⻬": "齐",
    "⻭": "齿", "⻮": "齿", "⻯": "龙", "⻰": "龙", "⻱": "龟", "⻲": "龟", "⻳": "龟",
}
_LOOKALIKE_LETTERS = {
    "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t",
    "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ο": "o", "α": "a", "ν": "v", "ρ": "p", "τ": "t",
    "κ": "k", "ι": "i", "υ": "u",
}


def _dingbat_digits() -> dict[str, str]:
    out = {}
    for base in (0x2776, 0x2780, 0x278A):  # ❶…❾, ➀…➈, ➊…➒
        for i in range(9):
            out[chr(base + i)] = str(i + 1)
    for base in (0x24F5,):  # ⓵…⓽ (double circled)
        for i in range(9):
            out[chr(base + i)] = str(i + 1)
    return out


@functools.lru_cache(maxsize=1)
def _main_table() -> dict[int, str]:
    """The 1:1 folds applied before repeats collapse (everything but Chinese numerals)."""
    table: dict[int, str] = {}
    for c in range(ord("A"), ord("Z") + 1):
        table[c] = chr(c).lower()
    for src in (_RADICALS, _LOOKALIKE_LETTERS, _dingbat_digits()):
        for a, b in src.items():
            table[ord(a)] = b
    for a, b in _LOOKALIKE_LETTERS.items():
        table[ord(a.upper())] = b
    return table


@functools.lru_cache(maxsize=1)
def _numeral_table() -> dict[int, str]:
    """Chinese and financial numerals → digits, applied after the collapse (三三 → 三 → 3, but 33 stays)."""
    return {ord(a): b for a, b in _NUMERALS.items()}


@functools.lru_cache(maxsize=1)
def fold_table() -> dict[int, str]:
    """Every 1:1 fold (same length)."""
    return {**_main_table(), **_numeral_table()}


def _is_junk(ch: str) -> bool:
    if ch in CLAUSE:
        return False
    if ch in (" ", "\t", "\u3000"):
        return True
    cat = unicodedata.category(ch)
    return cat[0] in "PS" or cat in ("Zs",)


@functools.lru_cache(maxsize=1)
def junk_chars() -> str:
    ranges = ((0x20, 0x2BFF), (0x2E00, 0x2E7F), (0x3000, 0x303F), (0x3200, 0x32FF), (0xFE10, 0xFE6F),
              (0xFF00, 0xFF65), (0x1F000, 0x1FAFF))
    out = []
    for lo, hi in ranges:
        for cp in range(lo, hi + 1):
            ch = chr(cp)
            if cp in fold_table() or ch.isalnum():
                continue
            if _is_junk(ch):
                out.append(ch)
    return "".join(out)


@functools.lru_cache(maxsize=1)
def _fast_table() -> dict[int, str | None]:
    table: dict[int, str | None] = dict(_main_table())
    for ch in junk_chars():
        table[ord(ch)] = None
    return table


_COLLAPSE = re.compile(r"([^\d\n])\1+")


@functools.lru_cache(maxsize=1)
def _junk_re() -> re.Pattern[str]:
    return re.compile("[" + re.escape(junk_chars()) + "]+")


@functools.lru_cache(maxsize=1)
def _arrays():
    """Lookup tables over all code points for the vectorised fold (numpy)."""
    import numpy as np

    main = np.arange(0x110000, dtype=np.uint32)
    for k, v in _main_table().items():
        main[k] = ord(v)
    num = np.arange(0x110000, dtype=np.uint32)
    for k, v in _numeral_table().items():
        num[k] = ord(v)
    junk = np.zeros(0x110000, dtype=bool)
    for ch in junk_chars():
        junk[ord(ch)] = True
    no_collapse = np.zeros(0x110000, dtype=bool)
    for ch in "0123456789\n":
        no_collapse[ord(ch)] = True
    return main, num, junk, no_collapse


def fold_text(text: str) -> str:
    """Fold ``text`` (already core-normalised) without an offset map: the fast path.

    Vectorised with numpy over UTF-32 code points — lookup-table folds, a junk mask,
    a "same as the previous character" mask for the collapse — so no Python code runs
    per character.  :func:`fold_mapped` is the reference; a property test keeps them equal.
    """
    import numpy as np

    if not text:
        return text
    main, num, junk, no_collapse = _arrays()
    a = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    a = main[a[~junk[a]]]
    if a.size > 1:
        rep = a[1:] == a[:-1]
        if rep.any():
            rep &= ~no_collapse[a[1:]]
            keep = np.ones(a.size, dtype=bool)
            keep[1:] = ~rep
            a = a[keep]
    return num[a].tobytes().decode("utf-32-le")


def fold_text_re(text: str) -> str:
    """The same fold with ``str.translate`` and a regex (no numpy), kept for the benchmark."""
    return _COLLAPSE.sub(r"\1", text.translate(_fast_table())).translate(_numeral_table())


def fold_key(term: str) -> str:
    """A dictionary term as the automaton sees it (core normalisation, then folding)."""
    from scanner.normalize import normalize

    return fold_text(normalize(term).text)


def fold_mapped(norm: MappedText) -> MappedText:
    """Fold ``norm.text`` keeping exact offsets: the result maps into ``norm.text``.

    Chain it with ``norm`` (``fold_mapped(norm).compose(norm)``) for offsets in the
    original text; the detector keeps the two steps apart because conditions read
    the normalised text.
    """
    step1 = norm.text.translate(_main_table())  # same length: identity map
    builder = MappedTextBuilder(len(step1))
    pos = 0
    for m in _junk_re().finditer(step1):
        builder.same(step1[pos:m.start()], pos)
        pos = m.end()
    builder.same(step1[pos:], pos)
    dropped = builder.build()
    builder = MappedTextBuilder(len(dropped.text))
    pos = 0
    for m in _COLLAPSE.finditer(dropped.text):
        builder.same(dropped.text[pos:m.start()], pos)
        builder.replace(m.group(1), m.start(), m.end())
        pos = m.end()
    builder.same(dropped.text[pos:], pos)
    collapsed = builder.build()
    collapsed.text = collapsed.text.translate(_numeral_table())  # same length: map unchanged
    return collapsed.compose(dropped)


class LineMapper:
    """Folded → normalised offsets, computed line by line on demand.

    Folding never removes or merges a line break, so line *k* of the folded text is
    the fold of line *k* of the normalised text; mapping a hit folds only its line.
    """

    __slots__ = ("_fold_nl", "_lines", "_norm_nl", "folded", "norm_text")

    def __init__(self, norm_text: str, folded: str):
        self.norm_text = norm_text
        self.folded = folded
        self._fold_nl = [m.start() for m in re.finditer("\n", folded)]
        self._norm_nl = [m.start() for m in re.finditer("\n", norm_text)]
        self._lines: dict[int, tuple[int, int, MappedText]] = {}

    def _line(self, k: int) -> tuple[int, int, MappedText]:
        got = self._lines.get(k)
        if got is None:
            fstart = self._fold_nl[k - 1] + 1 if k else 0
            nstart = self._norm_nl[k - 1] + 1 if k else 0
            nend = self._norm_nl[k] if k < len(self._norm_nl) else len(self.norm_text)
            got = (fstart, nstart, fold_mapped(MappedText.identity(self.norm_text[nstart:nend])))
            self._lines[k] = got
        return got

    def to_norm(self, start: int, end: int) -> tuple[int, int]:
        import bisect

        k = bisect.bisect_left(self._fold_nl, start)  # newlines before ``start``
        if "\n" in self.folded[start:end]:  # a span across lines (never a dictionary key): map its ends
            a = self.to_norm(start, start + 1)[0] if self.folded[start] != "\n" else self._norm_nl[k]
            last = end - 1
            kl = bisect.bisect_left(self._fold_nl, last)
            b = self.to_norm(last, end)[1] if self.folded[last] != "\n" else self._norm_nl[kl] + 1
            return a, b
        fstart, nstart, mapped = self._line(k)
        a, b = mapped.to_source(start - fstart, end - fstart)
        return nstart + a, nstart + b
