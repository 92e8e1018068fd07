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
"""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from scanner.detectors.base import Detector
from scanner.findings import Explanation, Finding, Severity
from scanner.detectors.privacy import data
from scanner.detectors.privacy.address import AddressRecognizer
from scanner.detectors.privacy.contacts import EmailRecognizer, QQRecognizer, WeChatRecognizer
from scanner.detectors.privacy.credentials import PassportRecognizer, PlateRecognizer
from scanner.detectors.privacy.health import HealthRecognizer
from scanner.detectors.privacy.names import NameRecognizer
from scanner.detectors.privacy.numbers import (BankCardRecognizer, LandlineRecognizer, MobileRecognizer,
                                               OldIdRecognizer, ResidentIdRecognizer, RoundedIdRecognizer)
from scanner.detectors.privacy.recognizer import Hit, Recognizer, RecognizerRegistry, Scan
from scanner.privacy import mask, match_key, policy

if TYPE_CHECKING:  # pragma: no cover
    from scanner.pipeline import Analysis

__all__ = ["PrivacyDetector", "Recognizer", "RecognizerRegistry", "Hit", "default_registry"]

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
_GENDER = ("，男", "，女", ",男", ",女", "（男", "（女", "(男", "(女", "、男", "、女", " 男", " 女")


def default_registry() -> RecognizerRegistry:
    return RecognizerRegistry([
        ResidentIdRecognizer(), OldIdRecognizer(), RoundedIdRecognizer(), MobileRecognizer(), LandlineRecognizer(),
        BankCardRecognizer(), PassportRecognizer(), EmailRecognizer(), QQRecognizer(), WeChatRecognizer(),
        PlateRecognizer(), AddressRecognizer(), NameRecognizer(), HealthRecognizer(),
    ])


class PrivacyDetector(Detector):
    name = "privacy"
    version = "1"
    default_config = {
        "mask_profile": "default",  # default | strict | {"name": ..., "id": [6, 4], "phone": [3, 4], ...}
        "report_masked": False,  # masked-enough values as info findings
        "recognizers": {},  # recogniser name → False to switch one off
        "tables": True,
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

    def detect(self, analysis: "Analysis") -> Iterator[Finding]:
        for hit in self.hits(analysis):
            yield self.finding(hit)

    # -- steps ----------------------------------------------------------------
    def hits(self, analysis: "Analysis") -> list[Hit]:
        """Every personal value of the document as :class:`Hit` objects in source offsets (overlaps resolved)."""
        norm = analysis.norm
        words, window, after = data.context_words()
        scan = Scan(norm.text, words, window, after,
                    {"policy": self.policy, "report_masked": bool(self.config.get("report_masked"))})
        switch = self.config.get("recognizers") or {}
        hits = self.registry.analyze(scan, lambda name: switch.get(name, True))
        pending = self._link_health(scan, hits)
        for h in hits:
            h.start, h.end = norm.to_source(h.start, h.end)
        doc = analysis.document
        linked: set[int] = set()
        if self.config.get("tables", True) and doc.tables:
            from scanner.detectors.privacy.tables import TablePass

            tp = TablePass(doc, hits, data.header_words(), self.policy, bool(self.config.get("report_masked")))
            hits.extend(tp.run())
            linked = tp.linked_health
        hits = [h for h in hits if not (id(h) in pending and id(h) not in linked)]
        return resolve(hits)

    @staticmethod
    def _link_health(scan: Scan, hits: list[Hit]) -> set[int]:
        """Link each health hit to a person in its sentence; return the ids of those left unlinked."""
        people = sorted((h for h in hits if h.kind in ("name", "id", "old_id", "permit") and h.severity >= Severity.INFO
                         and not h.details.get("masked_in_source")), key=lambda h: h.start)
        starts = [h.start for h in people]
        text = scan.text
        pending: set[int] = set()
        for h in hits:
            if h.kind != "health":
                continue
            a = h.start
            while a > 0 and h.start - a < 60 and text[a - 1] not in _SENTENCE_END:
                a -= 1
            b = h.end
            while b < len(text) and b - h.end < 40 and text[b] not in _SENTENCE_END:
                b += 1
            i = bisect.bisect_left(starts, a)
            near = []
            while i < len(people) and people[i].start < b and len(near) < 3:
                near.append(people[i])
                i += 1
            if near:
                h.person = near[0].canonical
                h.validator += "；同一句中有" + ("姓名" if near[0].kind == "name" else "证件号码")
            elif any(g in text[a:b] for g in _GENDER):
                h.person = text[a:h.start]  # the sentence head (name + gender) identifies the person
                h.validator += "；同一句中有性别等个人描述"
                h.severity = Severity.MEDIUM
            else:
                pending.add(id(h))
        return pending

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


_KIND_RANK = {"id": 9, "permit": 9, "old_id": 8, "bank": 7, "phone": 6, "landline": 5, "passport": 5, "health": 5,
              "address": 4, "email": 4, "qq": 3, "wechat": 3, "plate": 3, "name": 2}


def resolve(hits: list[Hit]) -> list[Hit]:
    """Non-overlapping hits, strongest first: severity, score, length, kind rank (O(n log n))."""
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
