"""Dictionary conditions: co-occurrence window, quotation marks, nearby words, titles only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

_OPEN = "“「『﹁"
_CLOSE = "”」』﹂"
_SENTENCE_END = "。！？!?\n"


def quoted(text: str, start: int, end: int) -> bool:
    """Whether ``[start, end)`` lies inside quotation marks opened earlier on the same line."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    opens = sum(before.count(c) for c in _OPEN)
    closes = sum(before.count(c) for c in _CLOSE)
    if opens > closes:
        return True
    return before.count('"') % 2 == 1 and '"' in text[end:text.find("\n", end) if "\n" in text[end:] else None]


def near(text: str, start: int, end: int, words: Sequence[str], window: int) -> str | None:
    """The first of ``words`` found within ``window`` characters around ``[start, end)``, if any."""
    before = text[max(0, start - window):start]
    after = text[end:end + window]
    # context belongs to the same sentence: stop at sentence ends and line breaks
    cut = max(before.rfind(c) for c in _SENTENCE_END)
    if cut >= 0:
        before = before[cut + 1:]
    ends = [i for i in (after.find(c) for c in _SENTENCE_END) if i >= 0]
    if ends:
        after = after[:min(ends)]
    around = before + "\x00" + after
    for w in words:
        if w in around:
            return w
    return None


def describe(conditions: Mapping[str, Any]) -> list[str]:
    """The conditions of an entry in words (for the explanation)."""
    out = []
    if "window" in conditions:
        out.append(f"共现：各部分相距不超过{conditions['window']}字")
    if conditions.get("not_quoted"):
        out.append("不在引号内")
    if conditions.get("near"):
        out.append(f"{conditions.get('near_window', 10)}字内出现{'/'.join(conditions['near'])}")
    if conditions.get("unless_near"):
        out.append(f"{conditions.get('unless_window', 10)}字内未出现“{'、'.join(conditions['unless_near'][:4])}…”等执法/警示语境词")
    if conditions.get("titles_only"):
        out.append("仅标题")
    return out
