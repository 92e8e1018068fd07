"""The work of each actor, as plain functions.

An HTML page (up to ``INLINE_MAX`` bytes) is one message: ``fetch`` downloads it, extracts,
detects and records it in the same process, and writes everything it learnt (page state, findings,
tickets, the URLs it claims for the scan and the scan's counter) in **one transaction**; the fetches
of the claimed URLs are sent after that commit.  An attachment (or an oversized page) is handed on:
its body waits in the ``blobs`` table under a key derived from the page id and the body's SHA-256,
and ``analyse(scan, page, blob key)`` extracts, detects and records it the same way.  Messages carry
ids and hashes only.

Every function is safe to run twice for the same message (at-least-once delivery): a page finished
in this scan (``done_scan_id``) is not processed again, but the fetches of the pages it claimed and
that have not finished are sent again (a crash between the commit and the sends loses nothing).
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import delete, func, select

from scanner.errors import CuominError
from scanner.fetch.client import FetchError
from scanner.fetch.crawler import (
    Fetched,
    Scope,
    classify,
    conditional_fetch,
    content_hash,
    discover,
    filename_of,
    normalize_url,
)
from scanner.fetch.links import LinkStatus, broken_link_finding, dark_link_findings, looks_soft_404
from scanner.store.lists import in_list
from scanner.store.models import Blob, DocumentFile, Page, Scan, Site, utcnow
from scanner.store.recording import (
    count_pages,
    finish_page,
    mark_done_many,
    record_page,
    resolve_gone,
    write_pages,
)
from scanner.store.sites import site_config
from scanner.store.upsert import insert_ignore, upsert
from workers import context
from workers.crawling import chunks, claim_many, known_claims, pending_claims, send

log = logging.getLogger("cuomin.workers")

INLINE_MAX = 2 * 1024 * 1024  # bytes: an HTML page up to this size is analysed in its fetch message
PAGES = Page.__table__
_PAGE_COLS = (Page.site_id, Page.url, Page.kind, Page.depth, Page.etag, Page.last_modified, Page.checked_hash,
              Page.checked_ruleset, Page.done_scan_id, Page.found_on_id, Page.links, Page.media_type)

_NOT_MODIFIED = Fetched(None, 304)
_cache: dict[tuple, Any] = {}  # per process: a scan's options and its site's configuration do not change


def _site(db, site_id: int, scan_id: int | None):
    """(site row, SiteConfig, scan options), cached per process for a scan."""
    key = (db.url, site_id, scan_id)
    if key not in _cache or scan_id is None:
        with db.session() as s:
            site = s.get(Site, site_id)
            scan = s.get(Scan, scan_id) if scan_id else None
            s.expunge(site)
            if len(_cache) > 1000:
                _cache.clear()
            _cache[key] = (site, site_config(s, site.id), dict(scan.options or {}) if scan else {})
    return _cache[key]


_readers: dict[str, tuple] = {}


def _reader(db):
    """``db``'s engine in autocommit mode: a lone SELECT is one round trip (no BEGIN/ROLLBACK)."""
    hit = _readers.get(db.url)
    if hit is None or hit[0] is not db.engine:
        hit = _readers[db.url] = (db.engine, db.engine.execution_options(isolation_level="AUTOCOMMIT"))
    return hit[1]


# built once: a statement object executed again is found in the compiled cache as it is (one built per
# call costs its construction and the adaptation of the cached result columns, ≈ 1 ms per message)
_LOAD_MANY: dict[str, Any] = {}  # by dialect


def _load_many(db, page_ids: list[int]) -> dict[int, Any]:
    """The page rows (the columns a stage reads) of ``page_ids`` that exist, by id: one SELECT."""
    dialect = db.engine.dialect.name
    stmt = _LOAD_MANY.get(dialect)
    if stmt is None:
        stmt = _LOAD_MANY[dialect] = select(PAGES.c.id, *(PAGES.c[c.key] for c in _PAGE_COLS)).where(
            in_list(PAGES.c.id, "ids", dialect))
    with _reader(db).connect() as c:
        return {r.id: r for r in c.execute(stmt, {"ids": list(page_ids)})}


def _load(db, scan_id: int | None, page_id: int):
    """(page row: the columns a stage reads, site row, SiteConfig, scan options); page None if gone."""
    with _reader(db).connect() as c:
        page = c.execute(select(*_PAGE_COLS).where(Page.id == page_id)).one_or_none()
    if page is None:
        return None, None, None, None
    return (page, *_site(db, page.site_id, scan_id))


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


