"""Serve a local directory on 127.0.0.1 (an ephemeral port) while it is scanned, so a site exported
to disk (or ``examples/site``) goes through exactly the crawler a live site does.  Answers carry
``Last-Modified`` and an ``ETag`` and honour conditional requests (``If-None-Match``, else
``If-Modified-Since``) with ``304 Not Modified``, like a web server's static files.

It is an asyncio server with the httptools parser (what uvicorn uses) on a thread of its own: the
standard library's ``http.server`` spent ≈ 0.35 ms of CPU on every request, which made this server —
not the scanner — the bottleneck of an unchanged re-scan (11,004 conditional requests).  A directory
answers with its ``index.html`` (``301`` to the slash-terminated URL first); there are no listings.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import mimetypes
import os
import posixpath
import socket
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote

import httptools

_TYPES = {".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8",
          ".txt": "text/plain; charset=utf-8", ".xml": "application/xml"}
_REASONS = {200: "OK", 301: "Moved Permanently", 304: "Not Modified", 400: "Bad Request", 404: "Not Found",
            405: "Method Not Allowed"}


def _content_type(path: Path) -> str:
    return _TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def _not_modified(headers: dict[bytes, bytes], etag: str, mtime: float) -> bool:
    if b"if-none-match" in headers:
        return headers[b"if-none-match"].decode("latin-1") == etag
    since = headers.get(b"if-modified-since")
    if since:
        try:
            return int(mtime) <= parsedate_to_datetime(since.decode("latin-1")).timestamp()
        except (TypeError, ValueError, IndexError, OverflowError):
            return False
    return False


def respond(root: Path, method: str, target: bytes, headers: dict[bytes, bytes]) -> tuple[int, list, bytes]:
    """Status, headers and body for one request on the directory ``root``."""
    if method not in ("GET", "HEAD"):
        return 405, [("Allow", "GET, HEAD")], b""
    try:
        raw = unquote(httptools.parse_url(target).path.decode("latin-1"))
    except httptools.HttpParserInvalidURLError:
        return 400, [], b""
    # normpath of an absolute path drops every "..": the path cannot leave ``root`` (as http.server)
    path = os.path.join(str(root), posixpath.normpath("/" + raw).lstrip("/"))
    try:
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            if not raw.endswith("/"):
                return 301, [("Location", raw + "/")], b""
            for index in ("index.html", "index.htm"):
                with contextlib.suppress(OSError):
                    st = os.stat(os.path.join(path, index))
                    if stat.S_ISREG(st.st_mode):
                        path = os.path.join(path, index)
                        break
            else:
                return 404, [], b""
        if not stat.S_ISREG(st.st_mode):
            return 404, [], b""
    except OSError:
        return 404, [], b""
    etag = '"' + hashlib.sha1(f"{st.st_mtime_ns}:{st.st_size}".encode()).hexdigest()[:16] + '"'
    common = [("ETag", etag), ("Last-Modified", formatdate(st.st_mtime, usegmt=True))]
    if _not_modified(headers, etag, st.st_mtime):
        return 304, common, b""
    body = Path(path).read_bytes() if method == "GET" else b""
    # the file's length also for HEAD (no body); every other answer's length is its body's
    return 200, [("Content-Type", _content_type(Path(path))), *common, ("Content-Length", str(st.st_size))], body


class _Connection(asyncio.Protocol):
    """One kept-alive client connection: httptools parses, :func:`respond` answers."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.parser = httptools.HttpRequestParser(self)
        self.transport: asyncio.Transport | None = None
        self.target = b""
        self.headers: dict[bytes, bytes] = {}

    def connection_made(self, transport) -> None:
        self.transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            self.transport.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            self.transport.close()

    def on_message_begin(self) -> None:
        self.target, self.headers = b"", {}

    def on_url(self, url: bytes) -> None:
        self.target += url

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers[name.lower()] = value

    def on_message_complete(self) -> None:
        method = self.parser.get_method().decode("latin-1")
        keep = self.parser.should_keep_alive()
        status, headers, body = respond(self.root, method, self.target, self.headers)
        lines = [f"HTTP/1.1 {status} {_REASONS.get(status, '')}", "Server: cuomin-localserve",
                 f"Date: {formatdate(usegmt=True)}"]
        lines += [f"{k}: {v}" for k, v in headers]
        if status != 200:
            lines.append(f"Content-Length: {len(body)}")
        if not keep:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.transport.write(head + body)  # one write: no wait on the client's delayed ACK
        if not keep:
            self.transport.close()


@contextmanager
def serve_directory(root: str | Path, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """``with serve_directory("examples/site") as base_url: ...``"""
    root = Path(root).resolve()
    if not root.is_dir():
        raise NotADirectoryError(str(root))
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(loop.create_server(lambda: _Connection(root), host, port, reuse_address=True))
    bound = server.sockets[0].getsockname()[1]
    thread = threading.Thread(target=loop.run_forever, name="cuomin-serve", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{bound}/"
    finally:
        async def _close() -> None:
            server.close()
            await server.wait_closed()

        asyncio.run_coroutine_threadsafe(_close(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
