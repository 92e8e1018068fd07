"""The work of each actor, as plain functions: fetch → analyse (extract + detect) → record.

Messages carry ids and hashes only: the fetched body waits in the ``blobs`` table
under a key derived from the page id and the body's SHA-256.  Every function is
safe to run twice for the same message (at-least-once delivery).
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import delete

from scanner.errors import CuominError
from scanner.fetch.client import FetchError
from scanner.fetch.crawler import (
    Scope,
    classify,
    conditional_fetch,
    content_hash,
    discover,
    filename_of,
    normalize_url,
)
from scanner.fetch.links import LinkStatus, broken_link_finding, dark_link_findings, looks_soft_404
from scanner.store.models import Blob, DocumentFile, Page, Scan, Site, utcnow
from scanner.store.recording import finish_page, record_page
from scanner.store.sites import site_config
from scanner.store.upsert import insert_ignore, upsert
from workers import context
from workers.crawling import claim_and_send, send

log = logging.getLogger("cuomin.workers")


_cache: dict[tuple, Any] = {}  # per process: a scan's options and its site's configuration do not change


def _load(s, scan_id: int | None, page_id: int):
    page = s.get(Page, page_id)
    key = ("site", page.site_id, scan_id)
    if key not in _cache or scan_id is None:
        site = s.get(Site, page.site_id)
        scan = s.get(Scan, scan_id) if scan_id else None
        s.expunge(site)
        if len(_cache) > 1000:
            _cache.clear()
        _cache[key] = (site, site_config(s, site.id), dict(scan.options or {}) if scan else {})
    site, cfg, options = _cache[key]
    return page, site, cfg, options


def scope_for(site_row: Site, options: dict[str, Any]) -> Scope:
    return Scope(base_url=options.get("base_url") or site_row.base_url,
                 max_depth=int(options.get("max_depth", 20)), max_pages=int(options.get("max_pages", 100_000)),
                 prefix=options.get("prefix", "/"))


def _link_problem(db, site_key: str, referrer_id: int | None, status: LinkStatus) -> None:
    """A broken internal link: a finding on the page that linked to it (nothing resolved here)."""
    if referrer_id is None:
        return
    with db.session() as s:
        ref = s.get(Page, referrer_id)
        site = s.get(Site, ref.site_id)
        text, selector = next(((e[1], e[2]) for e in ref.links or [] if isinstance(e, list) and e[0] == status.url),
                              ("", None))
        f = broken_link_finding(site_key, ref.url, status, text, selector)
        record_page(s, site_id=ref.site_id, page_id=ref.id, scan_id=None, findings=[f], ruleset="links",
                    content_hash=None, detectors=[], default_unit_id=site.default_unit_id)


def _alias_of(db, site_id: int, page_id: int, scan_id: int) -> int | None:
    """A page of this scan with a lower id and the very same body, if any."""
    from sqlalchemy import select

    with db.session() as s:
        digest = s.get(Page, page_id).content_hash
        return s.execute(select(Page.id).where(Page.site_id == site_id, Page.content_hash == digest,
                                               Page.id < page_id, Page.last_scan_id == scan_id,
                                               Page.status == 200).limit(1)).scalar()


def fetch_page(scan_id: int | None, page_id: int, referrer_id: int | None = None, force: bool = False, *,
               lane: str = "crawl") -> str:
    db = context.db()
    with db.session() as s:
        page, site, cfg, options = _load(s, scan_id, page_id)
        if scan_id and page.done_scan_id == scan_id:
            return "duplicate"
        url, etag, modified = page.url, page.etag, page.last_modified
        force = force or bool(options.get("force"))
        stale_rules = page.checked_ruleset not in (None, context.checker(cfg).ruleset)
    if stale_rules:  # the rules changed since this page was checked: read it again
        etag = modified = None
    robots = context.robots(cfg)
    if not options.get("ignore_robots") and not robots.allowed(url):
        with db.session() as s:
            s.get(Page, page_id).error = "disallowed by robots.txt"
            finish_page(s, scan_id, page_id, "error")
        return "robots"
    context.limiter().wait(urlsplit(url).hostname or "", robots.delay(url))
    try:
        got = conditional_fetch(context.client(cfg), url, None if force else etag, None if force else modified)
    except (FetchError, CuominError) as exc:
        code = getattr(exc, "code", "network")
        _link_problem(db, cfg.id, referrer_id, LinkStatus(url, False, None, code))
        with db.session() as s:
            p = s.get(Page, page_id)
            p.error, p.fetched_at = f"{code}: {exc.message}"[:500], utcnow()
            finish_page(s, scan_id, page_id, "error")
        return code
    if got.not_modified:
        with db.session() as s:
            p = s.get(Page, page_id)
            p.fetched_at, p.status = utcnow(), 304
            links, depth = [e[0] if isinstance(e, list) else e for e in p.links or []], p.depth
        if scan_id and depth < int(options.get("max_depth", 20)):
            claim_and_send(db, site.id, scan_id, links, depth + 1, page_id, int(options.get("max_pages", 100_000)),
                           lane)
        with db.session() as s:
            finish_page(s, scan_id, page_id, "unchanged")
        return "not_modified"
    res = got.result
    if res.status >= 400:
        _link_problem(db, cfg.id, referrer_id, LinkStatus(url, False, res.status, "http_status",
                                                          tuple(res.redirects)))
        with db.session() as s:
            p = s.get(Page, page_id)
            p.status, p.error, p.fetched_at = res.status, f"HTTP {res.status}", utcnow()
            finish_page(s, scan_id, page_id, "error")
        return "http_error"
    kind = classify(res.final_url, res.headers)
    digest = hashlib.sha256(res.content).hexdigest()
    key = hashlib.sha256(f"{page_id}:{digest}".encode()).hexdigest()
    with db.session() as s:
        insert_ignore(s, Blob, {"sha256": key, "data": res.content, "created_at": utcnow()}, ["sha256"])
        p = s.get(Page, page_id)
        p.status, p.kind, p.fetched_at, p.error = res.status, kind, utcnow(), None
        p.content_hash = digest
        p.media_type = (res.content_type or "").split(";")[0] or None
        p.etag, p.last_modified = res.headers.get("etag"), res.headers.get("last-modified")
        if kind == "attachment":
            upsert(s, DocumentFile, {"page_id": page_id, "found_on_id": p.found_on_id,
                                     "filename": filename_of(res.final_url, res.headers), "media_type": p.media_type,
                                     "size": len(res.content), "sha256": digest}, ["page_id"])
    send("analyse", lane, scan_id, page_id, key, referrer_id, force)
    return "fetched"


def analyse_page(scan_id: int | None, page_id: int, blob_key: str, referrer_id: int | None = None,
                 force: bool = False, *, lane: str = "crawl") -> str:
    from scanner.extract import extract

    db = context.db()
    with db.session() as s:
        page, site, cfg, options = _load(s, scan_id, page_id)
        blob = s.get(Blob, blob_key)
        if blob is None:  # already recorded by an earlier delivery
            return "done"
        data, url, kind, depth = blob.data, page.url, page.kind, page.depth
        media_type, checked = page.media_type, (page.checked_hash, page.checked_ruleset)
        site_id, default_unit = site.id, site.default_unit_id
    scope = scope_for(site, options)
    try:
        doc = extract(data, url, content_type=media_type)
    except CuominError as exc:
        with db.session() as s:
            s.get(Page, page_id).error = f"{exc.code}: {exc.message}"[:500]
            s.execute(delete(Blob).where(Blob.sha256 == blob_key))
            if kind == "attachment":
                upsert(s, DocumentFile, {"page_id": page_id, "extraction_error": exc.code}, ["page_id"])
            finish_page(s, scan_id, page_id, "error")
        return "extraction_error"
    links = discover(doc, url, scope) if kind == "page" else []
    meta: dict[str, list] = {}
    for link in doc.links if kind == "page" else []:
        target = normalize_url(link.href, url)
        if target in links and target not in meta:
            meta[target] = [target, (link.text or "")[:200], link.selector]
    with db.session() as s:
        p = s.get(Page, page_id)
        p.links, p.title = [meta.get(u, [u, "", None]) for u in links], (doc.title or "")[:1000] or None
    if scan_id and links and depth < scope.max_depth:
        claim_and_send(db, site_id, scan_id, links, depth + 1, page_id, scope.max_pages, lane)
    if kind == "page" and looks_soft_404(200, doc.title, doc.text):
        _link_problem(db, cfg.id, referrer_id, LinkStatus(url, False, 200, "soft_404"))
    if scan_id and _alias_of(db, site_id, page_id, scan_id) is not None:
        # the same body as a page claimed earlier in this scan ("/" and "/index.html"): checked once, there
        with db.session() as s:
            record_page(s, site_id=site_id, page_id=page_id, scan_id=scan_id, findings=[], ruleset="alias",
                        content_hash=None, default_unit_id=default_unit)
            s.execute(delete(Blob).where(Blob.sha256 == blob_key))
            finish_page(s, scan_id, page_id, "unchanged")
        return "alias"
    checker = context.checker(cfg)
    chash = content_hash(doc.text)
    if not force and checked == (chash, checker.ruleset):
        with db.session() as s:
            s.execute(delete(Blob).where(Blob.sha256 == blob_key))
            finish_page(s, scan_id, page_id, "unchanged")
        return "unchanged"
    result = checker.check(doc)
    findings = [{**f.to_dict(), "excerpt_start": f.excerpt_start} for f in result.findings]
    findings += dark_link_findings(cfg.id, url, doc.links, scope.contains)
    if options.get("check_external"):
        lc = context.link_checker(cfg)
        for link in doc.links:
            target = normalize_url(link.href, url)
            if target and not scope.contains(target) and not link.hidden:
                st = lc.check(target)
                if not st.ok:
                    findings.append(broken_link_finding(cfg.id, url, st, link.text, link.selector))
    send("record", lane, scan_id, page_id, blob_key, chash, result.ruleset, findings)
    return "analysed"


def record_findings(scan_id: int | None, page_id: int, blob_key: str, chash: str, ruleset: str,
                    findings: list[dict[str, Any]], *, lane: str = "crawl") -> list[int]:
    from scanner.store.models import Ticket
    from scanner.tickets.notify import queue_alerts

    db = context.db()
    alerts: list[int] = []
    with db.session() as s:
        page = s.get(Page, page_id)
        site = s.get(Site, page.site_id)
        tickets = record_page(s, site_id=site.id, page_id=page_id, scan_id=scan_id, findings=findings,
                              ruleset=ruleset, content_hash=chash, default_unit_id=site.default_unit_id)
        for ticket_id, created in tickets:
            t = s.get(Ticket, ticket_id)
            if created or t.state == "reopened":
                alerts += queue_alerts(s, t, "opened" if created else f"reopened:{t.reopen_count}")
        s.execute(delete(Blob).where(Blob.sha256 == blob_key))
        finish_page(s, scan_id, page_id, "checked")
    for nid in alerts:
        send("notify", "ops", nid)
    return [t for t, _ in tickets]
