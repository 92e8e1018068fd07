"""The HTML report, written like a monthly 通报: totals by category, severity and unit, SLA
compliance, charts (inline SVG), then every problem with its context, location, explanation,
suggestion, responsible unit and ticket state.  Only masked excerpts are shown."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from html import escape
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from scanner.findings import Severity
from scanner.report.charts import bars, donut
from scanner.store.models import FindingRow, Page, Scan, Site, Ticket, Unit
from scanner.tickets import sla
from scanner.tickets.states import STATE_NAMES

CSS = """body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;max-width:1100px;margin:2em auto;color:#222}
h1{text-align:center;color:#b71c1c;border-bottom:3px solid #b71c1c;padding-bottom:.4em}
h2{border-left:6px solid #b71c1c;padding-left:.5em;margin-top:2em}table{border-collapse:collapse;width:100%;margin:.5em 0}
th,td{border:1px solid #ccc;padding:4px 6px;font-size:14px;vertical-align:top}th{background:#f4f4f4}
.kw{background:#ffeb3b;color:#b71c1c;font-weight:bold}.muted{color:#888}.sev-veto,.sev-high{color:#b71c1c;font-weight:bold}
.chart text{font-size:12px}.grid{display:flex;gap:2em;flex-wrap:wrap}.lead{text-indent:2em;line-height:1.8}"""


def _local(t: datetime | None) -> str:
    if t is None:
        return ""
    t = t if t.tzinfo else t.replace(tzinfo=UTC)
    return t.astimezone(sla.CHINA).strftime("%Y-%m-%d %H:%M")


def _excerpt(row) -> str:
    text, at, n = row.excerpt or "", row.excerpt_start or 0, len(row.keyword or "")
    if row.detector == "links" or text[at:at + n] != row.keyword:
        return escape(text)
    return escape(text[:at]) + f'<span class="kw">{escape(text[at:at + n])}</span>' + escape(text[at + n:])


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def build(session: Session, scan_id: int | None = None, site_id: int | None = None) -> str:
    scan = session.get(Scan, scan_id) if scan_id else None
    site_id = site_id or (scan.site_id if scan else None)
    site = session.get(Site, site_id) if site_id else None
    units = {u.id: u.name for u in session.execute(select(Unit)).scalars()}
    q = select(FindingRow, Page.url).join(Page, Page.id == FindingRow.page_id).where(FindingRow.resolved_at.is_(None))
    tq = select(Ticket)
    if site_id:
        q, tq = q.where(FindingRow.site_id == site_id), tq.where(Ticket.site_id == site_id)
    rows = session.execute(q.order_by(FindingRow.severity.desc(), Page.url)).all()
    tickets = {t.id: t for t in session.execute(tq).scalars()}
    now = datetime.now(UTC)
    by_cat = Counter(r.category for r, _ in rows)
    by_sev = Counter(Severity(r.severity).chinese for r, _ in rows)
    by_unit = Counter(units.get(tickets[r.ticket_id].unit_id, "未指定") if r.ticket_id in tickets else "未指定"
                      for r, _ in rows)
    met = sum(1 for t in tickets.values() if sla.met(t.due_at, t.fixed_at or t.closed_at, now) is True)
    late = sum(1 for t in tickets.values() if sla.met(t.due_at, t.fixed_at or t.closed_at, now) is False)
    pending = len(tickets) - met - late
    closed = sum(1 for t in tickets.values() if t.state == "closed")
    veto = sum(1 for r, _ in rows if r.severity >= Severity.VETO)
    title = f"{escape(site.name if site else '网站')}错敏信息检测情况通报"
    pages = f"{scan.pages_seen} 个页面和附件（其中 {scan.pages_checked} 个重新检测、{scan.pages_unchanged} 个未变化、" \
            f"{scan.errors} 个无法访问）" if scan else "全部已记录页面"
    lead = (f"{_local(scan.started_at if scan else now)}，对 {escape(site.base_url if site else '')} 开展错敏信息检测，"
            f"共检查 {pages}，发现问题 {len(rows)} 处（严重问题 {veto} 处），涉及整改工单 {len(tickets)} 件，"
            f"已闭环 {closed} 件；按时整改 {met} 件、超期 {late} 件、处理中 {pending} 件。请各责任单位对照问题清单，"
            f"在接到通知后1小时内完成整改并反馈结果。")
    parts = [f"<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>{title}</title>"
             f"<style>{CSS}</style></head><body><h1>{title}</h1>",
             f"<p class='muted' style='text-align:center'>生成时间 {_local(now)} · 规则版本 "
             f"{escape(scan.ruleset if scan else '')}</p><p class='lead'>{lead}</p>",
             "<h2>一、问题总体情况</h2><div class='grid'><div><h3>按问题类别</h3>" + bars(by_cat.most_common()) +
             "</div><div><h3>按严重程度</h3>" + bars(sorted(by_sev.items(), key=lambda kv: kv[0])) + "</div></div>",
             "<h3>按责任单位</h3>" + bars(by_unit.most_common()) + _table(
                 ["责任单位", "问题数", "工单数", "超期工单"],
                 [[escape(u), str(n), str(sum(1 for t in tickets.values() if units.get(t.unit_id, "未指定") == u)),
                   str(sum(1 for t in tickets.values() if units.get(t.unit_id, "未指定") == u
                           and sla.met(t.due_at, t.fixed_at or t.closed_at, now) is False))]
                  for u, n in by_unit.most_common()]),
             "<h2>二、整改时限落实情况</h2>" + donut([("按时整改", met, "#2e7d32"), ("超期", late, "#b71c1c"),
                                                 ("处理中", pending, "#f9a825")]),
             _table(["状态", "工单数"], [[escape(STATE_NAMES.get(k, k)), str(v)] for k, v in
                                        Counter(t.state for t in tickets.values()).most_common()]),
             "<h2>三、问题清单</h2>"]
    table_rows = []
    for i, (r, url) in enumerate(rows, 1):
        t = tickets.get(r.ticket_id)
        expl = (r.explanation or {}).get("rule", "")
        loc = ", ".join(f"{k}={v}" for k, v in (r.location or {}).items() if k != "bbox")
        table_rows.append([str(i), f"<a href='{escape(url)}'>{escape(url)}</a><br><span class='muted'>{escape(loc)}</span>",
                           escape(r.category), f"<span class='sev-{Severity(r.severity).label}'>"
                           f"{Severity(r.severity).chinese}</span>", _excerpt(r), escape(r.suggestion or ""),
                           escape(expl), escape(units.get(t.unit_id, "") if t else ""),
                           (f"#{t.id} {escape(STATE_NAMES.get(t.state, t.state))}<br>"
                            f"<span class='muted'>时限 {_local(t.due_at)}</span>") if t else ""])
    parts.append(_table(["序号", "页面与位置", "类别", "程度", "问题内容（上下文）", "修改建议", "判定依据", "责任单位",
                         "工单"], table_rows) if table_rows else "<p>本次检测未发现问题。</p>")
    parts.append("</body></html>")
    return "".join(parts)


def write_report(session: Session, path: str | Path, scan_id: int | None = None, site_id: int | None = None) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(build(session, scan_id, site_id), encoding="utf-8")
    return path
