"""The rectification ledger (整改台账) as XLSX or CSV, built by :mod:`scanner.tickets.ledger`;
an operator's ledger holds only their unit's tickets."""

from __future__ import annotations

import csv
import io
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
    trows = ledger.ticket_rows(session, items)
    erows = ledger.event_rows(session, items)
    if fmt == "csv":
        by_id = {r[0]: r for r in trows}
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(ledger.TICKET_COLUMNS + ["动作", "原状态", "新状态", "操作人", "时间", "备注"])
        for ev in erows:
            w.writerow(by_id[ev[0]] + ev[5:])
        return ("\ufeff" + buf.getvalue()).encode("utf-8")
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    first = wb.active
    for i, (title, header, rows) in enumerate((("整改台账", ledger.TICKET_COLUMNS, trows),
                                                ("处理记录", ledger.EVENT_COLUMNS, erows))):
        sheet = first if i == 0 else wb.create_sheet()
        sheet.title = title
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


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
