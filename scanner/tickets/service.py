"""Ticket operations on the database: open from findings, move through states, ledger every change.

All functions take a SQLAlchemy session inside a transaction; callers commit.
``open_for_finding`` is idempotent (unique (site, fingerprint)), so a redelivered
record message never opens a second ticket.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from scanner.store.models import FindingRow, Page, Ticket, TicketEvent, utcnow
from scanner.store.upsert import insert_ignore
from scanner.tickets import sla
from scanner.tickets.states import next_state

SYSTEM = "system"


def log_event(session: Session, ticket: Ticket, actor: str, action: str, from_state: str | None,
              to_state: str | None, note: str | None = None, **data: Any) -> TicketEvent:
    ev = TicketEvent(ticket_id=ticket.id, actor=actor, action=action, from_state=from_state, to_state=to_state,
                     note=note, data=data, at=utcnow())
    session.add(ev)
    return ev


def open_for_finding(session: Session, row: FindingRow, url: str, unit_id: int | None,
                     kind: str = "finding", now: datetime | None = None) -> tuple[Ticket, bool]:
    """The ticket for ``row``'s fingerprint on its site, created when new.  Returns (ticket, created).

    A closed ticket whose problem shows up again is reopened."""
    now = now or utcnow()
    created = insert_ignore(session, Ticket, {
        "site_id": row.site_id, "fingerprint": row.fingerprint, "kind": kind, "state": "open", "url": url,
        "detector": row.detector, "rule": row.rule, "category": row.category, "severity": row.severity,
        "keyword": row.keyword, "excerpt": row.excerpt, "suggestion": row.suggestion, "location": row.location,
        "explanation": row.explanation, "template": row.template, "unit_id": unit_id,
        "notified_at": now, "due_at": sla.due_at(kind, now), "created_at": now, "updated_at": now,
        "escalation_level": 0, "reopen_count": 0, "extended": False,
    }, ["site_id", "fingerprint"])
    ticket = session.execute(select(Ticket).where(Ticket.site_id == row.site_id,
                                                  Ticket.fingerprint == row.fingerprint)).scalar_one()
    if created:
        log_event(session, ticket, SYSTEM, "created", None, "open", url=url, finding=row.id)
    elif ticket.state == "closed":
        transition(session, ticket, "reappear", SYSTEM, note="problem found again by a later scan", url=url)
    return ticket, created


def open_for_findings(session: Session, site_id: int, items: list[dict[str, Any]], kind: str = "finding",
                      now: datetime | None = None) -> dict[str, tuple[Ticket, bool]]:
    """:func:`open_for_finding` for many findings of one site in a few statements: one multi-row
    INSERT … ON CONFLICT DO NOTHING, one SELECT.  ``items``: {"values": finding row values (with
    ``fingerprint``), "finding_id", "url", "unit_id"}.  Returns fingerprint → (ticket, created)."""
    from scanner.store.upsert import _insert

    now = now or utcnow()
    due = sla.due_at(kind, now)
    rows = [{"site_id": site_id, "fingerprint": v["fingerprint"], "kind": kind, "state": "open", "url": it["url"],
             "detector": v.get("detector"), "rule": v.get("rule"), "category": v.get("category"),
             "severity": v.get("severity"),
             "keyword": v.get("keyword"), "excerpt": v.get("excerpt"), "suggestion": v.get("suggestion"),
             "location": v.get("location") or {}, "explanation": v.get("explanation") or {},
             "template": bool(v.get("template")), "unit_id": it["unit_id"], "notified_at": now, "due_at": due,
             "created_at": now, "updated_at": now, "escalation_level": 0, "reopen_count": 0, "extended": False}
            for it in items for v in [it["values"]]]
    stmt = _insert(session, Ticket).values(rows).on_conflict_do_nothing(index_elements=["site_id", "fingerprint"])
    created = set(session.execute(stmt.returning(Ticket.fingerprint)).scalars())
    fps = [r["fingerprint"] for r in rows]
    found = {t.fingerprint: t for t in session.execute(select(Ticket).where(
        Ticket.site_id == site_id, Ticket.fingerprint.in_(fps))).scalars()}
    out: dict[str, tuple[Ticket, bool]] = {}
    for it in items:
        fp = it["values"]["fingerprint"]
        ticket = found[fp]
        if fp in created:
            log_event(session, ticket, SYSTEM, "created", None, "open", url=it["url"], finding=it["finding_id"])
        elif ticket.state == "closed":
            transition(session, ticket, "reappear", SYSTEM, note="problem found again by a later scan", url=it["url"])
        out[fp] = (ticket, fp in created)
    return out


def transition(session: Session, ticket: Ticket, action: str, actor: str, *, reason: str | None = None,
               note: str | None = None, now: datetime | None = None, **data: Any) -> Ticket:
    """Apply ``action`` (see :mod:`scanner.tickets.states`) and write it to the ledger."""
    now = now or utcnow()
    before = ticket.state
    after = next_state(before, action, reason)
    ticket.state = after
    ticket.updated_at = now
    if reason:
        ticket.reason = reason
    if after == "fixed":
        ticket.fixed_at = now
    if after == "closed":
        ticket.closed_at = now
    if after == "reopened":
        ticket.reopen_count = (ticket.reopen_count or 0) + 1
        ticket.closed_at = None
        ticket.notified_at = now  # the unit is alerted again: a new 1-hour clock
        ticket.due_at = sla.due_at(ticket.kind, now, ticket.extended)
    if after == "open" and action == "reactivate":
        ticket.reason = None
    log_event(session, ticket, actor, action, before, after, note=note or reason, **data)
    return ticket


def assign(session: Session, ticket: Ticket, actor: str, assignee_id: int | None = None,
           unit_id: int | None = None) -> Ticket:
    if assignee_id is not None:
        ticket.assignee_id = assignee_id
    if unit_id is not None:
        ticket.unit_id = unit_id
    return transition(session, ticket, "assign", actor, assignee=assignee_id, unit=unit_id)


def extend(session: Session, ticket: Ticket, actor: str, reason: str) -> Ticket:
    """Reply tickets: extend the 7-working-day deadline to 15 working days (with a reason)."""
    if ticket.kind != "reply" or ticket.extended:
        raise ValueError("only a reply ticket can be extended, once")
    if not reason.strip():
        raise ValueError("extending needs a reason")
    ticket.extended = True
    start = ticket.notified_at or ticket.created_at
    ticket.due_at = sla.due_at("reply", start, extended=True)
    log_event(session, ticket, actor, "extend", ticket.state, ticket.state, note=reason,
              due_at=ticket.due_at.isoformat())
    return ticket


def occurrences(session: Session, ticket: Ticket, unresolved_only: bool = True) -> list[tuple[int, str]]:
    """(page id, url) of every page where the ticket's problem occurs."""
    q = select(Page.id, Page.url).join(FindingRow, FindingRow.page_id == Page.id).where(
        FindingRow.site_id == ticket.site_id, FindingRow.fingerprint == ticket.fingerprint)
    if unresolved_only:
        q = q.where(FindingRow.resolved_at.is_(None))
    return [(pid, url) for pid, url in session.execute(q.order_by(Page.url)).all()]


