"""Layer 3: formal checks on the ORIGINAL text (punctuation forms matter here).

- ``typo.format.docnum``  发文字号: 〔〕 brackets, four-digit year, no 第, no leading zero, ends in 号
  (GB/T 9704-2012 §7.2.4).  Court case numbers （2024）京0101民初123号 do not match: their
  bracket follows no issuing-organ prefix and the number after it starts with a Han character.
- ``typo.punct.unpaired`` / ``typo.punct.mixed``  《》 “” （） 【】 pairs within a paragraph, and a
  full-width mark closed by a half-width one (GB/T 15834-2011).
- ``typo.punct.halfwidth``  , ; : ? ! between Han characters.
- ``typo.dup.word``  a word written twice in a row (的的, 工作工作) where the doubled form is no word.
- ``typo.date.impossible`` / ``typo.date.weekday``  2月30日, 2024年5月20日（星期三）.
"""

from __future__ import annotations

import datetime as dt
import itertools
import operator
import re
from collections.abc import Iterator
from dataclasses import dataclass

from scanner.detectors.typo.common import finditer_near
from scanner.findings import Severity


@dataclass(frozen=True, slots=True)
class Hit:
    rule: str
    start: int
    end: int
    suggestion: str | None
    sentence: str
    severity: Severity
    validator: str | None = None
    details: dict | None = None


# ---------------------------------------------------------------- 发文字号
_OPEN = "〔\\[［(（【﹝〈<{"
_CLOSE = "〕\\]］)）】﹞〉>}"
_DOCNUM = re.compile(
    rf"(?P<org>[\u4e00-\u9fff]{{1,10}}?[发函字办令电复规报通告批呈])"
    rf"(?P<open>[{_OPEN}]?)\s*(?P<year>\d{{2,4}})\s*(?P<close>[{_CLOSE}]?)\s*"
    rf"(?P<di>第)?\s*(?P<num>\d{{1,5}})\s*(?P<hao>号)?"
)


# What every 发文字号 match holds (an issuing character, at most a bracket and spaces, a digit): text
# without it has no match, and the full pattern (slow: a lazy run of Han characters tried at each
# position) is not run on it.
_DOCNUM_CORE = re.compile(rf"[发函字办令电复规报通告批呈][{_OPEN}]?\s*\d")


def docnum(text: str) -> Iterator[Hit]:
    # A match's issuing character is where _DOCNUM_CORE matches, 1–10 characters after the match's start:
    # the pattern is tried only there (the same matches as _DOCNUM.finditer(text)).
    cores = [m.start() for m in _DOCNUM_CORE.finditer(text)]
    if not cores:
        return
    for m in finditer_near(_DOCNUM, text, cores, 10):
        if not m.group("open") and not m.group("close"):
            continue  # "国发2024" without brackets is too ambiguous to call a 发文字号
        year = m.group("year")
        problems = []
        if m.group("open") != "〔" or m.group("close") != "〕":
            problems.append("年份用六角括号〔〕")
        if len(year) != 4:
            problems.append("年份写全四位")
        if m.group("di"):
            problems.append("序号前不加“第”")
        if m.group("num").startswith("0"):
            problems.append("序号不编虚位（不加前导0）")
        if not m.group("hao"):
            problems.append("序号后加“号”")
        if not problems:
            continue
        if len(year) == 4 and not 1949 <= int(year) <= 2100:
            continue
        full_year = year if len(year) == 4 else None
        suggestion = (f"{m.group('org')}〔{full_year}〕{int(m.group('num'))}号" if full_year else None)
        yield Hit("typo.format.docnum", m.start("open") if m.group("open") else m.start("year"), m.end(),
                  suggestion, "发文字号格式：" + "；".join(problems) + "（GB/T 9704-2012 7.2.4）",
                  Severity.LOW, validator="docnum-format", details={"problems": problems})


