"""Query scoping: what rows a principal may see (sites of an API key, unit of an operator)."""

from __future__ import annotations

from fastapi import HTTPException
from sqlalchemy import Select, select

from api.auth.principal import Principal
from scanner.store.models import FindingRow, Page, Site, Ticket


def site_ids(session, who: Principal) -> list[int] | None:
    """Site ids the principal is limited to (None: all)."""
    if who.sites is None:
        return None
    return list(session.scalars(select(Site.id).where(Site.key.in_(sorted(who.sites)))))


def _scoped(session, who: Principal, q: Select, site_col, unit_col) -> Select:
    """``q`` narrowed to the principal's sites and, for a unit operator, to their unit."""
    ids = site_ids(session, who)
    if ids is not None:
        q = q.where(site_col.in_(ids))
    if not who.sees_all_units:
        q = q.where(unit_col == who.unit_id) if who.unit_id is not None else q.where(False)
    return q


def tickets_query(session, who: Principal) -> Select:
    return _scoped(session, who, select(Ticket), Ticket.site_id, Ticket.unit_id)


def findings_query(session, who: Principal) -> Select:
    q = select(FindingRow, Page.url, Page.unit_id).join(Page, Page.id == FindingRow.page_id)
    return _scoped(session, who, q, FindingRow.site_id, Page.unit_id)


def ticket_or_404(session, who: Principal, ticket_id: int) -> Ticket:
    """The ticket if the principal may see it; 404 otherwise (existence is not revealed)."""
    t = session.scalar(tickets_query(session, who).where(Ticket.id == ticket_id))
    if t is None:
        raise HTTPException(404, "no such ticket")
    return t
