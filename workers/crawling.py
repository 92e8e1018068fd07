"""Crawl bookkeeping in the database: claim URLs for a scan (each once, under the page cap) and
send their fetch messages.  Claims are recorded with the page that found them, so a redelivered
message re-sends the fetches of its own claims (a crash between commit and send loses nothing)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from scanner.store.models import Page, Scan
from scanner.store.upsert import _insert


def send(stage: str, lane: str, *args, **kwargs) -> None:
    import dramatiq

    dramatiq.get_broker().get_actor(f"{stage}_{lane}").send(*args, **kwargs)


_claimed: dict[tuple, set[str]] = {}  # per process: URLs known to be claimed in a scan


def claim(session: Session, site_id: int, scan_id: int, urls: list[str], depth: int,
          found_on: int | None, max_pages: int, known: set[str] | None = None) -> list[int]:
    """Page ids of ``urls`` this call (or an earlier delivery of the same message) claimed for the scan."""
    known = known if known is not None else set()
    ask = [u for u in urls if u not in known] if found_on is not None else urls
    if ask:
        urls = ask
        stmt = _insert(session, Page).values([{"site_id": site_id, "url": u, "depth": depth, "kind": "page",
                                                "links": []} for u in urls])
        session.execute(stmt.on_conflict_do_nothing(index_elements=["site_id", "url"]))
        scan = session.execute(select(Scan).where(Scan.id == scan_id).with_for_update()).scalar_one()
        # A cancelled scan claims nothing new; pages already claimed finish (at-least-once delivery).
        room = 0 if scan.status == "cancelled" else max(0, max_pages - scan.pages_seen)
        if room:
            fresh = session.execute(select(Page.id).where(
                Page.site_id == site_id, Page.url.in_(urls),
                (Page.last_scan_id.is_(None)) | (Page.last_scan_id != scan_id)).order_by(Page.id).limit(room)
            ).scalars().all()
            if fresh:
                session.execute(update(Page).where(Page.id.in_(fresh)).values(
                    last_scan_id=scan_id, found_on_id=found_on, depth=depth))
                scan.pages_seen += len(fresh)
    if found_on is None:
        return list(session.execute(select(Page.id).where(
            Page.site_id == site_id, Page.url.in_(urls), Page.last_scan_id == scan_id)).scalars())
    return list(session.execute(select(Page.id).where(
        Page.site_id == site_id, Page.last_scan_id == scan_id, Page.found_on_id == found_on,
        (Page.done_scan_id.is_(None)) | (Page.done_scan_id != scan_id))).scalars())


def claim_and_send(db, site_id: int, scan_id: int, urls: list[str], depth: int, found_on: int | None,
                   max_pages: int, lane: str) -> int:
    key = (db.url, scan_id)
    if key not in _claimed and len(_claimed) > 20:
        _claimed.pop(next(iter(_claimed)))
    known = _claimed.setdefault(key, set())
    with db.session() as s:
        ids = claim(s, site_id, scan_id, urls, depth, found_on, max_pages, known)
    # committed: these URLs are claimed in this scan, this process need not ask the database again
    known.update(urls)
    for pid in ids:
        send("fetch", lane, scan_id, pid, found_on)
    return len(ids)
