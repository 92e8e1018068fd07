"""Sitemaps (sitemaps.org XML, sitemap indexes, gzip): the URLs a site says it has."""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET

import httpx

from scanner.errors import CuominError
from scanner.fetch.client import fetch

MAX_SITEMAPS = 50
MAX_URLS = 100_000


def parse(data: bytes) -> tuple[list[str], list[str]]:
    """(page URLs, child sitemap URLs) of one sitemap document."""
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)[: 50 * 1024 * 1024]
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        return [], []
    locs = [el.text.strip() for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "loc" and el.text]
    if root.tag.rsplit("}", 1)[-1] == "sitemapindex":
        return [], locs
    return locs, []


def urls(client: httpx.Client, sitemap_urls: list[str], limit: int = MAX_URLS) -> list[str]:
    """Every page URL reachable from ``sitemap_urls`` (indexes followed, at most ``MAX_SITEMAPS`` files)."""
    out: list[str] = []
    queue, seen = list(sitemap_urls), set()
    while queue and len(seen) < MAX_SITEMAPS and len(out) < limit:
        sm = queue.pop(0)
        if sm in seen:
            continue
        seen.add(sm)
        try:
            res = fetch(sm, client, max_bytes=50 * 1024 * 1024, raise_for_status=False)
        except CuominError:
            continue
        if not res.ok:
            continue
        pages, children = parse(res.content)
        out.extend(pages)
        queue.extend(children)
    return list(dict.fromkeys(out))[:limit]
