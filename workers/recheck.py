"""The automatic re-check behind the 1-hour loop: a ticket marked fixed has each page where its
problem occurred fetched again (unconditionally), extracted, detected and recorded; the ticket
then closes (problem gone everywhere) or reopens (still there)."""

from __future__ import annotations

from scanner.errors import CuominError
from scanner.fetch.crawler import conditional_fetch, content_hash
from scanner.fetch.links import dark_link_findings
from scanner.store.models import Page, Site, Ticket
from scanner.store.recording import record_page
from scanner.store.sites import site_config
from scanner.tickets.notify import queue_alerts
from scanner.tickets.service import conclude_recheck, occurrences
from workers import context


def check_page_now(page_id: int) -> int:
    """Fetch, extract, detect and record one page in this process; returns the number of findings."""
    from scanner.extract import extract
    from scanner.fetch.crawler import Scope

    db = context.db()
    with db.session() as s:
        page = s.get(Page, page_id)
        site = s.get(Site, page.site_id)
        cfg = site_config(s, site.id)
        url, site_id, unit = page.url, site.id, site.default_unit_id
    findings: list[dict] = []
    chash, ruleset = None, context.checker(cfg, warm=False).ruleset
    got = conditional_fetch(context.client(cfg), url)  # network errors raise: the queue retries
    res = got.result
    gone = res is None or res.status in (404, 410)  # a removed page is a corrected page
    if res is not None and res.status >= 400 and not gone:
        raise CuominError(f"re-check of page {page_id}: HTTP {res.status}")  # retried by the queue
    if not gone:
        doc = extract(res.content, url, content_type=res.content_type)
        result = context.checker(cfg).check(doc)
        findings = [{**f.to_dict(), "excerpt_start": f.excerpt_start} for f in result.findings]
        findings += dark_link_findings(cfg.id, url, doc.links, Scope(site.base_url).contains)
        chash = content_hash(doc.text)
    with db.session() as s:
        record_page(s, site_id=site_id, page_id=page_id, scan_id=None, findings=findings, ruleset=ruleset,
                    content_hash=chash, detectors=None, default_unit_id=unit)
    return len(findings)


def recheck_ticket(ticket_id: int) -> str:
    db = context.db()
    with db.session() as s:
        t = s.get(Ticket, ticket_id)
        if t is None or t.state != "rechecking":
            return t.state if t else "missing"
        pages = [pid for pid, _ in occurrences(s, t)]
    for pid in pages:
        check_page_now(pid)
    with db.session() as s:
        t = s.get(Ticket, ticket_id)
        conclude_recheck(s, t)
        alerts = queue_alerts(s, t, f"reopened:{t.reopen_count}") if t.state == "reopened" else []
        state = t.state
    from workers.crawling import send

    for nid in alerts:
        send("notify", "ops", nid)
    return state
