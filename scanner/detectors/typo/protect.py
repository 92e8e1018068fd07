"""Layer 4: spans the character layer never touches.

Titles inside 《》, quotations (“”「」), the site's own names, person names
(a common surname followed by one or two characters next to a title word or
同志), and anything not Han (numbers, codes, English) — the character layer only
looks at Han characters anyway.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from scanner.detectors.typo.common import finditer_near

SURNAMES = Path(__file__).resolve().parents[3] / "dictionaries" / "common" / "surnames.tsv"
GOV_TERMS = Path(__file__).resolve().parents[3] / "dictionaries" / "typo" / "gov_terms.txt"
# A place name: one to three Han characters before an administrative suffix that stands alone
# (湾沚镇, 鄠邑区, 阔洪奇乡); rare characters in place names are not typos, nor is the suffix
# itself a candidate (新营镇寨子村: 镇 is not 销).
_PLACE = re.compile(r"[\u4e00-\u9fff]{1,3}?(?=(乡|镇|村|县|区|旗|街道|苏木|嘎查)(?:[\u4e00-\u9fff]{0,2}(?:村|社区|街道|党|委|人民|政府|小学|中学|卫生院)|[，、。；（）\s]|$))")
_PLACE_SUFFIX = re.compile("[乡镇村县区旗街苏嘎]")  # the first characters of _PLACE's suffixes
_QUOTED = re.compile(r"《[^《》\n]{1,80}》|“[^“”\n]{1,60}”|「[^「」\n]{1,60}」|『[^『』\n]{1,60}』|\"[^\"\n]{1,60}\"")
_TITLES = ("同志|书记|主任|局长|处长|科长|县长|市长|省长|部长|厅长|镇长|乡长|村长|主席|委员|组长|队长|所长|院长|校长"
           "|经理|董事长|总经理|秘书长|副|负责人|代表|先生|女士|教授|医生|干部|同学|老师|警官|法官|检察官")
_LISTED = re.compile(r"(?:^|(?<=[\s:：、，,（(]))([\u4e00-\u9fff]{2,3})(?=[\s、，,（(）)]|$)", re.MULTILINE)


@functools.lru_cache(maxsize=1)
def gov_terms() -> tuple[frozenset[str], re.Pattern[str] | None]:
    """(terms, one regex matching any of them) from dictionaries/typo/gov_terms.txt."""
    terms: set[str] = set()
    if GOV_TERMS.exists():
        for line in GOV_TERMS.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                terms.add(line)
    pattern = re.compile(_trie_pattern(terms)) if terms else None
    return frozenset(terms), pattern


def _trie_pattern(terms) -> str:
    """A regex matching, at each position, the longest of ``terms`` that starts there (what the
    alternation of the terms longest first matches) as a character trie: 国务院|国务院办公厅|国家 →
    国(?:务院(?:办公厅)?|家), one branch tried per character instead of every term."""
    trie: dict = {}
    for t in terms:
        node = trie
        for ch in t:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body  # a term ends here: go on greedily, else stop

    return build(trie)


@functools.lru_cache(maxsize=1)
def surnames() -> tuple[frozenset[str], frozenset[str]]:
    """(single-character surnames, compound surnames) from dictionaries/common/surnames.tsv."""
    single: set[str] = set()
    compound: set[str] = set()
    if SURNAMES.exists():
        for line in SURNAMES.read_text(encoding="utf-8").splitlines():
            if not line or line.startswith(("#", "surname\t")):
                continue
            name = line.split("\t")[0].strip()
            (single if len(name) == 1 else compound).add(name)
    return frozenset(single), frozenset(compound)


def protected_offsets(text: str, own_names: list[str] | tuple[str, ...] = ()) -> set[int]:
    """Offsets of ``text`` (normalised) inside protected spans."""
    out: set[int] = set()
    for m in _QUOTED.finditer(text):
        out.update(range(m.start(), m.end()))
    for name in own_names:
        if not name:
            continue
        start = text.find(name)
        while start >= 0:
            out.update(range(start, start + len(name)))
            start = text.find(name, start + 1)
    _, terms = gov_terms()
    if terms is not None:
        for m in terms.finditer(text):
            out.update(range(m.start(), m.end()))
    # a place name ends 1–3 characters before its suffix: the pattern is tried only there
    for m in finditer_near(_PLACE, text, [x.start() for x in _PLACE_SUFFIX.finditer(text)], 3):
        out.update(range(m.start(), m.end() + len(m.group(1))))  # the name and its suffix (新营镇)
    single, compound = surnames()
    # Names standing alone between separators, as in member lists (组长：韦某某  副县长).
    for m in _LISTED.finditer(text):
        cand = m.group(1)
        if cand[0] in single or cand[:2] in compound:
            out.update(range(m.start(1), m.end(1)))
    # Names before a title word: 主任高雨 / 高雨同志 / 高雨（副主任）.
    for m in re.finditer(rf"(?:{_TITLES})", text):
        e = m.start()
        for length in (3, 2):
            s = e - length
            if s < 0:
                continue
            cand = text[s:e]
            if cand[0] in single or cand[:2] in compound:
                out.update(range(s, e))
                break
        after = m.end()
        while after < len(text) and text[after] in ":：  ":
            after += 1
        for length in (3, 2):
            cand = text[after:after + length]
            if len(cand) == length and (cand[0] in single or cand[:2] in compound):
                out.update(range(after, after + length))
                break
    return out
