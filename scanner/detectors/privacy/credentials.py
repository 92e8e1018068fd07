"""Passports and travel permits (only with their context words) and licence plates."""

from __future__ import annotations

import re

from scanner.detectors.privacy.recognizer import Hit, Recognizer, Scan
from scanner.findings import Severity

_PASSPORT = re.compile(
    r"(?<![A-Za-z0-9])(?:[EGDSP][0-9]{8}|E[A-HJ-NP-Z][0-9]{7}|[CT][0-9]{8}|[HM][0-9]{8,10})(?![A-Za-z0-9])"
)
_KINDS = {"E": "普通护照", "G": "因私护照", "D": "外交护照", "S": "公务护照", "P": "公务普通护照", "C": "往来港澳通行证",
          "T": "往来台湾通行证", "H": "港澳居民来往内地通行证", "M": "港澳居民来往内地通行证"}


class PassportRecognizer(Recognizer):
    """Passport and travel-permit numbers; never without a context word (护照, 通行证, 回乡证 …)."""

    name = "passport"
    kind = "passport"
    context = "passport"
    pattern = _PASSPORT

    def candidates(self, scan: Scan):
        t = scan.text
        if not any(w in t for w in ("护照", "通行证", "回乡证", "旅行证", "台胞证", "证件")):
            return ()
        return self.pattern.finditer(t)

    def validate(self, scan: Scan, m: re.Match[str]) -> Hit | None:
        ctx = scan.context(m.start(), m.end(), "passport", before=14, after=2)
        if not ctx:
            return None
        value = m.group().upper()
        what = _KINDS.get(value[0], "证件")
        return Hit("passport", "privacy.passport", m.start(), m.end(), value, Severity.MEDIUM, 0.85,
                   f"{what}号码：号码格式有效，且有上下文词", ctx)


_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
# Scanning for the ASCII letter first and looking behind for the province keeps this pass cheap on prose.
_PLATE = re.compile(rf"(?<=[{_PROVINCES}])[A-HJ-NP-Z][·•]?(?=[A-HJ-NP-Z]{{0,4}}[0-9])[A-HJ-NP-Z0-9]{{5,6}}[挂学警]?"
                    rf"(?![A-Za-z0-9])")


class PlateRecognizer(Recognizer):
    """Mainland licence plates (粤B12345, 京A·D12345 new-energy plates)."""

    name = "plate"
    kind = "plate"
    context = "plate"
    pattern = _PLATE

    def validate(self, scan: Scan, m: re.Match[str]) -> Hit | None:
        start = m.start() - 1  # the province character
        if start > 0 and scan.text[start - 1].isascii() and scan.text[start - 1].isalnum():
            return None
        ctx = scan.context(start, m.end(), "plate", before=20)
        office = scan.context_before(start, "office", 10)
        if office and not ctx:
            return None
        value = scan.text[start:m.end()]
        return Hit("plate", "privacy.plate", start, m.end(), value.replace("·", "").replace("•", ""),
                   Severity.LOW, 0.9 if ctx else 0.75, "机动车号牌：省份简称 + 发牌机关代号 + 5/6 位序号", ctx)