def _originals(conn, site_id: int, scan_id: int | None, items: list[dict]) -> dict[str, int]:
    """Body digest → lowest id of a page with that body finished in this scan (earlier, or in this batch)."""
    digests = {it["digest"]: it["page_id"] for it in sorted(items, key=lambda it: -it["page_id"])
               if it["record"] is not None and it["digest"]}
    if not scan_id or not digests:
        return {}
    earlier = conn.execute(select(Page.content_hash, func.min(Page.id)).where(
        Page.site_id == site_id, Page.content_hash.in_(list(digests)), Page.done_scan_id == scan_id,
        Page.status.in_((200, 304))).group_by(Page.content_hash)).all()
    for digest, pid in earlier:
        digests[digest] = min(pid, digests[digest])
    return digests


def _resend(db, site_id: int, scan_id: int, page_ids: list[int], lane: str) -> None:
    """Redelivered pages already finished in this scan: send the fetches of their unfinished claims again."""
    with _reader(db).connect() as c:
        for pid in page_ids:
            ids = pending_claims(c, site_id, scan_id, pid)
            if ids:
                send("fetch", lane, scan_id, ids, pid)


class Batch:
    """What the pages of one message learnt, written in **one transaction** (page state, findings,
    tickets, the URLs they claim for the scan, the scan's counters), then the messages they queue.

    A redelivered message finds its finished pages by ``done_scan_id``; claims are recorded with the
    page that found them in the same transaction, so nothing is lost between commit and sends."""

    def __init__(self, db, site, scan_id: int | None, lane: str, max_pages: int = 100_000):
        self.db, self.site, self.scan_id, self.lane, self.max_pages = db, site, scan_id, lane, max_pages
        self.items: list[dict[str, Any]] = []

    def add(self, page_id: int, outcome: str, values: dict[str, Any], *, links: list[str] = (), depth: int = 0,
            record: dict | None = None, blob_key: str | None = None, document: dict | None = None,
            digest: str | None = None, seen: bool = False) -> str:
        """``values``: page columns; ``record``: the check's findings, ruleset and content hash (a page
        whose body ``digest`` equals a page finished earlier in the scan records none: it was checked
        there); ``links``: URLs found on the page to claim for the scan (at ``depth + 1``); ``seen``: a
        page the server answered 304 (``values`` are its status and fetch time): the pages of a batch
        answered 304 are finished and written by one statement."""
        self.items.append({"page_id": page_id, "outcome": outcome, "values": values, "links": links,
                           "depth": depth, "record": record, "blob_key": blob_key, "document": document,
                           "digest": digest, "seen": seen})
        return outcome

    def commit(self) -> list[str]:
        from scanner.store.models import Ticket
        from scanner.tickets.notify import queue_alerts

        if not self.items:
            return []
        db, site, scan_id = self.db, self.site, self.scan_id
        known = known_claims(db, scan_id)
        asks: list[tuple[int, int, list[str]]] = []  # (found on, depth, URLs) to claim
        claimed: dict[int, list[int]] = {}
        alerts: list[int] = []
        counts = {"checked": 0, "unchanged": 0, "error": 0}
        outcomes = []
        items = self.items
        orm = any(it["record"] and it["record"]["findings"] for it in items)
        # findings need the ORM (tickets, ledger, alerts); everything else is a few Core statements per batch
        with db.session() if orm else db.engine.begin() as s:
            if scan_id:  # which pages this transaction finishes (the others were finished by a redelivery)
                seen = [it["page_id"] for it in items if it["seen"]]
                rest = [it["page_id"] for it in items if not it["seen"]]
                # answered 304: finished, status and fetch time (this batch's) written by the same statement
                mine = mark_done_many(s, scan_id, seen, {"status": 304, "fetched_at": utcnow()}) if seen else set()
                if rest:
                    mine |= mark_done_many(s, scan_id, rest)
                items = [it for it in items if it["page_id"] in mine]
            originals = _originals(s, site.id, scan_id, items)
            gone: list[int] = []
            writes: list[tuple[int, dict[str, Any]]] = []
            for it in items:
                page_id, record, values, outcome = it["page_id"], it["record"], it["values"], it["outcome"]
                if record is not None and originals.get(it["digest"], page_id) < page_id:
                    # the same body as a page finished earlier in this scan ("/" and "/index.html"): checked there
                    record, outcome = {"findings": [], "ruleset": "alias", "content_hash": None}, "alias"
                if record is not None and record["findings"]:
                    tickets = record_page(s, site_id=site.id, page_id=page_id, scan_id=scan_id,
                                          default_unit_id=site.default_unit_id, **record)
                    for ticket_id, created in tickets:
                        t = s.get(Ticket, ticket_id)
                        if created or t.state == "reopened":
                            alerts += queue_alerts(s, t, "opened" if created else f"reopened:{t.reopen_count}")
                elif record is not None:  # no findings: earlier ones are gone
                    gone.append(page_id)
                    if record["content_hash"] is not None:
                        values = {**values, "checked_hash": record["content_hash"],
                                  "checked_ruleset": record["ruleset"], "checked_at": utcnow()}
                if it["document"] is not None:
                    upsert(s, DocumentFile, {"page_id": page_id, **it["document"]}, ["page_id"])
                if it["blob_key"] is not None:
                    s.execute(delete(Blob).where(Blob.sha256 == it["blob_key"]))
                outcomes.append(outcome)
                if not (scan_id and it["seen"]):  # (a 304's columns were written with its finish)
                    writes.append((page_id, values))
                counts["unchanged" if outcome == "alias" else outcome] += 1
                ask = [u for u in dict.fromkeys(it["links"]) if u not in known] if scan_id else []
                if ask:
                    asks.append((page_id, it["depth"] + 1, ask))
            if gone:
                resolve_gone(s, gone)
            write_pages(s, writes)
            # last, so the scan row is locked for as short a time as possible
            if scan_id and asks:
                claimed = claim_many(s, site.id, scan_id, asks, self.max_pages)
            if scan_id:
                count_pages(s, scan_id, sum(len(v) for v in claimed.values()), **counts)
        # committed: the claims, the findings and the pages' counts for the scan, together.  The claimed
        # pages go out in messages (crawling.chunks), whichever page of this batch claimed them (the
        # attachments of twenty pages are one message, not twenty); a message mixing several claimers
        # lists each page's referrer
        pairs = [(found_on, pid) for found_on, ids in claimed.items() for pid in ids]
        for chunk in chunks(pairs):
            if len({f for f, _ in chunk}) == 1:
                send("fetch", self.lane, scan_id, [p for _, p in chunk], chunk[0][0])
            else:
                send("fetch", self.lane, scan_id, [p for _, p in chunk], None, referrers=[f for f, _ in chunk])
        for _, _, ask in asks:
            known.update(ask)  # claimed (by these pages or others) and sent: this process need not ask again
        for nid in alerts:
            send("notify", "ops", nid)
        self.items = []
        return outcomes


