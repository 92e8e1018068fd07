"""The re-scan's cheap conditional GET (scanner.fetch.revalidate) against a real local HTTP server:
the same request the httpx client sends, 304 only counts when it is a plain 304, kept-alive
connections, the SSRF guard on every request, and servers that never answer 304."""

from __future__ import annotations

import ssl
import subprocess
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from scanner.fetch.client import make_client
from scanner.fetch.guard import GuardedTransport, Policy
from scanner.fetch.revalidate import PROBE, Revalidator

ETAG = '"v1"'


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    mode = "normal"  # normal | always200 | cookie | close | redirect

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        self.server.seen.append((self.client_address, self.path, dict(self.headers.items())))
        mode = self.server.mode
        if mode == "redirect":
            self.send_response(301)
            self.send_header("Location", "/elsewhere.html")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if mode != "always200" and self.headers.get("If-None-Match") == ETAG:
            self.send_response(304)
            self.send_header("ETag", ETAG)
            if mode == "cookie":
                self.send_header("Set-Cookie", "sid=1; Path=/")
            if mode == "close":
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            return
        body = "<html><body>新的内容</body></html>".encode()
        self.send_response(200)
        self.send_header("ETag", ETAG if mode != "always200" else f'"{len(self.server.seen)}"')
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def _server(mode: str = "normal", tls: ssl.SSLContext | None = None):
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    if tls is not None:
        srv.socket = tls.wrap_socket(srv.socket, server_side=True)
    srv.daemon_threads = True
    srv.seen, srv.mode = [], mode
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        yield srv, f"http://127.0.0.1:{srv.server_address[1]}/"
    finally:
        srv.shutdown()
        srv.server_close()


def _pair(base: str, private: bool = True):
    policy = Policy()
    policy.add("127.0.0.1", allow_private=private)
    client = make_client(transport=GuardedTransport(policy, inner=httpx.HTTPTransport()), timeout=5.0)
    return client, Revalidator(policy, client.headers, timeout=5.0, cookies=client.cookies)


def test_a_304_is_not_modified_over_one_kept_alive_connection_with_the_clients_headers():
    with _server() as (srv, base):
        client, rev = _pair(base)
        client.get(base + "a.html?x=1", headers={"If-None-Match": ETAG})  # the regular client's request
        assert all(rev.not_modified(base + "a.html?x=1", ETAG, None) for _ in range(5))
        (_, path0, sent0), *fast = srv.seen
        assert {p for _, p, _ in fast} == {path0} == {"/a.html?x=1"}
        assert len({a for a, _, _ in fast}) == 1  # one connection for the five requests
        # the same request headers as httpx (names are case-insensitive)
        assert {k.lower(): v for k, v in fast[0][2].items()} == {k.lower(): v for k, v in sent0.items()}
        client.close()
        rev.close()


def test_anything_but_a_plain_304_is_left_to_the_regular_client():
    with _server() as (srv, base):
        _, rev = _pair(base)
        assert not rev.not_modified(base + "a.html", '"old"', None)  # changed: 200
        assert not rev.not_modified(base + "a.html", None, None)  # nothing to ask with: no request
        assert len(srv.seen) == 1
    with _server("cookie") as (srv, base):
        client, rev = _pair(base)
        assert not rev.not_modified(base + "a.html", ETAG, None)  # a 304 that sets a cookie
        client.get(base + "a.html", headers={"If-None-Match": ETAG})  # the client keeps the cookie
        assert client.cookies and not rev.not_modified(base + "a.html", ETAG, None)
        assert len(srv.seen) == 2  # while the client holds a cookie, it asks (and sends the cookie)
    with _server("redirect") as (srv, base):
        _, rev = _pair(base)
        assert not rev.not_modified(base + "a.html", ETAG, None)
        assert len(srv.seen) == 1


def test_a_closing_server_and_a_dead_kept_alive_connection():
    with _server("close") as (srv, base):
        _, rev = _pair(base)
        assert rev.not_modified(base + "a.html", ETAG, None)
        assert rev.not_modified(base + "a.html", ETAG, None)
        assert not any(rev._idle.values())  # "Connection: close" answers are not kept
        assert len({a for a, _, _ in srv.seen}) == 2
    with _server() as (srv, base):
        _, rev = _pair(base)
        assert rev.not_modified(base + "a.html", ETAG, None)
        (sock,) = [c for pool in rev._idle.values() for _, c in pool]
        sock.close()  # as if the server had dropped the idle connection
        assert rev.not_modified(base + "a.html", ETAG, None)  # asked again on a new connection


