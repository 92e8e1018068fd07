"""Person names in personal-data contexts.

A name is looked for only where a personal-data context announces one: after a
label (姓名, 户主, 申请人, 患者, 联系人 …) or before a gender (张三，男，…), plus the
name column of a table (see :mod:`.tables`).  When the candidate is cleanly
delimited (姓名：张三，) the surname table decides.  When it is glued to the next
words (户主王小明家庭住址…), token context decides: a blank spaCy ``zh`` pipeline
over jieba (rjieba) words and part-of-speech tags, with Matcher patterns for a
person-name token, a surname token followed by a given name, and minority names
joined by ·.  spaCy is imported only then, so a short check never pays for it.
"""

from __future__ import annotations

import functools
import re
import threading
from typing import Any

from scanner.detectors.privacy.recognizer import Hit, Recognizer, Scan
from scanner.findings import Severity
from scanner.privacy.surnames import surname_of, surnames

LABELS = ("姓名", "户主", "申请人", "联系人", "患者", "受助人", "救助对象", "考生", "当事人", "被执行人", "领取人", "收款人",
          "持卡人", "监护人", "患儿", "户名", "举报人", "投诉人", "被申请人", "车主")
_HAN = "\u4e00-\u9fff"
_LABELLED = re.compile(rf"(?:{'|'.join(sorted(LABELS, key=len, reverse=True))})(?:姓名)?[:：\s]{{0,2}}([{_HAN}][{_HAN}·]{{1,11}})")
_GENDERED = re.compile(rf"([{_HAN}][{_HAN}·]{{1,11}})[，,（(、 ]{{1,2}}[男女](?=[，,）)、 ；;。]|性|$)")
_NOT_NAMES = frozenset(("本人", "同志", "先生", "女士", "老师", "家庭", "全部", "以上", "所有", "单位", "姓名", "信息", "应当",
                        "可以", "需要", "不得", "必须", "提供", "填写", "签字", "签名", "盖章", "身份", "电话", "联系", "名单"))


def is_name(value: str) -> bool:
    """A plausible Chinese name: a known surname + 1-2 characters (compound: + 1-2), or a minority name with ·."""
    if "·" in value:
        parts = value.split("·")
        return all(1 <= len(p) <= 8 for p in parts) and 2 <= len(parts) <= 4 and len(value) <= 20
    if not 2 <= len(value) <= 4 or value in _NOT_NAMES or value[:2] in _NOT_NAMES:
        return False
    sur = surname_of(value)
    return bool(sur) and 1 <= len(value) - len(sur) <= 2


_nlp_lock = threading.Lock()


@functools.lru_cache(maxsize=1)
def _pipeline() -> tuple[Any, Any]:
    """(blank zh nlp, Matcher) — built on first use only (spaCy import is slow)."""
    import spacy
    from spacy.matcher import Matcher

    nlp = spacy.blank("zh")  # words come from rjieba below: no model download, no jieba dictionary build
    single, compound = surnames()
    m = Matcher(nlp.vocab)
    person_tags = ["nr", "nrt", "nrfg"]
    m.add("PERSON", [
        [{"TAG": {"IN": person_tags}, "LENGTH": {">=": 2, "<=": 4}}],
        [{"TEXT": {"IN": sorted(compound)}}, {"LENGTH": {">=": 1, "<=": 2}, "TAG": {"NOT_IN": ["x", "v", "p", "uj"]}}],
        [{"TEXT": {"IN": sorted(single)}}, {"LENGTH": {">=": 1, "<=": 2}, "TAG": {"IN": person_tags + ["ng", "nz"]}}],
        [{"LENGTH": {">=": 1}, "TAG": {"NOT_IN": ["x"]}}, {"TEXT": "·"}, {"LENGTH": {">=": 1}, "TAG": {"NOT_IN": ["x"]}}],
    ])
    return nlp, m


def token_names(text: str) -> list[tuple[int, int]]:
    """Character spans of person names in a short ``text`` (spaCy Matcher over jieba words and tags)."""
    import rjieba
    from spacy.tokens import Doc

    nlp, matcher = _pipeline()
    tagged = [(w, t) for w, t in rjieba.tag(text) if w]
    words = [w for w, _ in tagged]
    with _nlp_lock:
        doc = Doc(nlp.vocab, words=words, spaces=[False] * len(words), tags=[t for _, t in tagged])
        spans = [doc[s:e] for _, s, e in matcher(doc)]
    out: list[tuple[int, int]] = []
    for span in sorted(spans, key=lambda sp: (sp.start_char, -(sp.end_char - sp.start_char))):
        if out and span.start_char < out[-1][1]:
            continue
        if is_name(span.text):
            out.append((span.start_char, span.end_char))
    return out


def _delimited(run: str) -> int:
    """Length of a cleanly delimited name at the start of ``run`` (0 when unclear)."""
    if "·" in run[:12]:
        j = 0
        while j < len(run) and ("\u4e00" <= run[j] <= "\u9fff" or run[j] == "·"):
            j += 1
        return j if is_name(run[:j]) else 0
    return len(run) if is_name(run) else 0


class NameRecognizer(Recognizer):
    name = "person_name"
    kind = "name"
    context = "personal"

    def candidates(self, scan: Scan):
        t = scan.text
        out = []
        if any(label in t for label in LABELS):
            out.extend(("label", m) for m in _LABELLED.finditer(t))
        if "男" in t or "女" in t:
            out.extend(("gender", m) for m in _GENDERED.finditer(t))
        return out

    def validate(self, scan: Scan, item: tuple[str, re.Match[str]]) -> Hit | None:
        how, m = item
        s, e = m.span(1)
        run = m.group(1)
        if how == "label":
            n = _delimited(run)
            if n:
                return self._hit(scan, s, s + n, how)
            # glued to what follows: let token context decide (first name token of the run)
            if not surname_of(run) and "·" not in run[:10]:
                return None
            for a, b in token_names(run[:12]):
                if a == 0:
                    return self._hit(scan, s, s + b, how)
            return None
        # gendered: the name is the end of the run
        for k in (2, 3, 4):
            if k <= len(run) and is_name(run[-k:]) and (k == len(run) or not is_name(run[-k - 1:])):
                if k == len(run) or len(run) <= 4:
                    return self._hit(scan, e - k, e, how)
                break
        if not any(surname_of(run[-k:]) for k in (2, 3, 4) if k <= len(run)) and "·" not in run:
            return None
        for a, b in reversed(token_names(run)):
            if b == len(run):
                return self._hit(scan, s + a, s + b, how)
        if "·" in run and is_name(run):
            return self._hit(scan, s, e, how)
        return None

    def _hit(self, scan: Scan, s: int, e: int, how: str) -> Hit:
        value = scan.text[s:e]
        label = "标签词（姓名/户主/申请人…）" if how == "label" else "性别标注（男/女）"
        contact = how == "label" and "联系人" in scan.text[max(0, s - 5):s]
        return Hit("name", "privacy.name", s, e, value, Severity.INFO, 0.8,
                   f"个人信息语境中的姓名：{label}；姓氏表命中" if "·" not in value else f"个人信息语境中的少数民族姓名（·）：{label}",
                   [label], details={"contact": True} if contact else {})