def fetch_page(scan_id: int | None, page_id: int | list[int], referrer_id: int | None = None, force: bool = False,
               *, lane: str = "crawl", referrers: list[int | None] | None = None) -> str | list[str]:
    """Fetch one page (an id) or a batch of pages (a list of ids, claimed by the page ``referrer_id``,
    or each by the page at the same place in ``referrers``)."""
    db = context.db()
    ids = [page_id] if isinstance(page_id, int) else list(page_id)
    refs = dict(zip(ids, referrers, strict=True)) if referrers else {}
    pages = _load_many(db, ids)
    if not pages:
        return "missing" if isinstance(page_id, int) else []
    site, cfg, options = _site(db, next(iter(pages.values())).site_id, scan_id)
    batch = Batch(db, site, scan_id, lane, int(options.get("max_pages", 100_000)))
    done = [pid for pid, p in pages.items() if scan_id and p.done_scan_id == scan_id]
    if done:
        _resend(db, site.id, scan_id, done, lane)
    asked = _ask_together(pages, [pid for pid in ids if pid in pages and pid not in done], cfg, options, force)
    for pid in ids:
        if pid not in pages or pid in done:
            continue
        ref = refs.get(pid, referrer_id)
        if len(ids) == 1:
            _fetch_one(db, batch, pages[pid], pid, site, cfg, options, scan_id, ref, force, lane)
            continue
        try:
            _fetch_one(db, batch, pages[pid], pid, site, cfg, options, scan_id, ref, force, lane, asked.get(pid))
        except Exception as exc:  # noqa: BLE001 - one bad page must not hold back the batch
            # retried on its own (its own retries, its own dead letter); the others go on
            log.warning("page %s of a batch failed (%s): queued on its own", pid, type(exc).__name__)
            send("fetch", lane, scan_id, pid, ref, force)
    out = batch.commit()
    return (out[0] if out else "duplicate") if isinstance(page_id, int) else out


