"""Record what a check of one page found: finding rows (masked), resolved rows, tickets, alerts.

``record_page`` is idempotent: finding rows are upserted on (page, fingerprint),
tickets inserted on (site, fingerprint), and the page's checked hash/ruleset set,
so a redelivered record message changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from scanner.findings import Severity
from scanner.store.models import FindingRow, Page, Scan, SiteColumn, utcnow
from scanner.store.upsert import _insert

FIELDS = ("detector", "rule", "category", "keyword", "excerpt", "excerpt_start", "suggestion", "location",
          "explanation", "confidence", "start", "end", "template", "hidden")


def unit_for(session: Session, site_id: int, url: str, default_unit_id: int | None) -> tuple[int | None, str | None]:
    """(unit id, column name) of the longest 栏目 prefix matching ``url``."""
    from urllib.parse import urlsplit

    path = urlsplit(url).path or "/"
    best = None
    for col in session.execute(select(SiteColumn).where(SiteColumn.site_id == site_id)).scalars():
        target = url if "://" in col.prefix else path
        if target.startswith(col.prefix) and (best is None or len(col.prefix) > len(best.prefix)):
            best = col
    if best is None:
        return default_unit_id, None
    return best.unit_id or default_unit_id, best.name


def resolve_gone(session, page_id: int | list[int], keep: Sequence[int] = (), detectors: Iterable[str] | None = None,
                 now=None) -> None:
    """Mark the unresolved finding rows of a page (or a list of pages) resolved, except ``keep`` (ids)
    — only those of ``detectors`` when given.  ``session`` may be an ORM session or a Core connection."""
    on_page = FindingRow.page_id.in_(page_id) if isinstance(page_id, list) else FindingRow.page_id == page_id
    stale = update(FindingRow).where(on_page, FindingRow.resolved_at.is_(None))
    if keep:
        stale = stale.where(FindingRow.id.not_in(list(keep)))
    if detectors is not None:
        stale = stale.where(FindingRow.detector.in_(list(detectors)))
    session.execute(stale.values(resolved_at=now or utcnow()))


def record_page(session: Session, *, site_id: int, page_id: int, scan_id: int | None, findings: Sequence[dict],
                ruleset: str, content_hash: str | None, detectors: Iterable[str] | None = None,
                default_unit_id: int | None = None) -> list[tuple[int, bool]]:
    """Store ``findings`` (``Finding.to_dict()`` shapes, already masked) for one page.

    Rows of this page not in ``findings`` are marked resolved — only those of
    ``detectors`` when given (the link checks resolve their own rows).
    Returns (ticket id, created) per distinct fingerprint.
    """
    from scanner.tickets.service import open_for_findings

    now = utcnow()
    grouped: dict[str, dict[str, Any]] = {}
    counts: dict[str, int] = {}
    for f in findings:
        fp = f["fingerprint"]
        counts[fp] = counts.get(fp, 0) + 1
        grouped.setdefault(fp, f)
    seen_ids = []
    out: list[tuple[int, bool]] = []
    url = unit_id = None
    if grouped:
        url = session.execute(select(Page.url).where(Page.id == page_id)).scalar_one()
        unit_id, _ = unit_for(session, site_id, url, default_unit_id)
    rows: dict[str, dict[str, Any]] = {}
    for fp, f in grouped.items():
        values = {k: f.get(k) for k in FIELDS if k in f}
        values.update(site_id=site_id, page_id=page_id, fingerprint=fp, scan_id=scan_id,
                      severity=int(Severity.parse(f["severity"])), ruleset=ruleset, occurrences=counts[fp],
                      last_seen=now, resolved_at=None)
        values["location"] = values.get("location") or {}
        values["explanation"] = values.get("explanation") or {}
        values["suggestion"] = values.get("suggestion")
        rows[fp] = values
    # one INSERT … ON CONFLICT DO UPDATE per set of columns (normally one for the whole page)
    stored: dict[str, tuple[int, int | None]] = {}
    by_cols: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for values in rows.values():
        by_cols.setdefault(tuple(sorted(values)), []).append({**values, "first_scan_id": scan_id, "first_seen": now})
    for cols, group in by_cols.items():
        stmt = _insert(session, FindingRow).values(group)
        stmt = stmt.on_conflict_do_update(index_elements=["page_id", "fingerprint"], set_={
            c: stmt.excluded[c] for c in cols if c not in ("page_id", "fingerprint")})
        for rid, fp, tid in session.execute(stmt.returning(FindingRow.id, FindingRow.fingerprint,
                                                           FindingRow.ticket_id)):
            stored[fp] = (rid, tid)
    seen_ids = [stored[fp][0] for fp in rows]
    if rows:
        tickets = open_for_findings(session, site_id, [
            {"values": v, "finding_id": stored[fp][0], "url": url,
             "unit_id": default_unit_id if v.get("template") else unit_id} for fp, v in rows.items()], now=now)
        relink = [{"f_id": stored[fp][0], "t_id": t.id} for fp, (t, _) in tickets.items() if stored[fp][1] != t.id]
        if relink:
            table = FindingRow.__table__
            session.execute(update(table).where(table.c.id == bindparam("f_id")).values(ticket_id=bindparam("t_id")),
                            relink)
        out = [(tickets[fp][0].id, tickets[fp][1]) for fp in rows]
    resolve_gone(session, page_id, seen_ids, detectors, now)
    if content_hash is not None:
        session.execute(update(Page).where(Page.id == page_id).values(
            checked_hash=content_hash, checked_ruleset=ruleset, checked_at=now))
    return out


def finish_page(session: Session, scan_id: int | None, page_id: int, outcome: str,
                values: dict[str, Any] | None = None) -> bool:
    """Count the page once for its scan (``checked``, ``unchanged`` or ``error``); False if already counted.

    ``values`` (page columns) are written by the same statement (and also without a scan).
    ``session`` may be an ORM session or a Core connection."""
    pages, scans = Page.__table__, Scan.__table__
    if scan_id is None:
        if values:
            session.execute(update(pages).where(pages.c.id == page_id).values(**values))
        return False
    done = session.execute(update(pages).where(pages.c.id == page_id).where(
        (pages.c.done_scan_id.is_(None)) | (pages.c.done_scan_id != scan_id)).values(
            **(values or {}), done_scan_id=scan_id)).rowcount
    if not done:
        return False
    column = scans.c[{"checked": "pages_checked", "unchanged": "pages_unchanged", "error": "errors"}[outcome]]
    session.execute(update(scans).where(scans.c.id == scan_id).values({column.name: column + 1}))
    return True


def mark_done_many(session, scan_id: int, page_ids: list[int], values: dict[str, Any] | None = None) -> set[int]:
    """Mark pages finished for their scan in one statement; returns those this call marked (the rest
    were already finished in this scan).  ``values``: columns set on every page this call marks, by
    the same statement (the status and fetch time of pages answered 304).  The rows stay locked until
    the caller commits, so a concurrent redelivery of the same pages waits and then finds them
    finished.  The caller counts them with :func:`count_pages` in the same transaction."""
    from scanner.store.lists import dialect_of, in_list

    values = values or {}
    cols = tuple(sorted(values))
    key = (dialect_of(session), cols)
    stmt = _MARK_DONE.get(key)
    if stmt is None:  # one statement object per set of columns, reused (found in the compiled cache as is)
        pages = Page.__table__
        stmt = _MARK_DONE[key] = update(pages).where(in_list(pages.c.id, "ids", key[0])).where(
            (pages.c.done_scan_id.is_(None)) | (pages.c.done_scan_id != bindparam("scan_id"))).values(
                {pages.c.done_scan_id: bindparam("scan_id"),
                 **{pages.c[c]: bindparam(f"v_{c}", type_=pages.c[c].type) for c in cols}}).returning(pages.c.id)
    return set(session.execute(stmt, {"ids": list(page_ids), "scan_id": scan_id,
                                      **{f"v_{c}": values[c] for c in cols}}).scalars())


_MARK_DONE: dict[tuple[str, tuple[str, ...]], Any] = {}
_COUNT: dict[tuple[str, ...], Any] = {}


def write_pages(session, writes: list[tuple[int, dict[str, Any]]]) -> None:
    """Write page columns, one executemany per set of columns (pipelined by the driver)."""
    from sqlalchemy import bindparam

    pages = Page.__table__
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for page_id, values in writes:
        if values:
            cols = tuple(sorted(values))
            groups.setdefault(cols, []).append({"p_id": page_id, **{f"v_{c}": values[c] for c in cols}})
    for cols, params in groups.items():
        stmt = update(pages).where(pages.c.id == bindparam("p_id")).values(
            {c: bindparam(f"v_{c}", type_=pages.c[c].type) for c in cols})
        session.execute(stmt, params)

def count_pages(session, scan_id: int, seen: int = 0, checked: int = 0, unchanged: int = 0, error: int = 0) -> None:
    """Add to a scan's counters in one statement (the claims and finishes of one transaction)."""
    add = {k: v for k, v in (("pages_seen", seen), ("pages_checked", checked), ("pages_unchanged", unchanged),
                             ("errors", error)) if v}
    if not add:
        return
    cols = tuple(add)
    stmt = _COUNT.get(cols)
    if stmt is None:
        scans = Scan.__table__
        stmt = _COUNT[cols] = update(scans).where(scans.c.id == bindparam("scan_id")).values(
            {scans.c[k]: scans.c[k] + bindparam(f"add_{k}", type_=scans.c[k].type) for k in cols})
    session.execute(stmt, {"scan_id": scan_id, **{f"add_{k}": v for k, v in add.items()}})
