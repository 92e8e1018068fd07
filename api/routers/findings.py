"""Findings: list and filter (the reviewer's queue), and triage — confirm, false positive, assign.

Triage works on the finding's rectification ticket through :mod:`scanner.tickets.service`
(the state machine is not repeated here): *confirm* hands it to the responsible
unit (``assign``), *false_positive* closes it with a reason, *assign* gives it to
another unit or person.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import func, select

from api import audit
from api.auth.principal import Principal
from api.deps import COMMON_RESPONSES, IdPath, principal, require_role
from api.scoping import findings_query
from scanner.findings import Severity
from scanner.store.models import FindingRow, Site, Ticket, Unit, User
from scanner.tickets import service
from scanner.tickets.states import STATE_NAMES, TransitionError

router = APIRouter(prefix="/v1/findings", tags=["findings"], responses=COMMON_RESPONSES)

SeverityName = Literal["info", "low", "medium", "high", "veto"]


class TriageBody(BaseModel):
    action: Literal["confirm", "false_positive", "assign"]
    reason: str | None = Field(None, max_length=2000, description="required for false_positive")
    unit: str | None = Field(None, max_length=200, description="assign: the responsible unit")
    assignee: str | None = Field(None, max_length=150, description="assign: a username")
    allowPhrase: str | None = Field(None, min_length=2, max_length=200,
                                    description="false_positive of a sensitive-wording hit: propose this phrase "
                                                "for the allow-list (reviewed by someone else before it counts)")


def excerpt_start(row: FindingRow) -> int:
    """Where the keyword sits in the excerpt (rows recorded without ``excerpt_start`` are searched)."""
    start = row.excerpt_start or 0
    if row.excerpt[start:start + len(row.keyword)] == row.keyword:
        return start
    found = row.excerpt.find(row.keyword)
    return found if found >= 0 else start


def finding_out(row: FindingRow, url: str, units: dict, ticket: Ticket | None, site_key: str | None) -> dict:
    return {
        "id": row.id, "site": site_key, "url": url, "detector": row.detector, "rule": row.rule,
        "category": row.category, "severity": Severity(row.severity).label, "keyword": row.keyword,
        "excerpt": row.excerpt, "excerptStart": excerpt_start(row), "suggestion": row.suggestion,
        "explanation": row.explanation, "location": row.location, "confidence": row.confidence,
        "occurrences": row.occurrences, "template": row.template, "hidden": row.hidden,
        "firstSeen": row.first_seen.isoformat() if row.first_seen else None,
        "resolved": row.resolved_at is not None,
        "ticket": None if ticket is None else {"id": ticket.id, "state": ticket.state,
                                               "stateName": STATE_NAMES.get(ticket.state, ticket.state),
                                               "unit": units.get(ticket.unit_id)},
    }


def query_findings(session, who: Principal, *, site=None, severity=None, detector=None, status=None, q=None,
                   limit=50, offset=0) -> tuple[int, list[dict]]:
    query = findings_query(session, who).where(FindingRow.resolved_at.is_(None))
    if site:
        query = query.join(Site, Site.id == FindingRow.site_id).where(Site.key == site)
    if severity:
        query = query.where(FindingRow.severity >= int(Severity.parse(severity)))
    if detector:
        query = query.where(FindingRow.detector == detector)
    if q:
        query = query.where(FindingRow.keyword.contains(q) | FindingRow.excerpt.contains(q))
    if status == "untriaged":
        query = query.outerjoin(Ticket, Ticket.id == FindingRow.ticket_id).where(
            (FindingRow.ticket_id.is_(None)) | (Ticket.state == "open"))
    elif status == "triaged":
        query = query.join(Ticket, Ticket.id == FindingRow.ticket_id).where(Ticket.state != "open")
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.execute(query.order_by(FindingRow.severity.desc(), FindingRow.id).limit(limit).offset(offset)).all()
    units = dict(session.execute(select(Unit.id, Unit.name)).all())
    sites = dict(session.execute(select(Site.id, Site.key)).all())
    tickets = {t.id: t for t in session.scalars(select(Ticket).where(
        Ticket.id.in_([r[0].ticket_id for r in rows if r[0].ticket_id])))}
    return total, [finding_out(r, url, units, tickets.get(r.ticket_id), sites.get(r.site_id))
                   for r, url, _unit in rows]


@router.get("", summary="List findings (filter by site, minimum severity, detector, triage status, text)")
def list_findings(request: Request, site: str | None = Query(None, max_length=200),
                  severity: SeverityName | None = None, detector: str | None = Query(None, max_length=50),
                  status: Literal["untriaged", "triaged", "all"] = "all", q: str | None = Query(None, max_length=200),
                  limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=1_000_000),
                  who: Principal = Depends(principal)) -> dict:
    with request.app.state.ctx.db.session() as s:
        total, items = query_findings(s, who, site=site, severity=severity, detector=detector, status=status, q=q,
                                      limit=limit, offset=offset)
        return {"total": total, "items": items}


@router.get("/{finding_id}", summary="One finding", responses={404: {"description": "no such finding"}})
def get_finding(finding_id: IdPath, request: Request, who: Principal = Depends(principal)) -> dict:
    with request.app.state.ctx.db.session() as s:
        found = s.execute(findings_query(s, who).where(FindingRow.id == finding_id)).first()
        if found is None:
            raise HTTPException(404, "no such finding")
        row, url, _ = found
        units = dict(s.execute(select(Unit.id, Unit.name)).all())
        site_key = s.scalar(select(Site.key).where(Site.id == row.site_id))
        return finding_out(row, url, units, s.get(Ticket, row.ticket_id) if row.ticket_id else None, site_key)


@router.post("/{finding_id}/triage", summary="Confirm, mark a false positive (with a reason), or assign",
             responses={404: {"description": "no such finding"}, 409: {"description": "not allowed in this state"},
                        400: {"description": "missing reason or unknown unit/user"}})
def triage(finding_id: IdPath, body: TriageBody, request: Request,
           who: Principal = Depends(require_role("admin", "reviewer"))) -> dict:
    from scanner.store.sites import unit_id as unit_id_for

    with request.app.state.ctx.db.session() as s:
        found = s.execute(findings_query(s, who).where(FindingRow.id == finding_id)).first()
        if found is None:
            raise HTTPException(404, "no such finding")
        row, url, page_unit = found
        ticket = s.get(Ticket, row.ticket_id) if row.ticket_id else None
        proposal = None
        if ticket is None:
            ticket, _ = service.open_for_finding(s, row, url, page_unit)
            row.ticket_id = ticket.id
        try:
            if body.action == "false_positive":
                if not (body.reason or "").strip():
                    raise HTTPException(400, "a false positive needs a reason")
                service.transition(s, ticket, "false_positive", who.name, reason=body.reason.strip())
                if body.allowPhrase:
                    proposal = _propose(request, who, row, body)
            else:
                assignee = None
                if body.assignee:
                    assignee = s.scalar(select(User.id).where(User.username == body.assignee))
                    if assignee is None:
                        raise HTTPException(400, f"unknown user {body.assignee!r}")
                unit = None
                if body.action == "assign" and body.unit:
                    if s.scalar(select(Unit.id).where(Unit.name == body.unit)) is None:
                        raise HTTPException(400, f"unknown unit {body.unit!r}")
                    unit = unit_id_for(s, body.unit)
                if body.action == "confirm":
                    if ticket.unit_id is None:
                        ticket.unit_id = page_unit
                    if assignee is not None:
                        ticket.assignee_id = assignee
                    service.transition(s, ticket, "assign", who.name, note="审核确认：问题属实，交责任单位整改")
                else:
                    service.assign(s, ticket, who.name, assignee_id=assignee, unit_id=unit)
        except TransitionError as exc:
            raise HTTPException(409, str(exc)) from None
        audit.record(s, request, who, f"finding.{body.action}", "finding", finding_id, ticket=ticket.id,
                     reason=body.reason, unit=body.unit, assignee=body.assignee, proposal=proposal)
        return {"id": finding_id, "proposal": proposal,
                "ticket": {"id": ticket.id, "state": ticket.state,
                           "stateName": STATE_NAMES.get(ticket.state, ticket.state)}}


def _propose(request: Request, who: Principal, row: FindingRow, body: TriageBody) -> str:
    from api.routers.dictionaries import store
    from scanner.detectors.sensitive.proposals import ProposalError

    if row.detector != "sensitive":
        raise HTTPException(400, "allow-list proposals are for sensitive-wording findings")
    try:
        return store(request).propose(body.allowPhrase, reason=body.reason or "", proposer=who.name,
                                      keyword=row.keyword, rule=row.rule, fingerprint=row.fingerprint).id
    except ProposalError as exc:
        raise HTTPException(400, str(exc)) from None
