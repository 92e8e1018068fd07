"""Classification markings (密级和保密期限, GB/T 9704-2012 7.2.2): 绝密★长期, 机密★1年, 秘密, 内部.

A marking stands on its own line at the top left of page 1: the level, optionally
★ and the period.  A level with ★ is matched anywhere (nothing else is written that
way); a bare level or 内部 only as a short line of its own near the top, so that
"内部控制" or "保守国家秘密" in running text does not fire.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_PERIOD = r"(?:\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*(?:年|个月|月)|\s*长期)?"
STARRED = re.compile(r"(绝\s*密|机\s*密|秘\s*密)\s*[★☆✩✭\*]" + _PERIOD)
BARE_LINE = re.compile(r"^\s*(?:\d{6}\s+)?(绝\s*密|机\s*密|秘\s*密)" + _PERIOD + r"\s*$")
INTERNAL_LINE = re.compile(r"^\s*(内\s*部(?:资料|文件|刊物|使用|参考|★)?(?:[，,、\s]*注意保存)?)\s*$")
TOP_LINES = 12


def find_markings(text: str) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, marking, level) for each classification marking in ``text``."""
    seen: set[int] = set()
    for m in STARRED.finditer(text):
        seen.add(m.start())
        yield m.start(), m.end(), m.group(0), re.sub(r"\s", "", m.group(1))
    pos = 0
    for i, line in enumerate(text.split("\n")):
        if len(line.strip()) <= 16:
            m = BARE_LINE.match(line)
            if m and pos + m.start(1) not in seen and i < TOP_LINES:
                yield pos + m.start(1), pos + m.end(), line.strip(), re.sub(r"\s", "", m.group(1))
            m = INTERNAL_LINE.match(line)
            if m and i < TOP_LINES:
                yield pos + m.start(1), pos + m.end(1), m.group(1), "内部"
        pos += len(line) + 1
        if i > 400:
            break
