"""The privacy detector (个人隐私): personal data published on a page or in an attachment.

Recognisers (``registry``) find candidate values on the normalised text, each
with a validator and context words; the table pass adds column evidence; health
statuses are kept only next to a person; overlaps are resolved; every finding is
redacted: ``keyword`` is the masked value, ``match_key`` a keyed hash
(:mod:`scanner.privacy`), and the explanation names validators and context, never
the value.  Severity: an unmasked valid ID or bank card high, a health status
with a name high, a personal mobile or home address medium, a named contact's
work phone low, a partly masked value medium/low, a masked-enough value not at
all (``report_masked: true`` reports it as info).

Tables: a column holding more than ``aggregate_over`` values of one rule (a 公示
list) is reported as one :class:`ColumnFinding` — count, first and last cell,
masked samples, a keyed digest of the values — instead of one finding per cell;
every cell is still detected and validated on its own, and the values the column
finding stands for are masked in every excerpt (``ColumnFinding.covers``).
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from scanner.detectors.base import Detector
from scanner.detectors.privacy import data
from scanner.detectors.privacy.address import AddressRecognizer
from scanner.detectors.privacy.contacts import EmailRecognizer, QQRecognizer, WeChatRecognizer
from scanner.detectors.privacy.credentials import PassportRecognizer, PlateRecognizer
from scanner.detectors.privacy.health import HealthRecognizer
from scanner.detectors.privacy.names import NameRecognizer
from scanner.detectors.privacy.numbers import (
    BankCardRecognizer,
    LandlineRecognizer,
    MobileRecognizer,
    OldIdRecognizer,
    ResidentIdRecognizer,
    RoundedIdRecognizer,
)
from scanner.detectors.privacy.recognizer import Hit, Recognizer, RecognizerRegistry, Scan
from scanner.findings import Explanation, Finding, Severity
from scanner.heap import collector_paused
from scanner.privacy import mask, match_key, policy
from scanner.privacy.keyed import set_key

if TYPE_CHECKING:  # pragma: no cover
    from scanner.pipeline import Analysis

__all__ = ["ColumnFinding", "Hit", "PrivacyDetector", "Recognizer", "RecognizerRegistry", "default_registry"]

RULES = {
    "id": "公开了居民身份证号码", "old_id": "公开了 15 位旧身份证号码", "permit": "公开了港澳台居民居住证号码",
    "phone": "公开了个人手机号码", "landline": "公开了个人固定电话", "bank": "公开了银行卡号/银行账号",
    "passport": "公开了护照或出入境证件号码", "email": "公开了个人电子邮箱", "qq": "公开了个人 QQ 号",
    "wechat": "公开了个人微信号", "plate": "公开了机动车号牌", "address": "公开了家庭住址（乡镇/街道以下）",
    "name": "个人信息语境中的姓名", "health": "公开了与个人关联的健康、残疾或社会救助状况",
}
SUGGEST = {
    "id": "删除或去标识化：身份证号码至多显示前 6 位和后 4 位，隐去出生日期 8 位（如 XXXXXX********XXXX）",
    "old_id": "删除或去标识化：隐去出生日期 6 位",
    "permit": "删除或去标识化：至多显示前 6 位和后 4 位，隐去出生日期 8 位",
    "phone": "删除或去标识化：手机号码至多显示前 3 位和后 4 位（如 XXX****XXXX）",
    "landline": "删除个人电话，或改为单位办公电话",
    "bank": "删除或去标识化：银行卡号至多显示前 6 位和后 4 位",
    "passport": "删除证件号码或仅保留末 3 位", "email": "删除个人邮箱或改为单位公共邮箱",
    "qq": "删除个人 QQ 号", "wechat": "删除个人微信号", "plate": "遮盖号牌中间字符（如 粤B***45）",
    "address": "住址只公开到乡镇（街道）或村（社区），删除组、门牌、楼栋、单元、室号",
    "name": "公示确需姓名时可保留；与证件号、健康状况等同时出现时应脱敏（如 张*）",
    "health": "删除健康、残疾或救助状况，或对姓名等可识别信息去标识化后再公开",
}
CATEGORIES = {
    "id": "RESIDENT_ID", "old_id": "RESIDENT_ID", "permit": "RESIDENCE_PERMIT", "phone": "MOBILE_PHONE",
    "landline": "LANDLINE_PHONE", "bank": "BANK_CARD", "passport": "PASSPORT", "email": "EMAIL_ADDRESS",
    "qq": "QQ_NUMBER", "wechat": "WECHAT_ID", "plate": "LICENSE_PLATE", "address": "HOME_ADDRESS",
    "name": "PERSON_NAME", "health": "HEALTH_STATUS",
}
_SENTENCE_END = "。；！？!?;\n"
_NEXT_END = re.compile("[" + re.escape(_SENTENCE_END) + "]")
_LAST_END = re.compile("(?s).*[" + re.escape(_SENTENCE_END) + "]")
_GENDER = ("，男", "，女", ",男", ",女", "（男", "（女", "(男", "(女", "、男", "、女", " 男", " 女")
_END_CODES = [ord(c) for c in _SENTENCE_END]
_SEX_CODES = [ord("男"), ord("女")]
_SEX_BEFORE = [ord(c) for c in "，,（(、 "]


def default_registry() -> RecognizerRegistry:
    return RecognizerRegistry([
        ResidentIdRecognizer(), OldIdRecognizer(), RoundedIdRecognizer(), MobileRecognizer(), LandlineRecognizer(),
        BankCardRecognizer(), PassportRecognizer(), EmailRecognizer(), QQRecognizer(), WeChatRecognizer(),
        PlateRecognizer(), AddressRecognizer(), NameRecognizer(), HealthRecognizer(),
    ])


class PrivacyDetector(Detector):
    name = "privacy"
    version = "1"
    default_config: ClassVar[dict[str, Any]] = {
        "mask_profile": "default",  # default | strict | {"name": ..., "id": [6, 4], "phone": [3, 4], ...}
        "report_masked": False,  # masked-enough values as info findings
        "recognizers": {},  # recogniser name → False to switch one off
        "tables": True,
        "aggregate_over": 20,  # a table column with more values of one rule → one column finding (0: never)
        "bulk_columns": True,  # long ID/phone/bank columns decided cell by cell from the table (same verdicts)
    }

    def __init__(self, config: dict[str, Any] | None = None):
        super().__init__(config)
        self.registry = default_registry()
        self.policy = policy(self.config.get("mask_profile"))

    # -- contract -------------------------------------------------------------
    def ruleset_parts(self) -> Iterable[tuple[str, bytes]]:
        yield from super().ruleset_parts()
        yield "privacy:recognizers", ",".join(self.registry.names()).encode()

    def reload(self) -> bool:
        before = self._data_digest()
        data.clear()
        return self._data_digest() != before

    @staticmethod
    def _data_digest() -> str:
        h = hashlib.sha256()
        for p in data.FILES:
            h.update(p.read_bytes() if p.exists() else b"")
        return h.hexdigest()

    def detect(self, analysis: Analysis) -> Iterator[Finding]:
        with collector_paused():
            findings = list(self._detect(analysis))
        yield from findings

    def _detect(self, analysis: Analysis) -> Iterator[Finding]:
        hits, records = self._hits(analysis)
        doc = analysis.document
        leaks = []
        if doc.tables:
            from scanner.detectors.privacy.tables import aggregate

            hits, leaks = aggregate(hits, doc.tables, int(self.config.get("aggregate_over") or 0), records)
        for hit in hits:
            yield self.finding(hit)
        for leak in leaks:
            yield self.column_finding(leak, doc)

    # -- steps ----------------------------------------------------------------
    def hits(self, analysis: Analysis) -> list[Hit]:
        """Every personal value of the document as :class:`Hit` objects in source offsets (overlaps resolved)."""
        with collector_paused():
            hits, records = self._hits(analysis)
            if not records:
                return hits
            for rec in records:
                hits.extend(rec.hits())
            hits.sort(key=lambda h: h.start)  # records never overlap the other hits
            return hits

    def _hits(self, analysis: Analysis) -> tuple[list[Hit], list[Any]]:
        """(per-value hits in source offsets, overlaps resolved; the bulk path's column records)."""
        norm = analysis.norm
        words, window, after = data.context_words()
        report_masked = bool(self.config.get("report_masked"))
        scan = Scan(norm.text, words, window, after, {"policy": self.policy, "report_masked": report_masked})
        switch = self.config.get("recognizers") or {}

        def enabled(name: str) -> bool:
            return switch.get(name, True)

        doc = analysis.document
        cp = None
        over = int(self.config.get("aggregate_over") or 0)
        tables = self.config.get("tables", True) and bool(doc.tables)
        if self.config.get("bulk_columns", True) and tables and over > 0:
            from scanner.detectors.privacy.bulk import ColumnPass

            cp = ColumnPass(scan, norm, doc, self.registry, enabled, data.header_words(), over, self.policy,
                            report_masked)
            if cp.plan():
                cp.decide()  # the candidate cells: blanked for the text pass (scan.masked), decided here
            else:
                cp = None
        hits = self.registry.analyze(scan, enabled)
        pending, link = self._link_health(scan, hits, cp.people() if cp is not None else None)
        if not norm.is_identity:
            for h in hits:
                h.start, h.end = norm.to_source(h.start, h.end)
        if cp is not None:
            cp.link_candidates(link)
            cp.classify(hits)
            hits.extend(cp.slow_rows())
            pending |= cp.pending
        linked: set[int] = set()
        if tables:
            from scanner.detectors.privacy.tables import TablePass

            tp = TablePass(doc, hits, data.header_words(), self.policy, report_masked,
                           cp.prepared if cp is not None else None)
            hits.extend(tp.run())
            linked = tp.linked_health
            if cp is not None:
                cp.fast_rows(tp)
        hits = [h for h in hits if not (id(h) in pending and id(h) not in linked)]
        return resolve(hits), (cp.records if cp is not None else [])

    @staticmethod
    def _link_health(scan: Scan, hits: list[Hit], extra: tuple[list[int], list[str], list[str]] | None = None) \
            -> tuple[set[int], Any]:
        """Link each health hit to a person in its sentence; return (the ids of those left unlinked, the linker).

        ``extra``: (starts, kinds, canonical values) of more people (the bulk path's values).  The
        linker maps a health value's span to None (no person in its sentence) or to
        (person, validator suffix, severity lowered to medium).
        """
        people = [(h.start, h.kind, h.canonical) for h in hits
                  if h.kind in ("name", "id", "old_id", "permit") and h.severity >= Severity.INFO
                  and not h.details.get("masked_in_source")]
        if extra:
            people.extend(zip(*extra))
        people.sort(key=lambda p: p[0])
        starts = [p[0] for p in people]
        text = scan.text
        n_text, n_people = len(text), len(people)

        def link(start: int, end: int) -> tuple[str, str, bool] | None:
            # the sentence around the hit: back to a sentence end (at most 60 characters), on to the next (40)
            lo, hi = max(0, start - 60), min(n_text, end + 40)
            last = _LAST_END.match(text, lo, start)  # just after the last sentence end before the hit
            a = last.end() if last else lo
            nxt = _NEXT_END.search(text, end, hi)
            b = nxt.start() if nxt else hi
            i = bisect.bisect_left(starts, a)
            if i < n_people and starts[i] < b:
                _, kind, canonical = people[i]
                return canonical, "；同一句中有" + ("姓名" if kind == "name" else "证件号码"), False
            if any(g in text[a:b] for g in _GENDER):
                return text[a:start], "；同一句中有性别等个人描述", True  # the sentence head (name + gender)
            return None

        def many(starts_: list[int], ends_: list[int], arr: Any = None) -> list[tuple[str, str, bool] | None]:
            """``link`` of many spans at once (numpy over the sentence ends, the people and the gender marks);
            ``arr``: the text's code points, when the caller has them."""
            import numpy as np

            if not starts_:
                return []
            if arr is None:
                arr = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
            marks = np.flatnonzero(np.isin(arr, _END_CODES))
            s_ = np.asarray(starts_, np.int64)
            e_ = np.asarray(ends_, np.int64)
            lo, hi = np.maximum(s_ - 60, 0), np.minimum(e_ + 40, n_text)
            a, b = lo.copy(), hi.copy()
            if len(marks):
                k = np.searchsorted(marks, s_) - 1  # the last sentence end before the value
                pk = marks[np.maximum(k, 0)]
                a = np.where((k >= 0) & (pk >= lo), pk + 1, lo)
                k = np.searchsorted(marks, e_)  # the first at or after its end
                pk = marks[np.minimum(k, len(marks) - 1)]
                b = np.where((k < len(marks)) & (pk < hi), pk, hi)
            ps = np.asarray(starts, np.int64)
            i = np.searchsorted(ps, a)
            near = (i < n_people) & (ps[np.minimum(i, max(n_people - 1, 0))] < b) if n_people else np.zeros(len(a), bool)
            sex = np.flatnonzero(np.isin(arr, _SEX_CODES))
            sex = sex[(sex > 0) & np.isin(arr[np.maximum(sex - 1, 0)], _SEX_BEFORE)]  # 男/女 after ，,（(、 or a space
            j = np.searchsorted(sex, a + 1)
            gender = (j < len(sex)) & (sex[np.minimum(j, max(len(sex) - 1, 0))] + 1 <= b) if len(sex) \
                else np.zeros(len(a), bool)
            out: list[tuple[str, str, bool] | None] = [None] * len(a)
            for n in np.flatnonzero(near).tolist():
                _, kind, canonical = people[int(i[n])]
                out[n] = (canonical, "；同一句中有" + ("姓名" if kind == "name" else "证件号码"), False)
            for n in np.flatnonzero(~near & gender).tolist():
                out[n] = (text[int(a[n]):starts_[n]], "；同一句中有性别等个人描述", True)
            return out

        link.many = many  # type: ignore[attr-defined]
        pending: set[int] = set()
        for h in hits:
            if h.kind != "health":
                continue
            got = link(h.start, h.end)
            if got is None:
                pending.add(id(h))
                continue
            h.person, suffix, medium = got
            h.validator += suffix
            if medium:
                h.severity = Severity.MEDIUM
        return pending, link

    def finding(self, hit: Hit) -> Finding:
        details: dict[str, Any] = {"kind": hit.kind}
        for k in ("column", "hidden_sheet", "rounded", "contact", "category", "profile", "masked_in_source"):
            if k in hit.details:
                details[k] = hit.details[k]
        if hit.exposed:
            details["exposed"] = hit.exposed
        key_value = hit.canonical + ("\x1f" + hit.person if hit.person else "")
        kind_key = "id" if hit.kind in ("id", "old_id", "permit") else hit.kind
        masked = mask(hit.kind if hit.kind != "health" else "health", hit.canonical)
        return Finding(
            detector=self.name,
            rule=hit.rule,
            category=CATEGORIES.get(hit.kind, "PERSONAL_DATA"),
            severity=hit.severity,
            start=hit.start,
            end=hit.end,
            keyword=masked,
            suggestion=SUGGEST.get(hit.kind),
            explanation=Explanation(
                rule=RULES.get(hit.kind, "个人信息") + ("（部分脱敏不足）" if hit.exposed else ""),
                validator=hit.validator,
                context=list(dict.fromkeys(hit.context)),
                condition=self.policy.describe(hit.kind) if hit.kind in ("id", "old_id", "permit", "phone", "bank") else None,
                scores={"score": round(hit.score, 4)},
                details=details,
            ),
            confidence=hit.score,
            redact=True,
            match_key=match_key(kind_key, key_value),
        )


    def column_finding(self, leak: Any, doc: Any) -> ColumnFinding:
        """One finding for a column's values (:class:`scanner.detectors.privacy.tables.ColumnLeak`).

        Anchored at the first cell (its location and masked value); the explanation
        gives the count, the first and last row, masked samples, the keyed hashes of
        the samples and a keyed digest of all the values (the same list published
        again, on another page or in a later scan, has the same digest).
        """
        items = leak.items()
        first, last = items.first, items.last
        base = self.finding(first)
        n = len(items.starts)
        kind = first.kind
        kind_key = "id" if kind in ("id", "old_id", "permit") else kind
        persons = items.persons
        keys = [c + "\x1f" + p if p else c for c, p in zip(items.canon, persons)] if any(persons) else items.canon
        samples: list[tuple[str, str]] = []
        for i, (k, c) in enumerate(zip(keys, items.canon)):
            if len(samples) == 3:
                break
            if all(k != s[1] for s in samples):
                samples.append((mask(items.kind(i), c), k))
        loc1, loc2 = doc.locate(first.start, first.end).to_dict(), doc.locate(last.start, last.end).to_dict()
        r1 = _row_label(loc1, first.details["_cell"][1])
        r2 = _row_label(loc2, last.details["_cell"][1])
        where = f"第 {r1} 至 {r2} 行" + (f"（{loc1['cell']}–{loc2['cell']}）" if loc1.get("cell") and loc2.get("cell") else "")
        validators: Counter[str] = Counter()
        for text, count in Counter(items.validators).items():  # the region name varies per value
            validators[_REGION.sub("行政区划代码有效", text)] += count
        top, top_n = validators.most_common(1)[0]
        exposed = items.exposed
        severity, score = items.severity, items.score
        assert base.explanation is not None
        details: dict[str, Any] = {
            **base.explanation.details, "aggregated": True, "count": n, "rows": [r1, r2],
            "first_cell": loc1, "last_cell": loc2, "samples": [s[0] for s in samples],
            "sample_keys": [match_key(kind_key, s[1]) for s in samples], "values_key": set_key(kind_key, keys),
        }
        if len(validators) > 1:
            details["validators"] = dict(validators.most_common(5))
        if exposed:
            details["exposed"] = exposed.most_common(1)[0][0]
        table_name = leak.table.name or f"表格 {leak.table.index}"
        return ColumnFinding(
            detector=self.name, rule=first.rule, category=base.category, severity=severity,
            start=first.start, end=first.end, keyword=base.keyword,
            suggestion=f"整列处理（“{leak.head}”列共 {n} 处，{where}）：{base.suggestion or RULES.get(kind, '')}",
            explanation=Explanation(
                rule=f"{base.explanation.rule}：“{leak.head}”列共 {n} 处，{where}",
                validator=top + (f"（{top_n}/{n} 处；其余见 details.validators）" if top_n < n else "（每处单独校验）"),
                context=base.explanation.context, condition=base.explanation.condition,
                scores={"score": round(score, 4), "count": n}, details=details),
            confidence=score, redact=True,
            match_key=match_key(kind_key, f"\x1fcolumn\x1f{table_name}\x1f{leak.head}\x1f{first.rule}"),
            covers=Covered(kind, items.starts, items.ends),
        )


def _row_label(loc: dict[str, Any], table_row: int) -> int:
    """The row number a reviewer sees: the spreadsheet row (C7 → 7), the DOCX row (R2C3 → 2), else the table row."""
    m = re.fullmatch(r"[A-Z]+([0-9]+)|R([0-9]+)C[0-9]+", str(loc.get("cell") or ""))
    if m:
        return int(m.group(1) or m.group(2))
    return table_row + 1


class Redaction(NamedTuple):
    """A personal value's span and masked form, for the excerpt builder."""

    start: int
    end: int
    keyword: str


_REGION = re.compile(r"行政区划代码有效（[^）]*）")
_SEPARATORS = re.compile(r"[\s\-－()（）]")


class Covered:
    """The spans of the values a :class:`ColumnFinding` stands for (sorted, disjoint); no values are kept."""

    __slots__ = ("ends", "kind", "starts")

    def __init__(self, kind: str, starts: list[int], ends: list[int]):
        self.kind, self.starts, self.ends = kind, starts, ends

    def __len__(self) -> int:
        return len(self.starts)

    def spans(self) -> Iterator[tuple[int, int]]:
        return zip(self.starts, self.ends)

    def within(self, text: str, lo: int, hi: int) -> list[Redaction]:
        """The covered values overlapping ``[lo, hi)`` of ``text``, each with its masked form."""
        from scanner.normalize import normalize

        out = []
        i = bisect.bisect_right(self.ends, lo)
        while i < len(self.starts) and self.starts[i] < hi:
            s, e = self.starts[i], self.ends[i]
            value = text[s:e]
            if self.kind not in ("name", "address", "health"):
                value = _SEPARATORS.sub("", normalize(value).text).upper()
            out.append(Redaction(s, e, mask(self.kind, value)))
            i += 1
        return out


@dataclass(slots=True)
class ColumnFinding(Finding):
    """A finding standing for every value of one rule in a table column.

    ``covers`` holds the values' spans: the pipeline masks them in every excerpt
    (:meth:`scanner.pipeline.Checker.annotate`), as it masks per-value findings.
    """

    covers: Covered | None = field(default=None, repr=False, compare=False)


_KIND_RANK = {"id": 9, "permit": 9, "old_id": 8, "bank": 7, "phone": 6, "landline": 5, "passport": 5, "health": 5,
              "address": 4, "email": 4, "qq": 3, "wechat": 3, "plate": 3, "name": 2}


def resolve(hits: list[Hit]) -> list[Hit]:
    """Non-overlapping hits, strongest first: severity, score, length, kind rank (O(n log n))."""
    by_start = sorted((h for h in hits if h.end > h.start), key=lambda h: h.start)
    if all(a.end <= b.start for a, b in itertools.pairwise(by_start)):
        return by_start  # nothing overlaps (a table of one value per cell): every hit is kept
    order = sorted(hits, key=lambda h: (-int(h.severity), -h.score, -(h.end - h.start), -_KIND_RANK.get(h.kind, 0),
                                        h.start))
    starts: list[int] = []
    ends: list[int] = []
    kept: list[Hit] = []
    for h in order:
        if h.end <= h.start:
            continue
        i = bisect.bisect_right(starts, h.start)
        if i > 0 and ends[i - 1] > h.start:
            continue
        if i < len(starts) and starts[i] < h.end:
            continue
        starts.insert(i, h.start)
        ends.insert(i, h.end)
        kept.insert(i, h)
    return kept