def _revalidating(page, cfg, options, force: bool) -> tuple[str | None, str | None]:
    """The page's validators for a conditional GET: none when forced or when the rules changed."""
    if force or options.get("force") or page.checked_ruleset not in (None, context.checker(cfg).ruleset):
        return None, None
    return page.etag, page.last_modified


def _ask_together(pages: dict, ids: list[int], cfg, options, force: bool) -> dict[int, bool]:
    """For a batch's pages fetched before: page id → whether the server answered its conditional GET
    with a plain 304, the batch asked at once over a few kept-alive connections (one round trip per
    few pages instead of one per page).  Pages not asked here (one page, no validators, robots) are
    not in the answer; the politeness pace applies to every request as in :func:`_fetch_one`."""
    robots = context.robots(cfg)
    asks: dict[str, tuple[int, str | None, str | None]] = {}
    for pid in ids:
        page = pages[pid]
        etag, modified = _revalidating(page, cfg, options, force)
        if (etag or modified) and (options.get("ignore_robots") or robots.allowed(page.url)):
            asks[page.url] = (pid, etag, modified)
    if len(asks) < 2:
        return {}
    limiter = context.limiter()
    for url in asks:
        limiter.wait(urlsplit(url).hostname or "", robots.delay(url))
    answered = context.revalidator(cfg).not_modified_many([(url, e, m) for url, (_, e, m) in asks.items()])
    return {pid: url in answered for url, (pid, _, _) in asks.items()}


def _fetch_one(db, batch: Batch, page, page_id: int, site, cfg, options, scan_id, referrer_id, force: bool,
               lane: str, asked: bool | None = None) -> None:
    """``asked``: the page's conditional GET was already sent with its batch by :func:`_ask_together`
    (robots allowed it and the pace was kept there; True: answered 304)."""
    url = page.url
    force = force or bool(options.get("force"))
    etag, modified = _revalidating(page, cfg, options, force)
    if asked is None:
        robots = context.robots(cfg)
        if not options.get("ignore_robots") and not robots.allowed(url):
            batch.add(page_id, "error", {"error": "disallowed by robots.txt"})
            return
        context.limiter().wait(urlsplit(url).hostname or "", robots.delay(url))
    # a page fetched before is asked "changed?" over the cheap path first; any answer but a plain
    # 304 is fetched by the regular client, exactly as without it
    fast = context.revalidator(cfg) if (etag or modified) and asked is None else None
    try:
        if asked or (fast is not None and fast.not_modified(url, etag, modified)):
            got = _NOT_MODIFIED
        else:
            got = conditional_fetch(context.client(cfg), url, etag, modified)
    except (FetchError, CuominError) as exc:
        code = getattr(exc, "code", "network")
        _link_problem(db, cfg.id, referrer_id, LinkStatus(url, False, None, code))
        batch.add(page_id, "error", {"error": f"{code}: {exc.message}"[:500], "fetched_at": utcnow()})
        return
    max_depth = int(options.get("max_depth", 20))
    if got.not_modified:
        links = [e[0] if isinstance(e, list) else e for e in page.links or []] if page.depth < max_depth else []
        batch.add(page_id, "unchanged", {"fetched_at": utcnow(), "status": 304}, links=links, depth=page.depth,
                  seen=True)
        return
    res = got.result
    if res.status >= 400:
        _link_problem(db, cfg.id, referrer_id, LinkStatus(url, False, res.status, "http_status",
                                                          tuple(res.redirects)))
        batch.add(page_id, "error", {"status": res.status, "error": f"HTTP {res.status}", "fetched_at": utcnow()})
        return
    kind = classify(res.final_url, res.headers)
    digest = hashlib.sha256(res.content).hexdigest()
    media_type = (res.content_type or "").split(";")[0] or None
    values = {"status": res.status, "kind": kind, "fetched_at": utcnow(), "error": None, "content_hash": digest,
              "media_type": media_type}
    validators = {"etag": res.headers.get("etag"), "last_modified": res.headers.get("last-modified")}
    if kind == "page" and len(res.content) <= INLINE_MAX:
        _analyse(db, batch, page=page, site=site, cfg=cfg, options=options, scan_id=scan_id, page_id=page_id,
                 data=res.content, kind=kind, media_type=media_type, digest=digest, referrer_id=referrer_id,
                 force=force, values={**values, **validators})
        return
    # an attachment (or a very large page): analysed by its own message, the body waits in the database.
    # The validators are stored only when it has been analysed, so a lost hand-off is fetched in full again.
    key = hashlib.sha256(f"{page_id}:{digest}".encode()).hexdigest()
    with db.engine.begin() as s:
        insert_ignore(s, Blob, {"sha256": key, "data": res.content, "created_at": utcnow()}, ["sha256"])
        s.execute(PAGES.update().where(PAGES.c.id == page_id).values(**values))
        if kind == "attachment":
            upsert(s, DocumentFile, {"page_id": page_id, "found_on_id": page.found_on_id,
                                     "filename": filename_of(res.final_url, res.headers), "media_type": media_type,
                                     "size": len(res.content), "sha256": digest}, ["page_id"])
    send("analyse", lane, scan_id, page_id, key, referrer_id, force, validators=[validators["etag"],
                                                                                 validators["last_modified"]])


