"""Crawl bookkeeping in the database: claim URLs for a scan (each once, under the page cap) and
send their fetch messages.  Claims are recorded with the page that found them (``found_on_id``),
in the same transaction that finishes that page, so a redelivered message of a finished page can
send the fetches of its unfinished claims again (a crash between commit and send loses nothing)."""

from __future__ import annotations

import os

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from scanner.store.lists import dialect_of, in_list
from scanner.store.models import Page, Scan
from scanner.store.recording import count_pages
from scanner.store.upsert import _insert

BATCH = max(1, int(os.environ.get("CUOMIN_FETCH_BATCH", "20")))  # pages per fetch message, at least …
MAX_BATCH = max(BATCH, int(os.environ.get("CUOMIN_FETCH_BATCH_MAX", "100")))  # … and at most
SPREAD = 16  # a long claim goes out in this many messages


def chunks(items: list) -> list[list]:
    """``items`` (claimed pages) cut into fetch messages: ``BATCH`` to a message, or, for a claim
    longer than ``SPREAD`` such messages, ``SPREAD`` messages (of at most ``MAX_BATCH``: more messages
    for a claim longer still).

    A message costs ≈ 6 ms of worker CPU (queue, page load, transaction) whatever it holds, and an
    unchanged page of a re-scan ≈ 0.2 ms: twenty to a message left a re-scan of the thousands of URLs
    a column index lists mostly overhead.  A short claim keeps small messages, so the worker threads
    of a small site's first scan all get work."""
    size = min(MAX_BATCH, max(BATCH, -(-len(items) // SPREAD)))
    return [items[i:i + size] for i in range(0, len(items), size)]


def _broker_errors() -> tuple[type[BaseException], ...]:
    import dramatiq

    errors: list[type[BaseException]] = [getattr(dramatiq.errors, "BrokerConnectionError", None)
                                         or dramatiq.errors.ConnectionError]
    try:
        import redis

        errors.append(redis.exceptions.ConnectionError)
    except ImportError:  # pragma: no cover - redis is a dependency
        pass
    return tuple(errors)


def send(stage: str, lane: str, *args, **kwargs) -> None:
    """Send to ``<stage>_<lane>``, riding out a broker restart of up to ≈ 20 s (the ``cuomin scan``
    command that seeds a scan has no queue to retry it; a worker's message would be retried)."""
    import time

    import dramatiq

    actor = dramatiq.get_broker().get_actor(f"{stage}_{lane}")
    errors = _broker_errors()
    for attempt in range(8):
        try:
            actor.send(*args, **kwargs)
            return
        except errors:
            if attempt == 7:
                raise
            time.sleep(min(0.5 * 2 ** attempt, 5.0))


_claimed: dict[tuple, set[str]] = {}  # per process: URLs known to be claimed (and sent) in a scan


def known_claims(db, scan_id: int | None) -> set[str]:
    """This process's set of URLs already claimed in ``scan_id`` and whose fetches were sent."""
    key = (db.url, scan_id)
    if key not in _claimed and len(_claimed) > 20:
        _claimed.pop(next(iter(_claimed)))
    return _claimed.setdefault(key, set())


def claim_many(session: Session, site_id: int, scan_id: int, asks: list[tuple[int | None, int, list[str]]],
               max_pages: int) -> dict[int | None, list[int]]:
    """Claim for the scan the URLs no page claimed yet, under the page cap and not when the scan is
    cancelled.  ``asks``: (page that found them, depth, URLs).  Returns the claimed page ids by the page
    that found them; the caller adds their number to the scan's ``pages_seen`` in the same transaction.

    The new URLs are inserted first (sorted), then the scan row is locked until the
    caller commits — never the other way round, so two claiming transactions cannot deadlock."""
    depth_of: dict[str, int] = {}
    for _, depth, urls in asks:
        for u in urls:
            depth_of.setdefault(u, depth)
    if not depth_of:
        return {}
    urls = sorted(depth_of)
    # only the URLs the site has never had are inserted (a re-scan's are all known: one SELECT), in
    # one sorted multi-row statement per thousand (RETURNING makes SQLAlchemy batch the executemany)
    known = set(session.execute(_stmt("known", session), {"site_id": site_id, "urls": urls}).scalars())
    new = [{"site_id": site_id, "url": u, "depth": depth_of[u], "kind": "page", "links": []}
           for u in urls if u not in known]
    if new:
        session.execute(_stmt("insert", session), new).all()
    status, seen = session.execute(_stmt("lock", session), {"scan_id": scan_id}).one()
    # A cancelled scan claims nothing new; pages already claimed finish (at-least-once delivery).
    room = 0 if status == "cancelled" else max(0, max_pages - seen)
    if not room:
        return {}
    free = dict(session.execute(_stmt("free", session), {"site_id": site_id, "urls": urls, "scan_id": scan_id}).all())
    groups: dict[tuple[int | None, int], list[int]] = {}
    for found_on, depth, us in asks:
        for u in us:
            pid = free.pop(u, None)
            if pid is not None and room > 0:
                groups.setdefault((found_on, depth), []).append(pid)
                room -= 1
    out: dict[int | None, list[int]] = {}
    for (found_on, depth), ids in groups.items():
        session.execute(_stmt("claim", session), {"ids": ids, "scan_id": scan_id, "found_on": found_on, "depth": depth})
        out.setdefault(found_on, []).extend(ids)
    return out


_STMTS: dict[tuple[str, str | None], object] = {}


def _stmt(name: str, session: Session | None = None):
    """claim_many's statements, built once and reused (a statement object executed again is found in
    SQLAlchemy's compiled cache as it is; building one per call costs more than running it)."""
    dialect = dialect_of(session) if session is not None else None
    key = (name, dialect)
    stmt = _STMTS.get(key)
    if stmt is None:
        pages, scans = Page.__table__, Scan.__table__
        if name == "known":
            stmt = select(pages.c.url).where(pages.c.site_id == bindparam("site_id"),
                                             in_list(pages.c.url, "urls", dialect))
        elif name == "insert":
            stmt = _insert(session, Page).on_conflict_do_nothing(index_elements=["site_id", "url"]).returning(
                pages.c.id)
        elif name == "lock":
            stmt = select(scans.c.status, scans.c.pages_seen).where(scans.c.id == bindparam("scan_id")).with_for_update()
        elif name == "free":
            stmt = select(pages.c.url, pages.c.id).where(
                pages.c.site_id == bindparam("site_id"), in_list(pages.c.url, "urls", dialect),
                (pages.c.last_scan_id.is_(None)) | (pages.c.last_scan_id != bindparam("scan_id")))
        else:  # claim
            stmt = update(pages).where(in_list(pages.c.id, "ids", dialect)).values(
                last_scan_id=bindparam("scan_id"), found_on_id=bindparam("found_on"), depth=bindparam("depth"))
        _STMTS[key] = stmt
    return stmt


def claim_fresh(session: Session, site_id: int, scan_id: int, urls: list[str], depth: int,
                found_on: int | None, max_pages: int) -> list[int]:
    """Claim ``urls`` found on one page (see :func:`claim_many`) and count them; returns their ids."""
    ids = claim_many(session, site_id, scan_id, [(found_on, depth, urls)], max_pages).get(found_on, [])
    count_pages(session, scan_id, seen=len(ids))
    return ids


def pending_claims(session: Session, site_id: int, scan_id: int, found_on: int) -> list[int]:
    """Pages ``found_on`` claimed in the scan that have not finished."""
    return list(session.execute(select(Page.id).where(
        Page.found_on_id == found_on, Page.site_id == site_id, Page.last_scan_id == scan_id,
        (Page.done_scan_id.is_(None)) | (Page.done_scan_id != scan_id))).scalars())


def claim(session: Session, site_id: int, scan_id: int, urls: list[str], depth: int,
          found_on: int | None, max_pages: int, known: set[str] | None = None) -> list[int]:
    """Page ids of ``urls`` this call (or an earlier delivery of the same message) claimed for the scan."""
    known = known if known is not None else set()
    ask = [u for u in urls if u not in known] if found_on is not None else urls
    if ask:
        urls = ask
        claim_fresh(session, site_id, scan_id, urls, depth, found_on, max_pages)
    if found_on is None:
        return list(session.execute(select(Page.id).where(
            Page.site_id == site_id, Page.url.in_(urls), Page.last_scan_id == scan_id)).scalars())
    return pending_claims(session, site_id, scan_id, found_on)


def claim_and_send(db, site_id: int, scan_id: int, urls: list[str], depth: int, found_on: int | None,
                   max_pages: int, lane: str) -> int:
    known = known_claims(db, scan_id)
    with db.session() as s:
        ids = claim(s, site_id, scan_id, urls, depth, found_on, max_pages, known)
    for chunk in chunks(ids):
        send("fetch", lane, scan_id, chunk, found_on)
    known.update(urls)  # committed and sent: this process need not ask the database again
    return len(ids)
