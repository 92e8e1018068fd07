"""robots.txt with protego: one parsed file per host, fetched once and cached."""

from __future__ import annotations

import threading
from urllib.parse import urlsplit

import httpx
from protego import Protego

from scanner.fetch.client import DEFAULT_USER_AGENT, FetchError, fetch


class Robots:
    """``allowed(url)``, ``delay(url)`` and ``sitemaps(url)`` from each host's robots.txt.

    A missing robots.txt (4xx) allows everything; an unreachable one (5xx, network)
    is treated as allow-all too, and remembered for this crawl.
    """

    def __init__(self, client: httpx.Client, user_agent: str = DEFAULT_USER_AGENT):
        self.client = client
        self.agent = user_agent.split("/")[0]
        self._cache: dict[str, Protego | None] = {}
        self._lock = threading.Lock()

    def _parser(self, url: str) -> Protego | None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            if origin in self._cache:
                return self._cache[origin]
        try:
            res = fetch(origin + "/robots.txt", self.client, max_bytes=512 * 1024, raise_for_status=False)
            parser = Protego.parse(res.content.decode("utf-8", "replace")) if res.ok else None
        except FetchError:
            parser = None
        with self._lock:
            self._cache[origin] = parser
        return parser

    def allowed(self, url: str) -> bool:
        p = self._parser(url)
        return True if p is None else bool(p.can_fetch(url, self.agent))

    def delay(self, url: str) -> float | None:
        p = self._parser(url)
        d = p.crawl_delay(self.agent) if p is not None else None
        return float(d) if d else None

    def sitemaps(self, url: str) -> list[str]:
        p = self._parser(url)
        return list(p.sitemaps) if p is not None else []
