"""E-mail addresses, QQ numbers and WeChat IDs (the last two only right after their keyword)."""

from __future__ import annotations

import re

from scanner.detectors.privacy.recognizer import Hit, Recognizer, Scan
from scanner.findings import Severity

_OFFICE_DOMAINS = (".gov.cn", ".org.cn", ".edu.cn", ".gov", "12345")


class EmailRecognizer(Recognizer):
    name = "email"
    kind = "email"
    context = "email"
    pattern = re.compile(r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]{0,63}@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,10}")

    def candidates(self, scan: Scan):
        return self.pattern.finditer(scan.text) if "@" in scan.text else ()

    def validate(self, scan: Scan, m: re.Match[str]) -> Hit | None:
        value = m.group()
        domain = value.rsplit("@", 1)[1].lower()
        if domain.endswith(_OFFICE_DOMAINS) or "*" in value:
            return None
        if scan.context_before(m.start(), "office", 20) and not scan.context_before(m.start(), "personal", 24):
            return None
        ctx = scan.context(m.start(), m.end(), "email")
        personal = scan.context_before(m.start(), "personal", 24)
        sev = Severity.MEDIUM if personal else Severity.LOW
        return Hit("email", "privacy.email", m.start(), m.end(), value.lower(), sev, 0.9,
                   "电子邮件地址：格式有效；非政府机关域名", ctx + personal)


class QQRecognizer(Recognizer):
    """A QQ number only right after QQ/扣扣 (a group number 群 is not personal)."""

    name = "qq"
    kind = "qq"
    context = "qq"
    pattern = re.compile(r"(?:QQ|qq|Qq|扣扣)(号码|号)?[:：\s]{0,2}([1-9][0-9]{4,11})(?![0-9])")

    def candidates(self, scan: Scan):
        t = scan.text
        return self.pattern.finditer(t) if ("QQ" in t or "qq" in t or "Qq" in t or "扣扣" in t) else ()

    def validate(self, scan: Scan, m: re.Match[str]) -> Hit | None:
        if "群" in scan.text[max(0, m.start() - 2):m.start(2)]:
            return None
        s, e = m.span(2)
        return Hit("qq", "privacy.qq", s, e, m.group(2), Severity.LOW, 0.9, "QQ 号：紧跟“QQ”关键词的 5-12 位数字",
                   ["QQ"])


class WeChatRecognizer(Recognizer):
    """A WeChat ID right after 微信/微信号 (not 微信公众号, 微信群, 微信小程序)."""

    name = "wechat"
    kind = "wechat"
    context = "wechat"
    pattern = re.compile(r"(?:微信|WeChat|wechat)(?:号|账号|ID|id)?[:：\s]{0,2}([A-Za-z][-_A-Za-z0-9]{5,19})(?![-_A-Za-z0-9])")

    def candidates(self, scan: Scan):
        t = scan.text
        return self.pattern.finditer(t) if ("微信" in t or "echat" in t) else ()

    def validate(self, scan: Scan, m: re.Match[str]) -> Hit | None:
        s, e = m.span(1)
        between = scan.text[m.start():s]
        if any(w in between for w in ("公众", "群", "小程序")):
            return None
        return Hit("wechat", "privacy.wechat", s, e, m.group(1).lower(), Severity.LOW, 0.85,
                   "微信号：紧跟“微信”关键词，6-20 位字母开头", ["微信"])