# ---------------------------------------------------------------- punctuation
_PAIRS = {"《": "》", "“": "”", "（": "）", "【": "】", "〔": "〕", "‘": "’"}
_HALF_CLOSE = {"（": ")", "【": "]", "〔": "]"}
_HALF_OPEN = {"）": "(", "】": "[", "〕": "["}
_CLOSERS = {v: k for k, v in _PAIRS.items()}
_BRACKETS = re.compile("[" + re.escape("".join(_PAIRS) + "".join(_CLOSERS) + ")]") + "]")
_LIST_MARK = re.compile(r"(?:^|[；;。：:，,\s])[0-9一二三四五六七八九十a-zA-Z]{1,3}$")  # "1）" "二）" list numbering


def _han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


_HALFWIDTH = re.compile(r"(?<=[\u4e00-\u9fff])[,;:?!](?=[\u4e00-\u9fff])")
_FULLWIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}


def punctuation(text: str) -> Iterator[Hit]:
    start = 0
    paras = text.split("\n")
    # A quotation running over several paragraphs opens each of them with “ and closes only
    # in the last (GB/T 15834-2011 4.1.3.4): whether the next non-blank paragraph opens with “.
    opens_next = [False] * len(paras)
    nxt = False
    for k in range(len(paras) - 1, -1, -1):
        opens_next[k] = nxt
        if paras[k].strip():
            nxt = paras[k].lstrip().startswith("“")
    for k, para in enumerate(paras):
        yield from _paragraph_pairs(para, start, continued=opens_next[k])
        start += len(para) + 1
    # Half-width marks between Han characters: one finding per paragraph (the first), with the count,
    # so a page typed with half-width commas throughout is one problem per paragraph, not hundreds.
    start = 0
    for para in text.split("\n"):
        found = list(_HALFWIDTH.finditer(para))
        if found:
            m = found[0]
            full = _FULLWIDTH[m.group()]
            yield Hit("typo.punct.halfwidth", start + m.start(), start + m.end(), full,
                      f"中文句子中使用了半角标点（本段共{len(found)}处），应使用全角标点（GB/T 15834-2011）。",
                      Severity.LOW, details={"count_in_paragraph": len(found)})
        start += len(para) + 1


def _paragraph_pairs(para: str, base: int, continued: bool = False) -> Iterator[Hit]:
    stack: list[tuple[str, int]] = []
    for m in _BRACKETS.finditer(para):  # the only characters the loop acts on
        i = m.start()
        ch = para[i]
        if ch in _PAIRS:
            stack.append((ch, i))
        elif ch in _CLOSERS or ch in ")]":
            opener = _CLOSERS.get(ch)
            if ch in ")]":
                # a half-width closer ends a full-width opener: mixed forms
                match = next((k for k in range(len(stack) - 1, -1, -1) if _HALF_CLOSE.get(stack[k][0]) == ch), None)
                if match is not None and _han(para[i - 1] if i else ""):
                    o, oi = stack.pop(match)
                    yield Hit("typo.punct.mixed", base + i, base + i + 1, _PAIRS[o],
                              f"全角“{o}”与半角“{ch}”配对，应成对使用全角括号（GB/T 15834-2011）。", Severity.LOW)
                continue
            k = next((k for k in range(len(stack) - 1, -1, -1) if stack[k][0] == opener), None)
            if k is None:
                if ch == "）" and _LIST_MARK.search(para[:i]):
                    continue  # list numbering "1）"
                yield Hit("typo.punct.unpaired", base + i, base + i + 1, None,
                          f"“{ch}”没有与之配对的“{opener}”（GB/T 15834-2011 标点成对使用）。", Severity.LOW)
            else:
                del stack[k:]
    for o, oi in stack:
        if o == "“" and para.rstrip().endswith(("：“", ":“")):
            continue
        if o == "“" and continued and oi == len(para) - len(para.lstrip()):
            continue
        yield Hit("typo.punct.unpaired", base + oi, base + oi + 1, None,
                  f"“{o}”没有与之配对的“{_PAIRS[o]}”（GB/T 15834-2011 标点成对使用）。", Severity.LOW)


# ---------------------------------------------------------------- duplicated words
_DUP_SINGLE = set("的了和与及在是对把被将为从以并而或之其于向等也都就")


