"""The rectification ledger (整改台账): every ticket and every state change, who and when, as XLSX or CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from scanner.findings import Severity
from scanner.store.models import Site, Ticket, TicketEvent, Unit
from scanner.tickets import sla
from scanner.tickets.states import STATE_NAMES

TICKET_COLUMNS = ["工单号", "网站", "页面", "检测项", "问题类别", "严重程度", "问题内容", "原文摘录", "修改建议",
                  "责任单位", "状态", "发现时间", "通知时间", "整改时限", "整改时间", "闭环时间", "是否按时",
                  "重新打开次数", "督办级别", "说明"]
EVENT_COLUMNS = ["工单号", "网站", "页面", "问题内容", "责任单位", "动作", "原状态", "新状态", "操作人", "时间", "备注"]


def _t(value: datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(sla.CHINA).strftime("%Y-%m-%d %H:%M:%S")


def tickets(session: Session, site_key: str | None = None) -> list[Ticket]:
    q = select(Ticket).order_by(Ticket.id)
    if site_key:
        q = q.join(Site, Site.id == Ticket.site_id).where((Site.key == site_key) | (Site.base_url == site_key))
    return list(session.execute(q).scalars())


def ticket_rows(session: Session, items: Iterable[Ticket]) -> list[list[Any]]:
    units = {u.id: u.name for u in session.execute(select(Unit)).scalars()}
    sites = {s.id: s.base_url for s in session.execute(select(Site)).scalars()}
    rows = []
    for t in items:
        ok = sla.met(t.due_at, t.fixed_at or t.closed_at)
        rows.append([t.id, sites.get(t.site_id, ""), t.url, t.detector, t.category, Severity(t.severity).chinese,
                     t.keyword, t.excerpt, t.suggestion or "", units.get(t.unit_id, ""),
                     STATE_NAMES.get(t.state, t.state), _t(t.created_at), _t(t.notified_at), _t(t.due_at),
                     _t(t.fixed_at), _t(t.closed_at), {True: "是", False: "否", None: ""}[ok], t.reopen_count,
                     t.escalation_level, t.reason or ""])
    return rows


def event_rows(session: Session, items: Iterable[Ticket]) -> list[list[Any]]:
    units = {u.id: u.name for u in session.execute(select(Unit)).scalars()}
    sites = {s.id: s.base_url for s in session.execute(select(Site)).scalars()}
    by_id = {t.id: t for t in items}
    rows = []
    q = select(TicketEvent).where(TicketEvent.ticket_id.in_(list(by_id))).order_by(TicketEvent.ticket_id,
                                                                                 TicketEvent.id)
    for ev in session.execute(q).scalars():
        t = by_id[ev.ticket_id]
        rows.append([t.id, sites.get(t.site_id, ""), t.url, t.keyword, units.get(t.unit_id, ""), ev.action,
                     STATE_NAMES.get(ev.from_state or "", ev.from_state or ""),
                     STATE_NAMES.get(ev.to_state or "", ev.to_state or ""), ev.actor, _t(ev.at), ev.note or ""])
    return rows


def render_csv(session: Session, items: list[Ticket]) -> str:
    """One CSV row per ledger event, with the ticket's columns (UTF-8 with BOM, opens in Excel)."""
    trows = {r[0]: r for r in ticket_rows(session, items)}
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(TICKET_COLUMNS + ["动作", "原状态", "新状态", "操作人", "时间", "备注"])
    for ev in event_rows(session, items):
        w.writerow(trows[ev[0]] + ev[5:])
    return "\ufeff" + buf.getvalue()


def render_xlsx(session: Session, items: list[Ticket]) -> bytes:
    """Two sheets: 整改台账 (one row per ticket) and 处理记录 (every state change)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "整改台账"
    for title, header, rows in (("整改台账", TICKET_COLUMNS, ticket_rows(session, items)),
                                ("处理记录", EVENT_COLUMNS, event_rows(session, items))):
        sheet = ws if title == "整改台账" else wb.create_sheet(title)
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export_csv(session: Session, path: str | Path | None, site_key: str | None = None) -> str:
    """The CSV ledger of a site (or all sites), written to ``path`` when given."""
    text = render_csv(session, tickets(session, site_key))
    if path:
        Path(path).write_text(text, encoding="utf-8")
    return text


def export_xlsx(session: Session, path: str | Path, site_key: str | None = None) -> None:
    """The XLSX ledger of a site (or all sites), written to ``path``."""
    Path(path).write_bytes(render_xlsx(session, tickets(session, site_key)))
