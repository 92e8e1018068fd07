"""Rectification tickets (整改工单): list, read with timeline, transition, comment, fix and re-check.

The state machine and the ledger are :mod:`scanner.tickets` — this router only
checks who may do what: an operator sees and changes only their own unit's
tickets (fix, comment); reviewers and admins may also assign, mark false positive
or accepted risk, reactivate and re-check.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import func, select

from api import audit
from api.auth.principal import Principal
from api.deps import COMMON_RESPONSES, IdPath, principal
from api.scoping import ticket_or_404, tickets_query
from scanner.findings import Severity
from scanner.store.models import Comment, Site, Ticket, TicketEvent, Unit, User
from scanner.tickets import service, sla
from scanner.tickets.states import STATE_NAMES, TransitionError

router = APIRouter(prefix="/v1/tickets", tags=["tickets"], responses=COMMON_RESPONSES)

OPERATOR_ACTIONS = {"fix"}


class TransitionBody(BaseModel):
    action: Literal["assign", "fix", "false_positive", "accept_risk", "reactivate"]
    reason: str | None = Field(None, max_length=2000)
    note: str | None = Field(None, max_length=2000)
    unit: str | None = Field(None, max_length=200)
    assignee: str | None = Field(None, max_length=150)


class CommentBody(BaseModel):
    body: str = Field(..., min_length=1, max_length=5000)


def _iso(v):
    return v.isoformat() if v is not None else None


def ticket_out(t: Ticket, units: dict, sites: dict) -> dict:
    return {"id": t.id, "site": sites.get(t.site_id), "url": t.url, "state": t.state,
            "stateName": STATE_NAMES.get(t.state, t.state), "kind": t.kind, "detector": t.detector,
            "rule": t.rule, "category": t.category, "severity": Severity(t.severity).label,
            "keyword": t.keyword, "excerpt": t.excerpt, "suggestion": t.suggestion,
            "explanation": t.explanation, "location": t.location, "unit": units.get(t.unit_id),
            "reason": t.reason, "createdAt": _iso(t.created_at), "dueAt": _iso(t.due_at),
            "fixedAt": _iso(t.fixed_at), "closedAt": _iso(t.closed_at), "reopenCount": t.reopen_count,
            "escalationLevel": t.escalation_level, "slaMet": sla.met(t.due_at, t.fixed_at or t.closed_at)}


def _lookups(s) -> tuple[dict, dict]:
    return dict(s.execute(select(Unit.id, Unit.name)).all()), dict(s.execute(select(Site.id, Site.key)).all())


StateFilter = Literal["active", "open", "assigned", "fixed", "rechecking", "closed", "reopened", "false_positive",
                      "accepted_risk"]


@router.get("", summary="List tickets (an operator sees only their unit's)")
def list_tickets(request: Request, state: StateFilter | None = None,
                 site: str | None = Query(None, max_length=200), unit: str | None = Query(None, max_length=200),
                 limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=1_000_000),
                 who: Principal = Depends(principal)) -> dict:
    with request.app.state.ctx.db.session() as s:
        q = tickets_query(s, who)
        if state == "active":
            q = q.where(Ticket.state.in_(("open", "assigned", "reopened", "fixed", "rechecking")))
        elif state:
            q = q.where(Ticket.state == state)
        if site:
            q = q.join(Site, Site.id == Ticket.site_id).where(Site.key == site)
        if unit:
            q = q.join(Unit, Unit.id == Ticket.unit_id).where(Unit.name == unit)
        total = s.scalar(select(func.count()).select_from(q.subquery()))
        units, sites = _lookups(s)
        rows = s.scalars(q.order_by(Ticket.severity.desc(), Ticket.id).limit(limit).offset(offset)).all()
        return {"total": total, "items": [ticket_out(t, units, sites) for t in rows]}


def ticket_detail(s, t: Ticket) -> dict:
    units, sites = _lookups(s)
    events = s.scalars(select(TicketEvent).where(TicketEvent.ticket_id == t.id).order_by(TicketEvent.id)).all()
    comments = s.scalars(select(Comment).where(Comment.ticket_id == t.id).order_by(Comment.id)).all()
    return {**ticket_out(t, units, sites),
            "timeline": [{"at": _iso(e.at), "actor": e.actor, "action": e.action, "from": e.from_state,
                          "to": e.to_state, "toName": STATE_NAMES.get(e.to_state or "", e.to_state),
                          "note": e.note} for e in events],
            "comments": [{"at": _iso(c.created_at), "author": c.author, "body": c.body} for c in comments],
            "occurrences": [url for _, url in service.occurrences(s, t, unresolved_only=False)]}


@router.get("/{ticket_id}", summary="One ticket with its timeline, comments and occurrences",
            responses={404: {"description": "no such ticket (or not yours)"}})
def get_ticket(ticket_id: IdPath, request: Request, who: Principal = Depends(principal)) -> dict:
    with request.app.state.ctx.db.session() as s:
        return ticket_detail(s, ticket_or_404(s, who, ticket_id))


@router.post("/{ticket_id}/transition", summary="Move a ticket: assign, fix, false_positive, accept_risk, reactivate",
             responses={403: {"description": "role may not do this"}, 404: {"description": "no such ticket"},
                        409: {"description": "not allowed in this state"}})
def transition(ticket_id: IdPath, body: TransitionBody, request: Request, who: Principal = Depends(principal)) -> dict:
    if who.kind != "user":
        raise HTTPException(403, "tickets are changed by signed-in users")
    if who.role == "operator" and body.action not in OPERATOR_ACTIONS:
        raise HTTPException(403, f"an operator may not {body.action}")
    ctx = request.app.state.ctx
    pages: list[int] = []
    with ctx.db.session() as s:
        t = ticket_or_404(s, who, ticket_id)
        try:
            if body.action == "fix":
                pages = service.mark_fixed(s, t, who.name, note=body.note)
            elif body.action == "assign":
                assignee = s.scalar(select(User.id).where(User.username == body.assignee)) if body.assignee else None
                unit = s.scalar(select(Unit.id).where(Unit.name == body.unit)) if body.unit else None
                if (body.assignee and assignee is None) or (body.unit and unit is None):
                    raise HTTPException(400, "unknown unit or user")
                service.assign(s, t, who.name, assignee_id=assignee, unit_id=unit)
            else:
                service.transition(s, t, body.action, who.name, reason=body.reason, note=body.note)
        except TransitionError as exc:
            raise HTTPException(409, str(exc)) from None
        audit.record(s, request, who, f"ticket.{body.action}", "ticket", ticket_id, reason=body.reason)
    if pages:
        ctx.rechecks.start(ticket_id, pages)
    with ctx.db.session() as s:
        return ticket_detail(s, s.get(Ticket, ticket_id))


@router.post("/{ticket_id}/recheck", summary="Re-check a fixed ticket's pages now (closes or reopens it)",
             responses={404: {"description": "no such ticket"}, 409: {"description": "ticket is not fixed"}})
def recheck(ticket_id: IdPath, request: Request, who: Principal = Depends(principal)) -> dict:
    if who.kind != "user":
        raise HTTPException(403, "tickets are changed by signed-in users")
    ctx = request.app.state.ctx
    with ctx.db.session() as s:
        t = ticket_or_404(s, who, ticket_id)
        if t.state == "fixed":
            pages = [pid for pid, _ in service.occurrences(s, t, unresolved_only=False)]
            service.transition(s, t, "recheck", who.name, note="manual re-check", pages=pages)
        elif t.state == "rechecking":
            pages = [pid for pid, _ in service.occurrences(s, t, unresolved_only=False)]
        else:
            raise HTTPException(409, f"cannot re-check a ticket that is {t.state}")
        audit.record(s, request, who, "ticket.recheck", "ticket", ticket_id)
    ctx.rechecks.start(ticket_id, pages, wait=True)
    with ctx.db.session() as s:
        return ticket_detail(s, s.get(Ticket, ticket_id))


@router.post("/{ticket_id}/comments", status_code=201, summary="Comment on a ticket",
             responses={404: {"description": "no such ticket"}})
def comment(ticket_id: IdPath, body: CommentBody, request: Request, who: Principal = Depends(principal)) -> dict:
    if who.kind != "user":
        raise HTTPException(403, "comments are written by signed-in users")
    with request.app.state.ctx.db.session() as s:
        t = ticket_or_404(s, who, ticket_id)
        c = Comment(ticket_id=t.id, author=who.name, body=body.body)
        s.add(c)
        service.log_event(s, t, who.name, "comment", t.state, t.state, note=body.body[:200])
        audit.record(s, request, who, "ticket.comment", "ticket", ticket_id)
        s.flush()
        return {"id": c.id, "author": c.author, "body": c.body}
