"""Starting, seeding, following and finishing a scan.

A scan row counts pages as they are claimed (``pages_seen``) and as they finish
(``pages_checked`` + ``pages_unchanged`` + ``errors``); it is done when the two
meet after seeding.  Seeds are the base URL, robots.txt's sitemaps and /sitemap.xml.
"""

from __future__ import annotations

import time
from typing import Any

from scanner.site import SiteConfig
from scanner.store.models import Scan, Site, utcnow
from scanner.store.sites import register_site, site_config
from workers import context
from workers.crawling import claim_and_send


def create_scan(site: SiteConfig, base_url: str, *, kind: str = "crawl", max_pages: int = 100_000,
                max_depth: int = 20, check_external: bool = False, force: bool = False,
                schedule: str | None = None) -> int:
    from workers.stages import scope_for  # noqa: F401 - imported for its side effect of validating config

    with context.db().session() as s:
        site_id = register_site(s, site, base_url, schedule)
        scan = Scan(site_id=site_id, kind=kind, status="seeding", ruleset=context.checker(site, warm=False).ruleset,
                    options={"base_url": base_url, "max_pages": max_pages, "max_depth": max_depth,
                             "check_external": check_external, "force": force}, started_at=utcnow())
        s.add(scan)
        s.flush()
        return scan.id


def seed(scan_id: int) -> int:
    """Claim and send the scan's first pages; returns how many were sent."""
    from scanner.fetch import sitemap
    from scanner.fetch.crawler import normalize_url
    from workers.stages import scope_for

    db = context.db()
    with db.session() as s:
        scan = s.get(Scan, scan_id)
        site = s.get(Site, scan.site_id)
        cfg, options, site_id = site_config(s, site.id), dict(scan.options), site.id
        lane = "prepublish" if scan.kind == "prepublish" else "crawl"
    scope = scope_for(site, options)
    base = normalize_url(options["base_url"]) or options["base_url"]
    maps = context.robots(cfg).sitemaps(base) or [base.rstrip("/") + "/sitemap.xml"]
    urls = [base] + [u for u in (normalize_url(x) for x in sitemap.urls(context.client(cfg), maps))
                     if u and scope.wanted(u)]
    sent = claim_and_send(db, site_id, scan_id, list(dict.fromkeys(urls)), 0, None, scope.max_pages, lane)
    with db.session() as s:
        scan = s.get(Scan, scan_id)
        if scan.status == "seeding":
            scan.status = "running"
    return sent


def progress(scan_id: int) -> dict[str, Any]:
    with context.db().session() as s:
        scan = s.get(Scan, scan_id)
        done = scan.pages_checked + scan.pages_unchanged + scan.errors
        return {"status": scan.status, "seen": scan.pages_seen, "done": done, "checked": scan.pages_checked,
                "unchanged": scan.pages_unchanged, "errors": scan.errors,
                "finished": scan.status != "seeding" and done >= scan.pages_seen}


def wait(scan_id: int, timeout: float = 3600.0, poll: float = 0.05, on_progress=None) -> dict[str, Any]:
    """Block until every claimed page of the scan has finished (or ``timeout``); marks the scan done.
    ``poll``: one primary-key read of the scan row (≈ 0.2–0.5 ms of CPU) each time; the scan's end is
    noticed, and its duration recorded, within that."""
    from sqlalchemy.exc import DBAPIError

    deadline = time.monotonic() + timeout
    while True:
        try:
            p = progress(scan_id)
        except DBAPIError:  # the database is away for a while: keep waiting, the workers retry too
            if time.monotonic() > deadline:
                raise
            time.sleep(1.0)
            continue
        if on_progress:
            on_progress(p)
        if p["finished"]:
            break
        if time.monotonic() > deadline:
            raise TimeoutError(f"scan {scan_id} not finished after {timeout:.0f} s: {p}")
        time.sleep(poll)
    with context.db().session() as s:
        scan = s.get(Scan, scan_id)
        if scan.status not in ("done", "cancelled"):
            scan.status, scan.finished_at = "done", utcnow()
    return progress(scan_id)


def summary(scan_id: int) -> dict[str, int]:
    """Tickets of the scan's site still needing work, and how many this scan opened."""
    from sqlalchemy import func, select

    from scanner.store.models import Ticket

    with context.db().session() as s:
        scan = s.get(Scan, scan_id)
        active = s.execute(select(func.count()).select_from(Ticket).where(
            Ticket.site_id == scan.site_id, Ticket.state.in_(("open", "assigned", "reopened", "fixed", "rechecking"))
        )).scalar_one()
        new = s.execute(select(func.count()).select_from(Ticket).where(
            Ticket.site_id == scan.site_id, Ticket.created_at >= scan.started_at)).scalar_one()
    return {"tickets": active, "new": new}
