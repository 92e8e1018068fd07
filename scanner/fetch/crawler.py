"""The crawler's per-URL work, shared by the queue workers and :func:`crawl` (a simple in-process loop).

* :class:`Scope` — which URLs belong to a site (host, path prefix, depth, attachments by suffix).
* :func:`conditional_fetch` — GET with ``If-None-Match``/``If-Modified-Since``, a streaming size
  cap and explicit timeouts (the client from :func:`scanner.fetch.client.make_client`).
* :func:`classify` — page or attachment, from the suffix, ``Content-Type`` and
  ``Content-Disposition`` (``download.jsp?id=…`` links are attachments by their answer).
* :func:`discover` — in-scope links of an extracted page, normalised and de-fragmented.
* :func:`content_hash` — hash of the *normalised* text, so a page whose markup or
  whitespace churns but whose text did not is not re-detected.
"""

from __future__ import annotations

import hashlib
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlsplit, urlunsplit

import httpx

from scanner.fetch.client import FetchResult, fetch

ATTACHMENT_SUFFIXES = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".et", ".dps", ".ppt", ".pptx", ".odt",
                       ".ods", ".ofd", ".txt", ".csv", ".rtf", ".zip", ".rar", ".7z", ".jpg", ".jpeg", ".png")
SKIP_SUFFIXES = (".css", ".js", ".ico", ".gif", ".svg", ".woff", ".woff2", ".ttf", ".mp4", ".mp3", ".avi", ".flv",
                 ".swf", ".exe", ".apk", ".dmg", ".iso")
HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(slots=True)
class Scope:
    """A site's crawl scope: same host (``www.`` folded), under ``prefix``, at most ``max_depth`` links deep."""

    base_url: str
    max_depth: int = 20
    max_pages: int = 100_000
    prefix: str = "/"
    extra_hosts: tuple[str, ...] = ()
    _hosts: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        host = (urlsplit(self.base_url).hostname or "").lower()
        self._hosts = {host, host.removeprefix("www."), "www." + host.removeprefix("www."),
                       *(h.lower() for h in self.extra_hosts)}

    def contains(self, url: str) -> bool:
        parts = urlsplit(url)
        return (parts.scheme in ("http", "https") and (parts.hostname or "").lower() in self._hosts
                and (parts.path or "/").startswith(self.prefix))

    def wanted(self, url: str) -> bool:
        return self.contains(url) and not urlsplit(url).path.lower().endswith(SKIP_SUFFIXES)


def normalize_url(url: str, base: str | None = None) -> str | None:
    """Absolute, fragment-free, with a lower-case scheme and host; None for mailto:, javascript: …"""
    url = (url or "").strip()
    if not url or url.startswith(("mailto:", "javascript:", "tel:", "data:", "#")):
        return None
    absolute, _ = urldefrag(urljoin(base, url) if base else url)
    parts = urlsplit(absolute)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    netloc = parts.netloc.lower()
    if (parts.scheme, netloc.rsplit(":", 1)[-1]) in (("http", "80"), ("https", "443")):
        netloc = netloc.rsplit(":", 1)[0]
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))


def is_attachment_url(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(ATTACHMENT_SUFFIXES)


def classify(url: str, headers: dict[str, str]) -> str:
    """``page`` or ``attachment``, from the answer's headers first, then the URL."""
    disposition = headers.get("content-disposition", "").lower()
    ctype = headers.get("content-type", "").split(";")[0].strip().lower()
    if "attachment" in disposition or "filename" in disposition:
        return "attachment"
    if ctype in HTML_TYPES:
        return "page"
    if ctype and not ctype.startswith("text/"):
        return "attachment"
    return "attachment" if is_attachment_url(url) else "page"


def filename_of(url: str, headers: dict[str, str]) -> str | None:
    m = re.search(r"filename\*?=(?:UTF-8'')?\"?([^\";]+)", headers.get("content-disposition", ""), re.IGNORECASE)
    if m:
        from urllib.parse import unquote

        return unquote(m.group(1))
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    return name or None


def content_hash(text: str) -> str:
    """SHA-256 of the normalised text (width, spacing and punctuation folding from scanner.normalize)."""
    from scanner.normalize import normalize

    folded = re.sub(r"\s+", "", normalize(text).text)  # layout whitespace carries no words in Chinese text
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


@dataclass(slots=True)
class Fetched:
    result: FetchResult | None  # None when the server answered 304 Not Modified
    status: int

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def conditional_fetch(client: httpx.Client, url: str, etag: str | None = None, last_modified: str | None = None,
                      max_bytes: int | None = None) -> Fetched:
    """GET ``url``, conditional on the validators of the last fetch; the body is streamed under a cap.

    Raises :class:`FetchError` (codes timeout, redirects, network) and
    :class:`~scanner.errors.LimitExceeded`; HTTP error statuses are returned, not raised."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    result = fetch(url, client, max_bytes=max_bytes, raise_for_status=False, headers=headers)
    if result.status == 304:
        return Fetched(None, 304)
    return Fetched(result, result.status)


def discover(document, base_url: str, scope: Scope) -> list[str]:
    """In-scope link targets of an extracted page (hidden links are not followed), in page order."""
    out = []
    for link in getattr(document, "links", []) or []:
        if getattr(link, "hidden", False):
            continue
        url = normalize_url(link.href, base_url)
        if url and scope.wanted(url):
            out.append(url)
    return list(dict.fromkeys(out))


def crawl(client: httpx.Client, scope: Scope, seeds: list[str] | None = None, robots=None,
          limiter=None) -> Iterator[tuple[str, int, FetchResult | None, Exception | None]]:
    """Breadth-first crawl in this process: yields (url, depth, result or None, error or None).

    The queue workers do the same work one message per URL; this loop serves
    libraries and tests that want a crawl without a database."""
    from scanner.extract import extract

    queue = deque((normalize_url(u) or u, 0) for u in (seeds or [scope.base_url]))
    seen = {u for u, _ in queue}
    count = 0
    while queue and count < scope.max_pages:
        url, depth = queue.popleft()
        if robots is not None and not robots.allowed(url):
            continue
        if limiter is not None:
            limiter.wait(urlsplit(url).hostname or "", robots.delay(url) if robots else None)
        count += 1
        try:
            got = conditional_fetch(client, url)
        except Exception as exc:  # noqa: BLE001 - reported to the caller per URL
            yield url, depth, None, exc
            continue
        res = got.result
        yield url, depth, res, None
        if res is None or not res.ok or classify(res.final_url, res.headers) != "page" or depth >= scope.max_depth:
            continue
        try:
            doc = extract(res.content, res.final_url, content_type=res.content_type)
        except Exception:  # noqa: BLE001, S112 - an unreadable page has no links to follow
            continue
        for link in discover(doc, res.final_url, scope):
            if link not in seen:
                seen.add(link)
                queue.append((link, depth + 1))