def duplicates(text: str, tokens, freq: dict[str, int]) -> Iterator[Hit]:
    """``tokens``: (word, start, end) tuples of the normalised text; offsets are normalised ones."""
    cols = [list(c) for c in zip(*tokens)] or [[], [], []]
    return duplicate_words(text, *cols, freq)


def duplicate_words(text: str, words: list[str], starts: list[int], ends: list[int],
                    freq: dict[str, int]) -> Iterator[Hit]:
    """:func:`duplicates` over the tokens as parallel lists (words, starts, ends): only the places
    where a word equals the next one are looked at (found in one C-level pass)."""
    for k in itertools.compress(range(len(words) - 1), map(operator.eq, words, itertools.islice(words, 1, None))):
        w = words[k]
        if ends[k] != starts[k + 1]:
            continue
        if not all(_han(c) for c in w):
            continue
        if len(w) == 1 and w not in _DUP_SINGLE:
            continue
        if (w + w) in freq:
            continue
        yield Hit("typo.dup.word", starts[k], ends[k + 1], w, f"“{w}”连续重复出现，疑为多打。", Severity.LOW,
                  details={"word": w})


# ---------------------------------------------------------------- dates
_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUM = r"\d{1,2}|[一二三四五六七八九十]{1,3}"
_DATE = re.compile(
    rf"(?:(?P<y>\d{{4}}|[〇零一二三四五六七八九]{{4}})年)?(?P<m>{_NUM})月(?P<d>{_NUM})[日号]"
    rf"(?:\s*[（(]?\s*(?P<wk>星期|周|礼拜)(?P<wd>[一二三四五六日天])\s*[）)]?)?"
)
_WEEKDAY = "一二三四五六日"


def _cn_int(s: str) -> int:
    if s.isdigit():
        return int(s)
    if all(c in _CN_DIGITS for c in s):
        return int("".join(str(_CN_DIGITS[c]) for c in s))
    if "十" in s:
        left, _, right = s.partition("十")
        return (_CN_DIGITS.get(left, 1) if left else 1) * 10 + (_CN_DIGITS.get(right, 0) if right else 0)
    return _CN_DIGITS.get(s, -1)


_MONTH = re.compile("月")


def dates(text: str) -> Iterator[Hit]:
    # Every match holds 月, 1–8 characters after its start (a four-character year, 年, a month of up to
    # three characters): the pattern is tried only there (the same matches as _DATE.finditer(text)).
    for m in finditer_near(_DATE, text, [y.start() for y in _MONTH.finditer(text)], 8):
        if re.search(r"(农历|阴历|正月|腊月)\S{0,3}$", text[max(0, m.start() - 6):m.start()]):
            continue
        if m.start() > 0 and (text[m.start() - 1].isdigit() or text[m.start() - 1] in "零〇一二三四五六七八九十"):
            continue
        y = _cn_int(m.group("y")) if m.group("y") else None
        mo, d = _cn_int(m.group("m")), _cn_int(m.group("d"))
        if not 1 <= mo <= 12 or d < 1:
            yield Hit("typo.date.impossible", m.start(), m.end("d") + 1, None,
                      f"日期不存在：{mo}月{d}日。", Severity.MEDIUM, validator="calendar")
            continue
        year_for_check = y if y else 2024  # leap year: 2月29日 without a year is possible
        try:
            day = dt.date(year_for_check, mo, d)
        except ValueError:
            yield Hit("typo.date.impossible", m.start(), m.end("d") + 1, None,
                      f"日期不存在：{(str(y) + '年') if y else ''}{mo}月{d}日。", Severity.MEDIUM,
                      validator="calendar")
            continue
        if y and m.group("wd"):
            actual = _WEEKDAY[day.weekday()]
            said = "日" if m.group("wd") == "天" else m.group("wd")
            if actual != said:
                yield Hit("typo.date.weekday", m.start("wk"), m.end("wd"), m.group("wk") + actual,
                          f"{y}年{mo}月{d}日是星期{actual}，不是{m.group('wk')}{m.group('wd')}。",
                          Severity.MEDIUM, validator="calendar")