def test_the_ssrf_guard_runs_on_every_request():
    with _server() as (srv, base):
        _, public_only = _pair(base, private=False)  # 127.0.0.1 is loopback: refused
        assert not public_only.not_modified(base + "a.html", ETAG, None)
        other = Revalidator(Policy(), {}, timeout=5.0)  # host not registered
        assert not other.not_modified(base + "a.html", ETAG, None)
        assert srv.seen == []


def test_a_server_that_never_answers_304_is_left_alone_after_a_probe():
    with _server("always200") as (srv, base):
        _, rev = _pair(base)
        for _ in range(PROBE + 10):
            assert not rev.not_modified(base + "a.html", ETAG, None)
        assert len(srv.seen) == PROBE


@pytest.mark.parametrize("url", ["http://127.0.0.1:1/a.html", "ftp://127.0.0.1/a", "not a url"])
def test_network_errors_and_bad_urls_are_not_raised(url):
    policy = Policy()
    policy.add("127.0.0.1", allow_private=True)
    assert not Revalidator(policy, {}, timeout=2.0).not_modified(url, ETAG, None)


def test_https_checks_the_certificate_against_the_name(tmp_path):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(cert, key)
    with _server(tls=server_ctx) as (srv, base):
        url = base.replace("http://127.0.0.1", "https://localhost") + "a.html"
        policy = Policy()
        policy.add("localhost", allow_private=True)
        trusting = ssl.create_default_context(cafile=str(cert))
        rev = Revalidator(policy, {}, timeout=5.0, ssl_context=trusting)
        assert rev.not_modified(url, ETAG, None) and rev.not_modified(url, ETAG, None)
        assert len({a for a, _, _ in srv.seen}) == 1
        assert not Revalidator(policy, {}, timeout=5.0).not_modified(url, ETAG, None)  # untrusted certificate
        assert len(srv.seen) == 2


def test_a_batch_is_asked_at_once_over_a_few_connections():
    with _server() as (srv, base):
        _, rev = _pair(base)
        asks = [(base + f"p{i}.html", ETAG, None) for i in range(20)]
        asks += [(base + "changed.html", '"old"', None), (base + "none.html", None, None),
                 ("http://10.0.0.1/x.html", ETAG, None)]  # changed; nothing to ask with; refused by the guard
        answered = rev.not_modified_many(asks, width=4)
        assert answered == {base + f"p{i}.html" for i in range(20)}
        assert sorted(p for _, p, _ in srv.seen) == sorted([f"/p{i}.html" for i in range(20)] + ["/changed.html"])
        assert 1 < len({a for a, _, _ in srv.seen}) <= 4  # at most `width` connections, several in use
        assert sum(len(pool) for pool in rev._idle.values()) >= 1  # kept-alive ones go back to the pool
        assert rev.not_modified_many([(base + "p0.html", ETAG, None), (base + "p1.html", ETAG, None)]) \
            == {base + "p0.html", base + "p1.html"}  # pooled connections are reused
    with _server("close") as (srv, base):
        _, rev = _pair(base)
        urls = {base + f"p{i}.html" for i in range(7)}
        assert rev.not_modified_many([(u, ETAG, None) for u in urls], width=3) == urls
        assert len({a for a, _, _ in srv.seen}) == 7 and not any(rev._idle.values())  # one connection each
    with _server("cookie") as (srv, base):
        _, rev = _pair(base)
        assert rev.not_modified_many([(base + f"p{i}.html", ETAG, None) for i in range(5)]) == set()


def test_a_batch_whose_pooled_connections_were_dropped_is_asked_again():
    with _server() as (_srv, base):
        _, rev = _pair(base)
        assert rev.not_modified_many([(base + f"p{i}.html", ETAG, None) for i in range(6)], width=3)
        for pool in rev._idle.values():
            for _, sock in pool:
                sock.close()  # as if the server had dropped the idle connections
        urls = {base + f"q{i}.html" for i in range(6)}
        assert rev.not_modified_many([(u, ETAG, None) for u in urls], width=3) == urls
