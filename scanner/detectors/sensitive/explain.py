"""Which normalisation steps were needed to see a match (for the finding's explanation)."""

from __future__ import annotations

import functools
import unicodedata

from scanner.detectors.sensitive.fold import _LOOKALIKE_LETTERS, _NUMERALS, _RADICALS, fold_table, junk_chars
from scanner.normalize import char_table


def steps(original: str, norm: str) -> list[str]:
    """Steps from the ``original`` span to the folded match, in words a reviewer reads.

    ``norm`` is the core-normalised text of the same span.
    """
    out: list[str] = []
    table, expand = char_table()
    for ch in original:
        cp = ord(ch)
        mapped = table.get(cp)
        if ch in expand or (mapped is not None and mapped != ch):
            if 0xFF01 <= cp <= 0xFF5E:
                out.append("全角→半角")
            elif "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or 0x20000 <= cp:
                out.append("繁体→简体")
            else:
                out.append("兼容字符归一（NFKC：①→1、⑴→(1) 等）")
        elif unicodedata.category(ch) in ("Cf", "Cc") and ch not in "\n\t\r":
            out.append("移除零宽/不可见字符")
    junk = _junk_set()
    ft = fold_table()
    prev = None
    for ch in norm:
        if ch in junk and ch != " ":
            out.append("跳过插入的符号")
        elif ch in (" ", "\t", "\u3000"):
            out.append("跳过插入的空格")
        elif ord(ch) in ft:
            if ch in _NUMERALS:
                out.append("数字变体→阿拉伯数字" if not ch in "拾佰仟" else "大写数字→小写")
            elif ch in _RADICALS:
                out.append("偏旁部件→汉字")
            elif ch in _LOOKALIKE_LETTERS or ch.lower() in _LOOKALIKE_LETTERS:
                out.append("形近字母→拉丁字母")
            elif ch.isascii():
                out.append("大小写")
        if ch == prev and not ch.isdigit() and ch not in junk:
            out.append("合并重复字符")
        if ch not in junk:
            prev = ch
    return list(dict.fromkeys(out))


@functools.lru_cache(maxsize=1)
def _junk_set() -> frozenset[str]:
    return frozenset(junk_chars())
