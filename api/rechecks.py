"""Re-checks after a unit marks a ticket fixed: fetch the ticket's pages again (through the
SSRF guard), run the site's checker, and let :func:`scanner.tickets.service.conclude_recheck`
close the ticket (problem gone) or reopen it (still there).

Runs on a small thread pool so the request that marked the ticket fixed returns at
once; the UI polls the ticket.  A page that cannot be fetched leaves the ticket in
``rechecking`` with a ledger note, so nobody closes a ticket on a network error.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor

from sqlalchemy import select

from scanner.errors import CuominError
from scanner.store.models import Page, Site, Ticket
from scanner.store.recording import record_page
from scanner.tickets import service

log = logging.getLogger("cuomin.api.recheck")


class Rechecker:
    def __init__(self, db, sites, checkers, workers: int = 2):
        self.db = db
        self.sites = sites
        self.checkers = checkers
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="cuomin-recheck")

    def start(self, ticket_id: int, page_ids: list[int], wait: bool = False) -> Future:
        future = self._pool.submit(self.run, ticket_id, page_ids)
        future.add_done_callback(lambda f: f.exception() and log.error(
            "re-check of ticket %s failed: %s", ticket_id, type(f.exception()).__name__))
        if wait:
            future.result(timeout=120)
        return future

    def run(self, ticket_id: int, page_ids: list[int]) -> str:
        from scanner.fetch import fetch_document
        from scanner.fetch.guard import Policy, guarded_client

        with self.db.session() as s:
            ticket = s.get(Ticket, ticket_id)
            site = s.get(Site, ticket.site_id)
            site_key, site_id, default_unit = site.key, site.id, site.default_unit_id
            pages = [(p.id, p.url) for p in s.scalars(select(Page).where(Page.id.in_(page_ids)))]
        checker = self.checkers.get(site_key)
        policy = Policy.from_sites(self.sites.all_configs())
        results: dict[int, object] = {}
        failed: list[str] = []
        with guarded_client(policy) as client:
            for page_id, url in pages:
                try:
                    doc = fetch_document(url, client)
                except CuominError as exc:
                    log.warning("re-check of ticket %s: %s", ticket_id, exc.code)
                    failed.append(f"{url}: {exc.code}")
                    continue
                doc.source = url  # fingerprints belong to the page's URL, not a redirect target
                results[page_id] = checker.check(doc)
        with self.db.session() as s:
            for page_id, result in results.items():
                record_page(s, site_id=site_id, page_id=page_id, scan_id=None,
                            findings=[{**f.to_dict(), "excerpt_start": f.excerpt_start} for f in result.findings], ruleset=result.ruleset,
                            content_hash=None, default_unit_id=default_unit)
            ticket = s.get(Ticket, ticket_id)
            if failed:
                service.log_event(s, ticket, service.SYSTEM, "recheck_error", ticket.state, ticket.state,
                                  note="; ".join(failed)[:1000])
                return ticket.state
            service.conclude_recheck(s, ticket)
            return ticket.state
