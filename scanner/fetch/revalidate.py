"""Cheap conditional GETs for re-scans: "is this page still the one we checked?"

An unchanged re-scan asks every page ``If-None-Match``/``If-Modified-Since`` and nearly every
answer is ``304 Not Modified``.  Through httpx such a request costs ≈ 0.6 ms of CPU (URL models,
cookie jar, h11 events, the stream wrappers) — more than everything else the re-scan does for the
page.  :class:`Revalidator` sends the very same request (the headers of the site's httpx client,
behind the same SSRF guard) over stdlib ``http.client`` keep-alive connections, ≈ 0.15 ms.

It answers one question only: ``not_modified(url, etag, last_modified)`` is True when the server
answered 304.  Anything else (200, a redirect, an error status, a ``Set-Cookie``, a network error)
returns False without reading the body, and the caller fetches the page with the regular client
— so every answer but a plain 304 is handled by exactly the code that handled it before.  A site
whose server does not honour the validators (every answer 200) is noticed after a few dozen
requests and left to the regular client (no page is requested twice for long).

Security: every request runs :func:`scanner.fetch.guard.check_url` (scheme, registered host, port,
every DNS answer public unless the site allows private networks) and a connection is opened to the
checked address, with ``Host`` and TLS SNI/certificate checks on the name — as
:class:`~scanner.fetch.guard.GuardedTransport` does; an idle connection is reused only for the same
checked address.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
from collections.abc import Mapping

import httpx

from scanner.fetch.guard import Policy, Resolver, check_url

__all__ = ["Revalidator"]

IDLE_SECONDS = 20.0  # an idle connection older than this is closed rather than reused
MAX_IDLE = 16  # idle connections kept per address
PROBE = 64  # requests before a site whose server never answers 304 is left to the regular client
RETRY_AFTER = 2000  # skipped requests before such a site is tried again


class _Conn(http.client.HTTPConnection):
    """An HTTP connection to a checked address ``ip``; ``Host`` is the name (``host``)."""

    def __init__(self, host: str, port: int, ip: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.ip = ip

    def connect(self) -> None:
        self.sock = socket.create_connection((self.ip, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _TLSConn(_Conn):
    default_port = 443

    def __init__(self, host: str, port: int, ip: str, timeout: float, context: ssl.SSLContext):
        super().__init__(host, port, ip, timeout)
        self.context = context

    def connect(self) -> None:
        super().connect()
        self.sock = self.context.wrap_socket(self.sock, server_hostname=self.host)


class Revalidator:
    """Conditional GETs over kept-alive ``http.client`` connections (thread-safe).

    ``headers``: the request headers of the site's regular client (``client.headers``), so the
    server sees the same request either way (a gzip-varying ETag still matches); ``cookies``: that
    client's cookie jar — while it holds a cookie, every request is left to the client (it sends them)."""

    def __init__(self, policy: Policy, headers: Mapping[str, str], *, timeout: float = 15.0,
                 resolver: Resolver | None = None, ssl_context: ssl.SSLContext | None = None,
                 cookies: httpx.Cookies | None = None):
        self.policy, self.timeout, self.resolver, self.cookies = policy, timeout, resolver, cookies
        self.headers = [(k.title(), v) for k, v in headers.items() if k.lower() not in ("host", "cookie")]
        self._ssl = ssl_context
        self._idle: dict[tuple[str, str, int, str], list[tuple[float, _Conn]]] = {}
        self._lock = threading.Lock()
        self.hits = self.misses = self.skipped = 0

    @property
    def enabled(self) -> bool:
        """False while this site's server is known not to answer 304 (most answers were not)."""
        if self.misses >= PROBE and self.misses > 4 * self.hits:
            self.skipped += 1
            if self.skipped < RETRY_AFTER:
                return False
            self.hits = self.misses = self.skipped = 0
        return True

    def not_modified(self, url: str, etag: str | None, last_modified: str | None) -> bool:
        """True when the server answered ``304 Not Modified`` to the conditional GET of ``url``.

        False for any other answer or failure (nothing is raised): the caller then fetches ``url``
        with the regular client, which reports errors (SSRF refusals included) as it always did."""
        if not (etag or last_modified) or not self.enabled or (self.cookies is not None and len(self.cookies.jar)):
            return False
        try:
            u = httpx.URL(url)
            ips = check_url(u, self.policy, self.resolver)
        except Exception:  # noqa: BLE001 - the regular client reports it
            return False
        scheme, host = u.scheme, u.host
        port = u.port or (443 if scheme == "https" else 80)
        key = (scheme, host, port, ips[0])
        target = u.raw_path.decode("ascii")
        extra = []
        if etag:
            extra.append(("If-None-Match", etag))
        if last_modified:
            extra.append(("If-Modified-Since", last_modified))
        for _ in range(2):  # a kept-alive connection the server has closed meanwhile: once more on a new one
            conn, reused = self._take(key)
            try:
                plain_304, keep = self._ask(conn, u.netloc.decode("ascii"), target, extra)
            except Exception:  # noqa: BLE001
                conn.close()
                if reused:
                    continue
                return False
            if keep:
                self._give(key, conn)
            else:
                conn.close()
            if plain_304:
                self.hits += 1
                return True
            self.misses += 1
            return False
        return False

    def _ask(self, conn: _Conn, netloc: str, target: str, extra: list[tuple[str, str]]) -> tuple[bool, bool]:
        """Send the GET, read the status line and headers: (a plain 304, connection reusable)."""
        conn.putrequest("GET", target, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", netloc)
        for k, v in self.headers:
            conn.putheader(k, v)
        for k, v in extra:
            conn.putheader(k, v)
        conn.endheaders()
        resp = conn.getresponse()
        if resp.status != 304 or resp.getheader("set-cookie") is not None:
            # not a plain 304: the regular client asks again (it keeps cookies); the body is not read
            return False, False
        resp.read()  # a 304 has no body: this only marks the response finished
        return True, not resp.will_close

    def _take(self, key: tuple[str, str, int, str]) -> tuple[_Conn, bool]:
        now = time.monotonic()
        with self._lock:
            pool = self._idle.get(key)
            while pool:
                since, conn = pool.pop()
                if now - since < IDLE_SECONDS:
                    return conn, True
                conn.close()
        scheme, host, port, ip = key
        if scheme == "https":
            if self._ssl is None:
                self._ssl = httpx.create_ssl_context()
            return _TLSConn(host, port, ip, self.timeout, self._ssl), False
        return _Conn(host, port, ip, self.timeout), False

    def _give(self, key: tuple[str, str, int, str], conn: _Conn) -> None:
        with self._lock:
            pool = self._idle.setdefault(key, [])
            if len(pool) < MAX_IDLE:
                pool.append((time.monotonic(), conn))
                return
        conn.close()

    def close(self) -> None:
        with self._lock:
            pools, self._idle = self._idle, {}
        for pool in pools.values():
            for _, conn in pool:
                conn.close()
