"""Link checks: broken links (HTTP status, timeout, too many redirects, soft 404) and dark links
(暗链: a link a visitor cannot see — the HTML extractor sets ``Link.hidden`` — pointing off-site
or to bad content).

Findings are returned as finding dicts in the shape the store records (the
:class:`~scanner.findings.Finding` contract: detector ``links``, an explanation,
a fingerprint per site + page + rule + target).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from scanner.findings import Explanation, Severity, fingerprint

SOFT_404 = re.compile(r"页面不存在|页面未找到|找不到(该|您要的|相关)?页面|您(所)?访问的页面(已)?不存在|"
                      r"(页面|内容|信息)已(被)?删除|Page Not Found|Not Found", re.IGNORECASE)
BARE_404 = re.compile(r"[\W_]*(错误|error)?[\W_]*404[\W_]*(错误|error|页面)?[\W_]*", re.IGNORECASE)
BAD_LINK_WORDS = re.compile(r"博彩|赌场|棋牌|彩票|六合彩|百家乐|娱乐城|代孕|办证|发票|色情|成人|私服|贷款|"
                            r"casino|bet|porn|sex", re.IGNORECASE)


def looks_soft_404(status: int, title: str | None, text: str) -> bool:
    """A 200 answer that is really an error page: the title says so, or a short body does."""
    if status != 200:
        return False
    if title and (SOFT_404.search(title) or BARE_404.fullmatch(title.strip())):
        return True
    return len(text.strip()) < 300 and bool(SOFT_404.search(text))


@dataclass(slots=True)
class LinkStatus:
    url: str
    ok: bool
    status: int | None = None
    reason: str = ""  # http_status, timeout, redirects, network, soft_404
    redirects: tuple[str, ...] = ()


def _finding(site: str, page_url: str, rule: str, category: str, severity: Severity, target: str,
             keyword: str, rule_text: str, selector: str | None, suggestion: str, **details: Any) -> dict[str, Any]:
    expl = Explanation(rule=rule_text, entry=target, details={k: v for k, v in details.items() if v is not None})
    location = {"selector": selector, "href": target} if selector else {"href": target}
    return {"detector": "links", "rule": rule, "category": category, "severity": severity.label, "start": 0, "end": 0,
            "keyword": keyword, "excerpt": keyword, "excerpt_start": 0, "suggestion": suggestion,
            "location": location, "explanation": expl.to_dict(), "confidence": 1.0,
            "fingerprint": fingerprint(site, page_url, f"links/{rule}", target), "template": False, "hidden": False}


def broken_link_finding(site: str, page_url: str, status: LinkStatus, text: str = "",
                        selector: str | None = None) -> dict[str, Any]:
    what = {"http_status": f"返回 HTTP {status.status}", "timeout": "访问超时", "redirects": "重定向过多",
            "soft_404": "返回“页面不存在”内容（软404）", "network": "无法连接"}.get(status.reason, status.reason)
    return _finding(site, page_url, "broken-link", "broken_link", Severity.MEDIUM, status.url, text or status.url,
                    f"链接{what}，属于不可用链接（错链、断链）", selector, "修复或删除该链接",
                    status=status.status, reason=status.reason, redirects=list(status.redirects) or None)


def dark_link_findings(site: str, page_url: str, links, in_scope) -> list[dict[str, Any]]:
    """Hidden links that leave the site or whose text/target looks like spam (博彩、色情、办证 …)."""
    out = []
    for link in links:
        if not getattr(link, "hidden", False):
            continue
        from scanner.fetch.crawler import normalize_url

        target = normalize_url(link.href, page_url)
        off_site = target is not None and not in_scope(target)
        bad = BAD_LINK_WORDS.search(f"{link.text} {link.href}")
        if not (off_site or bad):
            continue
        why = "指向站外" if off_site else ""
        why += ("，" if why else "") + (f"含可疑内容“{bad.group(0)}”" if bad else "")
        out.append(_finding(site, page_url, "dark-link", "dark_link", Severity.HIGH if bad else Severity.MEDIUM,
                            target or link.href,
                            link.text or link.href, f"访客不可见的隐藏链接{why}，疑似被植入暗链", link.selector,
                            "删除隐藏链接并排查网站是否被篡改", off_site=off_site))
    return out


class LinkChecker:
    """Checks links outside the crawl (off-site links), each URL once per process."""

    def __init__(self, client: httpx.Client):
        self.client = client
        self._cache: dict[str, LinkStatus] = {}
        self._lock = threading.Lock()

    def check(self, url: str) -> LinkStatus:
        with self._lock:
            if url in self._cache:
                return self._cache[url]
        status = self._check(url)
        with self._lock:
            self._cache[url] = status
        return status

    def _check(self, url: str) -> LinkStatus:
        if urlsplit(url).scheme not in ("http", "https"):
            return LinkStatus(url, True)
        try:
            r = self.client.head(url)
            if r.status_code in (405, 501, 403):
                r = self.client.get(url)
        except httpx.TooManyRedirects:
            return LinkStatus(url, False, reason="redirects")
        except httpx.TimeoutException:
            return LinkStatus(url, False, reason="timeout")
        except httpx.HTTPError:
            return LinkStatus(url, False, reason="network")
        chain = tuple(str(h.url) for h in r.history)
        if r.status_code >= 400:
            return LinkStatus(url, False, r.status_code, "http_status", chain)
        return LinkStatus(url, True, r.status_code, "", chain)
