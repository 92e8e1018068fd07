"""Cheap conditional GETs for re-scans: "is this page still the one we checked?"

An unchanged re-scan asks every page ``If-None-Match``/``If-Modified-Since`` and nearly every
answer is ``304 Not Modified``.  Through httpx such a request costs ≈ 0.6 ms of CPU (URL models,
cookie jar, h11 events, the stream wrappers) — more than everything else the re-scan does for the
page.  :class:`Revalidator` sends the very same request (the headers of the site's httpx client,
behind the same SSRF guard) over kept-alive sockets and reads the answer's head with httptools
(llhttp, the parser uvicorn uses), ≈ 0.07 ms.

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

import selectors
import socket
import ssl
import threading
import time
from collections.abc import Mapping

import httptools
import httpx

from scanner.fetch.guard import Policy, Resolver, check_url

__all__ = ["Revalidator"]

IDLE_SECONDS = 20.0  # an idle connection older than this is closed rather than reused
MAX_IDLE = 16  # idle connections kept per address
PROBE = 64  # requests before a site whose server never answers 304 is left to the regular client
RETRY_AFTER = 2000  # skipped requests before such a site is tried again
WIDTH = 6  # connections per address a batch is asked over at once (what a browser opens per host)


class _Answer:
    """httptools callbacks for one answer: its status and keep-alive (read when its head ends: the
    parser forgets them once the message is complete), whether it set a cookie, whether it ended."""

    __slots__ = ("complete", "cookie", "headers_done", "keep", "messages", "parser", "status")

    def __init__(self) -> None:
        self.complete = self.cookie = self.headers_done = self.keep = False
        self.messages = self.status = 0
        self.parser = httptools.HttpResponseParser(self)

    def on_message_begin(self) -> None:
        self.messages += 1

    def on_header(self, name: bytes, value: bytes) -> None:
        if name.lower() == b"set-cookie":
            self.cookie = True

    def on_headers_complete(self) -> None:
        self.headers_done = True
        self.status = self.parser.get_status_code()
        self.keep = self.parser.should_keep_alive()

    def on_message_complete(self) -> None:
        self.complete = True


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
        self._idle: dict[tuple[str, str, int, str], list[tuple[float, socket.socket]]] = {}
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

    def _prepare(self, url: str, etag: str | None, last_modified: str | None):
        """(connection key, request bytes) for the conditional GET of ``url``; None when it is left to the
        regular client (no validator, cookies held, the SSRF guard refuses, odd header values)."""
        if not (etag or last_modified) or (self.cookies is not None and len(self.cookies.jar)):
            return None
        try:
            u = httpx.URL(url)
            ips = check_url(u, self.policy, self.resolver)
        except Exception:  # noqa: BLE001 - the regular client reports it
            return None
        extra = []
        if etag:
            extra.append(("If-None-Match", etag))
        if last_modified:
            extra.append(("If-Modified-Since", last_modified))
        if any("\r" in v or "\n" in v for _, v in extra):
            return None
        lines = [f"GET {u.raw_path.decode('ascii')} HTTP/1.1", f"Host: {u.netloc.decode('ascii')}"]
        lines += [f"{k}: {v}" for k, v in self.headers]
        lines += [f"{k}: {v}" for k, v in extra]
        key = (u.scheme, u.host, u.port or (443 if u.scheme == "https" else 80), ips[0])
        return key, ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def _count(self, plain_304: bool) -> bool:
        if plain_304:
            self.hits += 1
        else:
            self.misses += 1
        return plain_304

    def not_modified(self, url: str, etag: str | None, last_modified: str | None) -> bool:
        """True when the server answered ``304 Not Modified`` to the conditional GET of ``url``.

        False for any other answer or failure (nothing is raised): the caller then fetches ``url``
        with the regular client, which reports errors (SSRF refusals included) as it always did."""
        prepared = self._prepare(url, etag, last_modified) if self.enabled else None
        if prepared is None:
            return False
        key, request = prepared
        for _ in range(2):  # a kept-alive connection the server has closed meanwhile: once more on a new one
            try:
                conn, reused = self._take(key)
            except Exception:  # noqa: BLE001 - cannot connect: the regular client reports it
                return False
            try:
                plain_304, keep = self._ask(conn, request)
            except Exception:  # noqa: BLE001
                conn.close()
                if reused:
                    continue
                return False
            if keep:
                self._give(key, conn)
            else:
                conn.close()
            return self._count(plain_304)
        return False

    def not_modified_many(self, asks: list[tuple[str, str | None, str | None]], width: int = WIDTH) -> set[str]:
        """The URLs of ``asks`` ((url, etag, last_modified) each) whose server answered a plain 304, asked
        over up to ``width`` connections per address at once (a page batch costs about one round trip
        per ``width`` pages instead of one per page).  A URL not in the answer — any other answer, a
        network error, a timeout — is for the regular client, as with :meth:`not_modified`."""
        groups: dict[tuple, list[tuple[str, bytes]]] = {}
        for url, etag, last_modified in asks:
            prepared = self._prepare(url, etag, last_modified) if self.enabled else None
            if prepared is not None:
                groups.setdefault(prepared[0], []).append((url, prepared[1]))
        answered: set[str] = set()
        for key, requests in groups.items():
            answered |= self._ask_many(key, requests, width)
        return answered

    def _ask_many(self, key: tuple, requests: list[tuple[str, bytes]], width: int) -> set[str]:
        pending = list(reversed(requests))
        answered: set[str] = set()
        retried: set[str] = set()
        with selectors.DefaultSelector() as sel:

            def start(conn: socket.socket | None = None, reused: bool = False) -> None:
                """Send the next pending request (on ``conn``, else on a pooled or new connection)."""
                while pending:
                    url, request = pending.pop()
                    for _ in range(MAX_IDLE + 1):  # pooled connections the server has dropped: try the next
                        try:
                            if conn is None:
                                conn, reused = self._take(key)
                            conn.sendall(request)
                        except Exception:  # noqa: BLE001
                            if conn is not None:
                                conn.close()
                            conn, was_reused = None, reused
                            if was_reused:
                                continue
                            break  # a new connection failed: this one goes to the regular client
                        sel.register(conn, selectors.EVENT_READ, (url, request, _Answer(), reused))
                        return

            for _ in range(min(width, len(pending))):
                start()
            while sel.get_map():
                events = sel.select(self.timeout)
                if not events:  # the server stopped answering: the rest go to the regular client
                    for sk in list(sel.get_map().values()):
                        sel.unregister(sk.fileobj)
                        sk.fileobj.close()
                    break
                for sk, _ in events:
                    conn, (url, request, answer, reused) = sk.fileobj, sk.data
                    try:
                        data = conn.recv(65536)
                        if not data:
                            raise ConnectionError("connection closed by the server")
                        answer.parser.feed_data(data)
                    except Exception:  # noqa: BLE001
                        sel.unregister(conn)
                        conn.close()
                        if reused and not answer.messages and url not in retried:
                            retried.add(url)  # a kept-alive connection closed meanwhile: once more
                            pending.append((url, request))
                        start()
                        continue
                    if answer.headers_done and (answer.status != 304 or answer.cookie):
                        sel.unregister(conn)  # not a plain 304: the regular client asks again
                        conn.close()
                        self._count(False)
                        start()
                    elif answer.complete:
                        sel.unregister(conn)
                        if self._count(True):
                            answered.add(url)
                        if answer.keep and answer.messages == 1:
                            start(conn, True)
                            if conn.fileno() != -1 and not sel.get_map().get(conn):
                                self._give(key, conn)
                        else:
                            conn.close()
                            start()
        return answered

    def _ask(self, sock: socket.socket, request: bytes) -> tuple[bool, bool]:
        """Send the GET, read the status line and headers: (a plain 304, connection reusable)."""
        sock.sendall(request)
        answer = _Answer()
        while not answer.complete:
            data = sock.recv(65536)
            if not data:
                raise ConnectionError("connection closed by the server")
            answer.parser.feed_data(data)
            if answer.headers_done and (answer.status != 304 or answer.cookie):
                # not a plain 304: the regular client asks again (it keeps cookies); the body is not read
                return False, False
        # a 304 has no body; bytes after it (a second message) would confuse the next request
        return True, answer.keep and answer.messages == 1

    def _take(self, key: tuple[str, str, int, str]) -> tuple[socket.socket, bool]:
        now = time.monotonic()
        with self._lock:
            pool = self._idle.get(key)
            while pool:
                since, sock = pool.pop()
                if now - since < IDLE_SECONDS:
                    return sock, True
                sock.close()
        scheme, host, port, ip = key
        sock = socket.create_connection((ip, port), self.timeout)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if scheme == "https":
                if self._ssl is None:
                    self._ssl = httpx.create_ssl_context()
                sock = self._ssl.wrap_socket(sock, server_hostname=host)  # certificate checked against the name
        except BaseException:
            sock.close()
            raise
        return sock, False

    def _give(self, key: tuple[str, str, int, str], sock: socket.socket) -> None:
        with self._lock:
            pool = self._idle.setdefault(key, [])
            if len(pool) < MAX_IDLE:
                pool.append((time.monotonic(), sock))
                return
        sock.close()

    def close(self) -> None:
        with self._lock:
            pools, self._idle = self._idle, {}
        for pool in pools.values():
            for _, sock in pool:
                sock.close()
