"""A small httpx-based fetcher: explicit timeouts, a streaming size cap, redirects recorded.

:func:`make_client` builds the one ``httpx.Client`` configuration every fetching
part of cuomin shares (the crawler and the SSRF guard build on it; tests pass an
``httpx.MockTransport``).  :func:`fetch` downloads one URL into a
:class:`FetchResult`; :func:`fetch_document` extracts it into a
:class:`~scanner.document.Document`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from scanner.document import Document
from scanner.errors import InputError, LimitExceeded

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_TIMEOUT",
    "DEFAULT_USER_AGENT",
    "FetchError",
    "FetchResult",
    "fetch",
    "fetch_document",
    "make_client",
]

DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=30.0, write=10.0, pool=10.0)
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_USER_AGENT = "cuomin/0.1 (+https://github.com/cuomin; government website checker)"
MAX_REDIRECTS = 10


class FetchError(InputError):
    """A URL could not be fetched (network error, HTTP error status, bad URL)."""

    code = "fetch"

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None):
        super().__init__(message, code=code)
        self.status = status


@dataclass(slots=True)
class FetchResult:
    """One fetched URL.  ``redirects`` lists the URLs passed through before ``final_url``."""

    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    content: bytes
    redirects: list[str] = field(default_factory=list)
    elapsed: float = 0.0  # seconds

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def make_client(*, transport: httpx.BaseTransport | None = None, timeout: float | httpx.Timeout | None = None,
                max_bytes: int = DEFAULT_MAX_BYTES, user_agent: str = DEFAULT_USER_AGENT,
                follow_redirects: bool = True, **kw: Any) -> httpx.Client:
    """An ``httpx.Client`` with cuomin's defaults.

    ``max_bytes`` is remembered on the client (``client.max_bytes``) and enforced
    by :func:`fetch` while streaming.  Extra keyword arguments go to ``httpx.Client``.
    """
    if timeout is None:
        timeout = DEFAULT_TIMEOUT
    elif not isinstance(timeout, httpx.Timeout):
        timeout = httpx.Timeout(timeout)
    headers = {"User-Agent": user_agent, "Accept-Language": "zh-CN,zh;q=0.9",
               **dict(kw.pop("headers", None) or {})}
    client = httpx.Client(transport=transport, timeout=timeout, follow_redirects=follow_redirects,
                          max_redirects=MAX_REDIRECTS, headers=headers, **kw)
    client.max_bytes = max_bytes  # type: ignore[attr-defined]
    return client


def _check_url(url: str) -> None:
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise FetchError(f"invalid URL: {exc}", code="bad_url") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise FetchError(f"{url}: only http(s) URLs with a host can be fetched", code="bad_url")


def fetch(url: str, client: httpx.Client | None = None, *, max_bytes: int | None = None,
          raise_for_status: bool = True, headers: dict[str, str] | None = None) -> FetchResult:
    """GET ``url``, streaming at most ``max_bytes`` (default: the client's cap).

    ``headers`` are added to the request (conditional GETs use it).
    Raises :class:`FetchError` on network errors and (unless ``raise_for_status``
    is false) on an HTTP error status, :class:`~scanner.errors.LimitExceeded` when
    the body is larger than the cap.  Error messages carry the URL and the reason
    only, never the body.
    """
    _check_url(url)
    own = client is None
    client = client or make_client()
    cap = max_bytes if max_bytes is not None else getattr(client, "max_bytes", DEFAULT_MAX_BYTES)
    t0 = time.perf_counter()
    try:
        with client.stream("GET", url, headers=headers) as response:
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > cap:
                raise LimitExceeded(f"{url}: {declared} bytes is over the {cap}-byte limit")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > cap:
                    raise LimitExceeded(f"{url}: body is over the {cap}-byte limit")
                chunks.append(chunk)
            status = response.status_code
            result = FetchResult(
                url=url, final_url=str(response.url), status=status,
                headers={k.lower(): v for k, v in response.headers.items()}, content=b"".join(chunks),
                redirects=[str(r.url) for r in response.history], elapsed=time.perf_counter() - t0,
            )
    except httpx.TooManyRedirects:
        raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects", code="redirects") from None
    except httpx.TimeoutException as exc:
        raise FetchError(f"{url}: timed out ({type(exc).__name__})", code="timeout") from None
    except httpx.HTTPError as exc:
        raise FetchError(f"{url}: {type(exc).__name__}: {exc}", code="network") from None
    finally:
        if own:
            client.close()
    if raise_for_status and not result.ok:
        raise FetchError(f"{url}: HTTP {result.status}", status=result.status, code="http_status")
    return result


def fetch_document(url: str, client: httpx.Client | None = None, **kw: Any) -> Document:
    """Fetch ``url`` and extract it (format from magic bytes, Content-Type, then the URL)."""
    from scanner.extract import ExtractOptions, extract

    result = fetch(url, client, **kw)
    options = ExtractOptions(headers=result.headers)
    doc = extract(result.content, result.final_url, content_type=result.content_type, options=options)
    doc.metadata.setdefault("http_status", result.status)
    if result.redirects:
        doc.metadata.setdefault("redirects", result.redirects)
        doc.metadata.setdefault("requested_url", url)
    return doc
