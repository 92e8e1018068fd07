"""Ticket state machine, SLA clocks on the Chinese holiday calendar, escalation, alerts, ledger export."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select

from scanner.site import SiteConfig
from scanner.store.db import open_db
from scanner.store.models import FindingRow, Notification, Page, Scan, Ticket, TicketEvent
from scanner.store.recording import record_page
from scanner.store.sites import register_site
from scanner.tickets import ledger, notify, service, sla
from scanner.tickets.states import TransitionError, next_state

CN = sla.CHINA


def test_sla_working_days_skip_national_day_and_count_adjusted_weekends():
    # 2026-09-30 (Wed) 10:00 China time: 1–7 October are holidays; the next working days are 8, 9 and
    # (if it is an adjusted working day) the following weekend — chinese-calendar decides, not weekday().
    start = datetime(2026, 9, 30, 10, 0, tzinfo=CN)
    days = [d for d in (datetime(2026, 10, 1) + timedelta(days=i) for i in range(15)) if sla.is_working_day(d.date())]
    due = sla.due_at("public_report", start)
    assert due.astimezone(CN) == datetime.combine(days[2].date() + timedelta(days=1), datetime.min.time(), CN)
    assert due.astimezone(CN).date() > datetime(2026, 10, 8).date()
    assert not sla.is_working_day(datetime(2026, 10, 1).date())


def test_sla_reply_seven_then_fifteen_working_days_and_one_hour_for_findings():
    start = datetime(2026, 11, 23, 9, 0, tzinfo=CN)  # Monday
    assert sla.due_at("finding", start) == start + timedelta(hours=1)
    assert sla.due_at("reply", start).astimezone(CN).date() == datetime(2026, 12, 3).date()  # 7 working days
    assert sla.due_at("reply", start, extended=True).astimezone(CN).date() == datetime(2026, 12, 15).date()
    assert sla.met(start + timedelta(hours=1), start + timedelta(minutes=59)) is True
    assert sla.met(start + timedelta(hours=1), None, now=start + timedelta(hours=2)) is False


def test_state_machine_rules():
    assert next_state("open", "assign") == "assigned"
    assert next_state("assigned", "fix") == "fixed"
    assert next_state("fixed", "recheck") == "rechecking"
    assert next_state("rechecking", "pass") == "closed"
    assert next_state("rechecking", "fail") == "reopened"
    assert next_state("closed", "reappear") == "reopened"
    with pytest.raises(TransitionError, match="reason"):
        next_state("open", "false_positive", reason="  ")
    assert next_state("open", "false_positive", reason="“中华人民共合国”为引用原文") == "false_positive"
    with pytest.raises(TransitionError):
        next_state("closed", "fix")


@pytest.fixture()
def db(tmp_path):
    d = open_db(f"sqlite:///{tmp_path / 't.db'}", cached=False)
    yield d
    d.dispose()


def _finding(fp: str, keyword: str = "中华人民共合国", severity: str = "high") -> dict:
    return {"detector": "typo", "rule": "confusion", "category": "错别字", "severity": severity, "start": 10,
            "end": 17, "keyword": keyword, "excerpt": f"坚持{keyword}宪法", "excerpt_start": 2,
            "suggestion": "中华人民共和国", "location": {"selector": "div.content > p", "offset": 2},
            "explanation": {"rule": "国名错写"}, "fingerprint": fp}


def _setup(s, unit_hook: str | None = None):
    contacts = [{"name": "值班", "webhook": unit_hook}] if unit_hook else []
    site = SiteConfig(id="quzf", base_url="http://www.quzf.gov.cn/", default_unit="区政府办公室",
                      columns=[{"prefix": "/xxgk/", "unit": "区政务公开办", "contacts": contacts}])
    sid = register_site(s, site)
    pid = s.execute(Page.__table__.insert().values(site_id=sid, url="http://www.quzf.gov.cn/xxgk/1.html",
                                                   kind="page", depth=1, links=[])).inserted_primary_key[0]
    return sid, pid


def test_recording_is_idempotent_and_opens_one_ticket_per_fingerprint(db):
    with db.session() as s:
        sid, pid = _setup(s)
        for _ in range(2):  # a redelivered record message
            out = record_page(s, site_id=sid, page_id=pid, scan_id=1, findings=[_finding("fp1"), _finding("fp1")],
                              ruleset="r1-x", content_hash="h1")
        assert len(out) == 1
        rows = s.execute(select(FindingRow)).scalars().all()
        assert len(rows) == 1 and rows[0].occurrences == 2
        t = s.execute(select(Ticket)).scalar_one()
        assert t.state == "open" and t.unit.name == "区政务公开办"
        assert [e.action for e in t.events] == ["created"]
        # the problem disappears from the page: its row is resolved, the ticket waits for re-check
        record_page(s, site_id=sid, page_id=pid, scan_id=2, findings=[], ruleset="r1-x", content_hash="h2")
        assert s.get(FindingRow, rows[0].id).resolved_at is not None


def test_escalation_and_ledger_export(db, tmp_path):
    with db.session() as s:
        sid, pid = _setup(s)
        record_page(s, site_id=sid, page_id=pid, scan_id=1, findings=[_finding("fp1")], ruleset="r", content_hash="h")
        t = s.execute(select(Ticket)).scalar_one()
        later = t.due_at.replace(tzinfo=UTC) + timedelta(minutes=5)
        assert [x.id for x in service.escalate_overdue(s, later)] == [t.id]
        assert service.escalate_overdue(s, later + timedelta(minutes=1)) == []  # once per period
        assert [x.escalation_level for x in service.escalate_overdue(s, later + timedelta(hours=1))] == [2]
        service.assign(s, t, "admin")
        service.transition(s, t, "false_positive", "reviewer-li", reason="引用的是文件原文")
        text = ledger.export_csv(s, tmp_path / "ledger.csv")
        ledger.export_xlsx(s, tmp_path / "ledger.xlsx")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["工单号", "网站", "页面"]
    actions = [(r[-6], r[-3]) for r in rows[1:]]
    assert actions == [("created", "system"), ("escalate", "system"), ("escalate", "system"), ("assign", "admin"),
                       ("false_positive", "reviewer-li")]
    assert rows[-1][-1] == "引用的是文件原文" and rows[-1][10] == "误报"
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "ledger.xlsx")
    assert wb.sheetnames == ["整改台账", "处理记录"]
    assert wb["整改台账"].max_row == 2 and wb["处理记录"].max_row == 6
    assert wb["整改台账"]["H2"].value == "坚持中华人民共合国宪法"


def test_webhook_alert_is_retried_until_delivered(db):
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(json.loads(request.content))
        return httpx.Response(503 if len(calls) < 3 else 200)

    client = httpx.Client(transport=httpx.MockTransport(handler))
    with db.session() as s:
        sid, pid = _setup(s, unit_hook="https://im.example.gov.cn/hook/abc")
        record_page(s, site_id=sid, page_id=pid, scan_id=1, findings=[_finding("fp1")], ruleset="r", content_hash="h")
        t = s.execute(select(Ticket)).scalar_one()
        ids = notify.queue_alerts(s, t, "opened")
        assert notify.queue_alerts(s, t, "opened") == []  # idempotent
        assert notify.deliver(s, ids[0], attempts=3, backoff=0, webhook_client=client) is True
        n = s.get(Notification, ids[0])
        assert n.status == "sent" and n.attempts == 3
    assert calls[-1]["excerpt"] == "坚持中华人民共合国宪法" and calls[-1]["unit"] == "区政务公开办"
    assert datetime.fromisoformat(calls[-1]["due_at"]) > datetime(2026, 1, 1)


def test_ledger_events_survive_reopen_cycle(db):
    with db.session() as s:
        sid, pid = _setup(s)
        record_page(s, site_id=sid, page_id=pid, scan_id=1, findings=[_finding("fp1")], ruleset="r", content_hash="h")
        t = s.execute(select(Ticket)).scalar_one()
        assert service.mark_fixed(s, t, "unit-zhang") == [pid]
        assert service.conclude_recheck(s, t).state == "reopened"  # still on the page
        first_due = t.due_at
        service.mark_fixed(s, t, "unit-zhang")
        record_page(s, site_id=sid, page_id=pid, scan_id=None, findings=[], ruleset="r", content_hash="h2")
        assert service.conclude_recheck(s, t).state == "closed"
        events = s.execute(select(TicketEvent.action, TicketEvent.actor).where(TicketEvent.ticket_id == t.id)
                           .order_by(TicketEvent.id)).all()
        assert [a for a, _ in events] == ["created", "fix", "recheck", "fail", "fix", "recheck", "pass"]
        assert ("fix", "unit-zhang") in events and first_due is not None
        # found again by a later scan: reopened, a new 1-hour clock
        record_page(s, site_id=sid, page_id=pid, scan_id=3, findings=[_finding("fp1")], ruleset="r", content_hash="h")
        assert t.state == "reopened" and t.reopen_count == 2


def test_a_cancelled_scan_claims_no_new_pages(db):
    from workers.crawling import claim

    base = "http://www.quzf.gov.cn/xxgk/"
    with db.session() as s:
        sid, _ = _setup(s)
        live = Scan(site_id=sid, status="running")
        stopped = Scan(site_id=sid, status="cancelled")
        s.add_all([live, stopped])
        s.flush()
        live_id, stopped_id = live.id, stopped.id
    with db.session() as s:
        assert claim(s, sid, stopped_id, [base + "2.html", base + "3.html"], 1, None, 100) == []
        assert s.get(Scan, stopped_id).pages_seen == 0
    with db.session() as s:  # the same URLs are still claimed by a scan that runs
        assert len(claim(s, sid, live_id, [base + "2.html", base + "3.html"], 1, None, 100)) == 2
        assert s.get(Scan, live_id).pages_seen == 2