def mark_fixed(session: Session, ticket: Ticket, actor: str, note: str | None = None) -> list[int]:
    """The unit says it is fixed: state fixed → rechecking; returns the page ids to re-check."""
    transition(session, ticket, "fix", actor, note=note)
    pages = [pid for pid, _ in occurrences(session, ticket)] or [pid for pid, _ in occurrences(session, ticket, False)]
    transition(session, ticket, "recheck", SYSTEM, note="automatic re-check queued", pages=pages)
    return pages


def conclude_recheck(session: Session, ticket: Ticket) -> Ticket:
    """After the re-check recorded its pages: close when no occurrence is left, else reopen."""
    if ticket.state != "rechecking":
        return ticket
    left = occurrences(session, ticket)
    if left:
        return transition(session, ticket, "fail", SYSTEM, note="re-check found the problem still present",
                          pages=[u for _, u in left])
    return transition(session, ticket, "pass", SYSTEM, note="re-check found the problem corrected")


def overdue(session: Session, now: datetime | None = None) -> list[Ticket]:
    now = now or datetime.now(UTC)
    q = select(Ticket).where(Ticket.state.in_(("open", "assigned", "reopened")), Ticket.due_at < now)
    return list(session.execute(q).scalars())


def escalate_overdue(session: Session, now: datetime | None = None) -> list[Ticket]:
    """Raise the escalation level of every overdue active ticket once per SLA period overdue."""
    now = now or datetime.now(UTC)
    raised: list[Ticket] = []
    for t in overdue(session, now):
        due = t.due_at if t.due_at.tzinfo else t.due_at.replace(tzinfo=UTC)
        start = t.notified_at or t.created_at
        start = start if start.tzinfo else start.replace(tzinfo=UTC)
        period = max(due - start, sla.timedelta(hours=1))
        level = 1 + int((now - due) / period)
        if level > (t.escalation_level or 0):
            session.execute(update(Ticket).where(Ticket.id == t.id).values(escalation_level=level, escalated_at=now))
            t.escalation_level, t.escalated_at = level, now
            log_event(session, t, SYSTEM, "escalate", t.state, t.state, note=f"overdue: escalation level {level}",
                      level=level, due_at=due.isoformat())
            raised.append(t)
    return raised