def analyse_page(scan_id: int | None, page_id: int, blob_key: str, referrer_id: int | None = None,
                 force: bool = False, validators: list | None = None, *, lane: str = "crawl") -> str:
    db = context.db()
    page, site, cfg, options = _load(db, scan_id, page_id)
    with _reader(db).connect() as c:
        data = c.execute(select(Blob.data).where(Blob.sha256 == blob_key)).scalar() if page is not None else None
    if data is None:  # already recorded by an earlier delivery
        return "done"
    if scan_id and page.done_scan_id == scan_id:
        _resend(db, page.site_id, scan_id, [page_id], lane)
        return "duplicate"
    values = dict(zip(("etag", "last_modified"), validators or (None, None), strict=False))
    batch = Batch(db, site, scan_id, lane, int(options.get("max_pages", 100_000)))
    _analyse(db, batch, page=page, site=site, cfg=cfg, options=options, scan_id=scan_id, page_id=page_id, data=data,
             kind=page.kind, media_type=page.media_type, digest=None, referrer_id=referrer_id,
             force=force or bool(options.get("force")), values=values, blob_key=blob_key)
    out = batch.commit()
    return {"checked": "analysed"}.get(out[0], out[0]) if out else "done"


def _analyse(db, batch: Batch, *, page, site, cfg, options, scan_id, page_id, data: bytes, kind: str,
             media_type: str | None, digest: str | None, referrer_id, force: bool, values: dict[str, Any],
             blob_key: str | None = None) -> None:
    """Extract, detect and add the result to ``batch`` (recorded and finished when it commits)."""
    from scanner.extract import extract

    url = page.url
    scope = scope_for(site, options)
    try:
        doc = extract(data, url, content_type=media_type)
    except CuominError as exc:
        batch.add(page_id, "error", {**values, "error": f"{exc.code}: {exc.message}"[:500]}, blob_key=blob_key,
                  document={"extraction_error": exc.code} if kind == "attachment" else None)
        return
    links = discover(doc, url, scope) if kind == "page" else []
    meta: dict[str, list] = {}
    for link in doc.links if kind == "page" else []:
        target = normalize_url(link.href, url)
        if target in links and target not in meta:
            meta[target] = [target, (link.text or "")[:200], link.selector]
    values = {**values, "links": [meta.get(u, [u, "", None]) for u in links],
              "title": (doc.title or "")[:1000] or None}
    common = {"links": links if scan_id and page.depth < scope.max_depth else [], "depth": page.depth,
              "blob_key": blob_key}
    if kind == "page" and looks_soft_404(200, doc.title, doc.text):
        _link_problem(db, cfg.id, referrer_id, LinkStatus(url, False, 200, "soft_404"))
    checker = context.checker(cfg)
    chash = content_hash(doc.text)
    if not force and (page.checked_hash, page.checked_ruleset) == (chash, checker.ruleset):
        batch.add(page_id, "unchanged", values, **common)
        return
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
    batch.add(page_id, "checked", values, digest=digest, **common,
              record={"findings": findings, "ruleset": result.ruleset, "content_hash": chash})


def record_findings(scan_id: int | None, page_id: int, blob_key: str, chash: str, ruleset: str,
                    findings: list[dict[str, Any]], *, lane: str = "crawl") -> list[int]:
    """Record a check done elsewhere (messages queued by earlier versions, which analysed and recorded
    in separate messages)."""
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

