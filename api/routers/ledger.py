"""The rectification ledger (整改台账) as XLSX or CSV, built by :mod:`scanner.tickets.ledger`;
an operator's ledger holds only their unit's tickets."""

from __future__ import annotations

from datetime import date
from typing import Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from api import audit
from api.auth.principal import Principal
from api.deps import COMMON_RESPONSES, principal
from api.scoping import tickets_query
from scanner.store.models import Site, Ticket
from scanner.tickets import ledger

router = APIRouter(prefix="/v1/ledger", tags=["ledger"], responses=COMMON_RESPONSES)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def build(session, items: list[Ticket], fmt: str) -> bytes:
    if fmt == "csv":
        return ledger.render_csv(session, items).encode("utf-8")
    return ledger.render_xlsx(session, items)


@router.get("", summary="Download the ledger (整改台账): every ticket and every state change",
            response_class=Response,
            responses={200: {"content": {XLSX: {}, "text/csv": {}}, "description": "the ledger file"}})
def export(request: Request, format: Literal["xlsx", "csv"] = "xlsx",
           site: str | None = Query(None, max_length=200), who: Principal = Depends(principal)) -> Response:
    with request.app.state.ctx.db.session() as s:
        q = tickets_query(s, who).order_by(Ticket.id)
        if site:
            q = q.join(Site, Site.id == Ticket.site_id).where(Site.key == site)
        items = list(s.scalars(q))
        data = build(s, items, format)
        audit.record(s, request, who, "ledger.export", "ledger", None, format=format, site=site, tickets=len(items))
    name = f"整改台账-{site or '全部'}-{date.today().isoformat()}.{format}"
    return Response(data, media_type=XLSX if format == "xlsx" else "text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})
