"""scanner.fetch.client: timeouts, size cap, redirects, errors, extraction with HTTP headers."""

import httpx
import pytest

from scanner.errors import LimitExceeded
from scanner.fetch import FetchError, fetch, fetch_document, make_client

PAGE_GBK = ("<html><head><title>清河县人民政府</title></head><body><p>关于朱镕基同志题词的说明</p></body></html>"
            .encode("gb18030"))


def _handler(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if path == "/old":
        return httpx.Response(301, headers={"Location": "/xwdt/index.html"})
    if path == "/xwdt/index.html":
        return httpx.Response(200, text="清河县召开2024年度安全生产工作会议", headers={"Content-Type": "text/plain; charset=utf-8"})
    if path == "/gbk.html":
        return httpx.Response(200, content=PAGE_GBK, headers={"Content-Type": "text/html; charset=gb2312"})
    if path == "/big":
        return httpx.Response(200, content=b"x" * 5000)
    if path == "/ua":
        return httpx.Response(200, text=request.headers.get("user-agent", ""))
    return httpx.Response(404, text="not found")


@pytest.fixture
def client():
    with make_client(transport=httpx.MockTransport(_handler), max_bytes=4096) as c:
        yield c


def test_fetch_follows_and_records_redirects(client):
    r = fetch("http://www.qinghe.example/old", client)
    assert r.status == 200
    assert r.final_url == "http://www.qinghe.example/xwdt/index.html"
    assert r.redirects == ["http://www.qinghe.example/old"]
    assert r.content.decode() == "清河县召开2024年度安全生产工作会议"
    assert r.headers["content-type"].startswith("text/plain")


def test_http_error_status_is_a_fetch_error_with_status(client):
    with pytest.raises(FetchError) as info:
        fetch("http://www.qinghe.example/missing.html", client)
    assert info.value.status == 404
    assert "HTTP 404" in info.value.message
    r = fetch("http://www.qinghe.example/missing.html", client, raise_for_status=False)
    assert r.status == 404 and not r.ok


def test_size_cap_is_enforced_while_streaming(client):
    with pytest.raises(LimitExceeded):
        fetch("http://www.qinghe.example/big", client)
    assert len(fetch("http://www.qinghe.example/big", client, max_bytes=10_000).content) == 5000


def test_user_agent_and_bad_urls(client):
    assert fetch("http://www.qinghe.example/ua", client).content.decode().startswith("cuomin/")
    for bad in ("ftp://example.org/a.txt", "http://", "not a url"):
        with pytest.raises(FetchError):
            fetch(bad, client)


def test_network_error_and_timeout_become_fetch_errors():
    def refuse(request):
        raise httpx.ConnectError("connection refused", request=request)

    def slow(request):
        raise httpx.ReadTimeout("read timed out", request=request)

    with make_client(transport=httpx.MockTransport(refuse)) as c, pytest.raises(FetchError) as info:
        fetch("http://www.qinghe.example/", c)
    assert info.value.code == "network"
    with make_client(transport=httpx.MockTransport(slow)) as c, pytest.raises(FetchError) as info:
        fetch("http://www.qinghe.example/", c)
    assert info.value.code == "timeout"


def test_client_timeouts_are_explicit():
    with make_client(timeout=3) as c:
        assert c.timeout.connect == 3 and c.timeout.read == 3
    with make_client() as c:
        assert c.timeout.connect is not None and c.timeout.read is not None


def test_fetch_document_uses_header_charset_and_final_url(client):
    doc = fetch_document("http://www.qinghe.example/gbk.html", client)
    assert doc.media_type == "text/html"
    assert "朱镕基" in doc.text  # 镕 is outside GB2312: decoded as GB18030
    assert doc.source == "http://www.qinghe.example/gbk.html"
    text_doc = fetch_document("http://www.qinghe.example/old", client)
    assert text_doc.source.endswith("/xwdt/index.html")
    assert text_doc.metadata["redirects"] == ["http://www.qinghe.example/old"]


def test_size_cap_holds_for_chunked_bodies_without_content_length():
    sent = []

    def endless(request):
        def body():
            for _ in range(10_000):  # would be 10 MB if read to the end
                sent.append(1)
                yield "清河县".encode() * 341 + b"x"

        return httpx.Response(200, content=body())

    with make_client(transport=httpx.MockTransport(endless), max_bytes=64 * 1024) as c:
        with pytest.raises(LimitExceeded):
            fetch("http://www.qinghe.example/stream", c)
    assert len(sent) < 100  # stopped reading soon after the cap


def test_plain_text_uses_the_header_charset():
    big5 = "臺灣地區".encode("big5")  # not valid UTF-8; GB18030 would misread it

    def handler(request):
        return httpx.Response(200, content=big5, headers={"Content-Type": "text/plain; charset=big5"})

    with make_client(transport=httpx.MockTransport(handler)) as c:
        doc = fetch_document("http://www.qinghe.example/a.txt", c)
    assert doc.text == "臺灣地區" and doc.metadata["encoding"] == "big5hkscs"
