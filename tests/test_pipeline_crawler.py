"""The crawler's pieces on httpx.MockTransport: robots.txt, sitemaps, attachments by header,
conditional requests, size caps, soft 404s, dark links, the shared rate limit."""

from __future__ import annotations

import itertools
import time

import httpx
import pytest

from scanner.document import Link
from scanner.errors import LimitExceeded
from scanner.fetch import sitemap
from scanner.fetch.client import make_client
from scanner.fetch.crawler import Scope, classify, conditional_fetch, content_hash, crawl, normalize_url
from scanner.fetch.links import LinkChecker, dark_link_findings, looks_soft_404
from scanner.fetch.ratelimit import LocalRateLimiter, RedisRateLimiter
from scanner.fetch.robots import Robots

BASE = "http://www.quzf.gov.cn/"
HTML = "text/html; charset=utf-8"


def page(body: str, title: str = "某某区人民政府") -> bytes:
    return f"<html><head><title>{title}</title></head><body>{body}</body></html>".encode()


SITE = {
    "/robots.txt": (200, "text/plain", b"User-agent: *\nDisallow: /admin/\nSitemap: http://www.quzf.gov.cn/sm.xml\n"),
    "/sm.xml": (200, "application/xml", (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/'
                                         b'sitemap/0.9"><url><loc>http://www.quzf.gov.cn/zwdt/orphan.html</loc>'
                                         b'</url></urlset>')),
    "/": (200, HTML, page('<a href="/xxgk/">信息公开</a><a href="/admin/x.html">后台</a>'
                          '<a href="https://other.example.com/">友情链接</a><a href="/down.jsp?id=7">附件</a>')),
    "/xxgk/": (200, HTML, page('<a href="/xxgk/1.html#top">通知</a><a href="mailto:a@b">信箱</a>')),
    "/xxgk/1.html": (200, HTML, page("关于开展安全生产大检查的通知")),
    "/zwdt/orphan.html": (200, HTML, page("政务动态")),
}


def handler(request: httpx.Request) -> httpx.Response:
    path = request.url.raw_path.decode()
    if path.startswith("/down.jsp"):
        return httpx.Response(200, headers={"Content-Type": "application/octet-stream",
                                            "Content-Disposition": "attachment; filename=%E6%96%B9%E6%A1%88.pdf"},
                              content=b"%PDF-1.4 ...")
    if path not in SITE:
        return httpx.Response(404, content=page("页面不存在", "404"))
    status, ctype, body = SITE[path]
    return httpx.Response(status, headers={"Content-Type": ctype}, content=body)


@pytest.fixture()
def client():
    with make_client(transport=httpx.MockTransport(handler)) as c:
        yield c


def test_robots_and_sitemap_seed_the_crawl(client):
    robots = Robots(client)
    assert not robots.allowed(BASE + "admin/x.html") and robots.allowed(BASE + "xxgk/")
    maps = robots.sitemaps(BASE)
    assert maps == ["http://www.quzf.gov.cn/sm.xml"]
    assert sitemap.urls(client, maps) == ["http://www.quzf.gov.cn/zwdt/orphan.html"]
    got = list(crawl(client, Scope(BASE), seeds=[BASE, *sitemap.urls(client, maps)], robots=robots))
    urls = [u for u, _, _, _ in got]
    assert urls == [BASE, "http://www.quzf.gov.cn/zwdt/orphan.html", "http://www.quzf.gov.cn/xxgk/",
                    "http://www.quzf.gov.cn/down.jsp?id=7", "http://www.quzf.gov.cn/xxgk/1.html"]
    attach = {u: r for u, _, r, _ in got}["http://www.quzf.gov.cn/down.jsp?id=7"]
    assert classify(attach.final_url, attach.headers) == "attachment"


def test_scope_depth_and_url_normalisation(client):
    got = list(crawl(client, Scope(BASE, max_depth=1), robots=Robots(client)))
    assert [(u, d) for u, d, _, _ in got] == [(BASE, 0), ("http://www.quzf.gov.cn/xxgk/", 1),
                                              ("http://www.quzf.gov.cn/down.jsp?id=7", 1)]
    assert normalize_url("HTTP://WWW.quzf.gov.cn:80/a.html#x") == "http://www.quzf.gov.cn/a.html"
    assert normalize_url("javascript:void(0)") is None
    assert Scope(BASE).wanted("http://quzf.gov.cn/x.html") and not Scope(BASE).wanted(BASE + "style.css")


def test_conditional_request_and_size_cap():
    seen = []

    def h(request):
        seen.append(dict(request.headers))
        if request.headers.get("if-none-match") == '"v1"':
            return httpx.Response(304)
        return httpx.Response(200, headers={"ETag": '"v1"', "Content-Type": HTML}, content=page("正文" * 100))

    with make_client(transport=httpx.MockTransport(h), max_bytes=1000) as c:
        first = conditional_fetch(c, BASE)
        assert first.result.headers["etag"] == '"v1"' and not first.not_modified
        assert conditional_fetch(c, BASE, etag='"v1"').not_modified
        with pytest.raises(LimitExceeded):
            conditional_fetch(c, BASE, max_bytes=100)


def test_content_hash_ignores_markup_and_spacing_but_not_words():
    assert content_hash("关于开展 安全生产\n大检查的通知") == content_hash("关于开展安全生产 大检查的通知 ")
    assert content_hash("关于开展安全生产大检查的通知") != content_hash("关于开展消防安全大检查的通知")


def test_soft_404_and_broken_link_checker(client):
    assert looks_soft_404(200, "404 页面不存在", "很抱歉")
    assert looks_soft_404(200, "某某区人民政府", "您访问的页面不存在，请返回首页")
    assert not looks_soft_404(200, "关于404号文件的说明", "根据……" * 200)
    lc = LinkChecker(client)
    assert lc.check(BASE + "gone.html").reason == "http_status" and lc.check(BASE + "gone.html").status == 404
    assert lc.check(BASE).ok


def test_dark_links_hidden_and_off_site_or_spam():
    scope = Scope(BASE)
    links = [Link("https://bc.example.com/", "澳门博彩", hidden=True, selector="div.f > a"),
             Link("/xxgk/2.html", "通知", hidden=True),
             Link("/zwdt/ad.html", "代孕咨询", hidden=True),
             Link("https://www.gov.cn/", "中国政府网", hidden=False)]
    found = dark_link_findings("quzf", BASE, links, scope.contains)
    assert [(f["keyword"], f["severity"]) for f in found] == [("澳门博彩", "high"), ("代孕咨询", "high")]
    assert found[0]["location"] == {"selector": "div.f > a", "href": "https://bc.example.com/"}
    assert "站外" in found[0]["explanation"]["rule"]


def test_local_rate_limit_spaces_requests():
    lim = LocalRateLimiter(rate=50)
    t0 = time.perf_counter()
    for _ in range(6):
        lim.wait("www.quzf.gov.cn")
    assert time.perf_counter() - t0 >= 5 / 50 * 0.9


@pytest.mark.services
def test_redis_rate_limit_is_shared_between_limiters():
    import uuid

    import redis

    r = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    host = f"test-{uuid.uuid4().hex}.gov.cn"
    a, b = RedisRateLimiter(r, rate=20), RedisRateLimiter(r, rate=20)
    slots = [lim.reserve(host, 5.0) for lim in (a, b, a, b)]  # two workers share one pace for the host
    assert all(later - earlier == pytest.approx(5.0, abs=1e-6) for earlier, later in itertools.pairwise(slots))
    r.delete(f"cuomin:rate:{host}")
