"""Reviewer and unit workflow through the API, on SQLite and on the real PostgreSQL:
findings queue → triage → the unit fixes → re-check closes (or reopens) → ledger and audit log."""

import csv
import io
import time

import pytest
from api_helpers import (
    PASSWORD,
    LocalSite,
    create_app_for,
    drop_schema,
    local_site_config,
    pg_schema_db,
    record_pages,
    seed,
    sqlite_db,
)
from fastapi.testclient import TestClient
from sqlalchemy import select

from scanner.store.models import AuditLog, TicketEvent


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def env(request, tmp_path_factory):
    site = LocalSite()
    db = sqlite_db(tmp_path_factory.mktemp("api") / "wf.db") if request.param == "sqlite" else pg_schema_db("wf")
    keys = seed(db, local_site_config(site))
    app = create_app_for(db)
    record_pages(db, app.state.ctx.checkers.get("qinghe"), site)
    yield {"app": app, "db": db, "site": site, "keys": keys}
    site.close()
    drop_schema(db)


def login(app, username):
    c = TestClient(app)
    r = c.post("/v1/session", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    c.headers["X-CSRF-Token"] = r.json()["csrfToken"]
    return c


def _finding(c, keyword):
    items = c.get("/v1/findings", params={"limit": 500}).json()["items"]
    return next(f for f in items if f["keyword"] == keyword)


def _wait_state(c, ticket_id, states, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        t = c.get(f"/v1/tickets/{ticket_id}").json()
        if t["state"] in states:
            return t
        time.sleep(0.1)
    raise AssertionError(f"ticket {ticket_id} stayed {t['state']}")


def test_findings_queue_shows_masked_excerpt_explanation_and_responsible_unit(env):
    c = login(env["app"], "shenhe")
    f = _finding(c, "再接再励")
    assert f["suggestion"] == "再接再厉"
    assert f["excerpt"][f["excerptStart"]:f["excerptStart"] + 4] == "再接再励"
    assert f["explanation"]["rule"]
    assert f["ticket"]["unit"] == "县教育局"  # /jyj/ column of the 栏目责任清单
    assert c.get("/v1/findings", params={"q": "按装"}).json()["total"] == 1


def test_triage_false_positive_needs_a_reason_and_is_logged(env):
    c = login(env["app"], "shenhe")
    f = _finding(c, "按装")
    r = c.post(f"/v1/findings/{f['id']}/triage", json={"action": "false_positive"})
    assert r.status_code == 400
    r = c.post(f"/v1/findings/{f['id']}/triage", json={"action": "false_positive", "reason": "专有名词，经核实无误"})
    assert r.status_code == 200 and r.json()["ticket"]["state"] == "false_positive"
    t = c.get(f"/v1/tickets/{r.json()['ticket']['id']}").json()
    assert t["reason"] == "专有名词，经核实无误"
    assert [e["action"] for e in t["timeline"]][-1] == "false_positive"
    # reactivate it for the other tests
    r = c.post(f"/v1/tickets/{t['id']}/transition", json={"action": "reactivate"})
    assert r.json()["state"] == "open"
    with env["db"].session() as s:
        actions = [a for (a,) in s.execute(select(AuditLog.action)).all()]
    assert "finding.false_positive" in actions and "ticket.reactivate" in actions


def test_operator_fixes_own_ticket_and_recheck_closes_it_after_correction(env):
    reviewer = login(env["app"], "shenhe")
    f = _finding(reviewer, "再接再励")
    r = reviewer.post(f"/v1/findings/{f['id']}/triage", json={"action": "confirm"})
    assert r.json()["ticket"]["state"] == "assigned"
    tid = r.json()["ticket"]["id"]
    op = login(env["app"], "jyj")
    assert [t["id"] for t in op.get("/v1/tickets").json()["items"]] == [tid]  # only the 教育局's ticket
    path = "/jyj/2026/tz118.html"
    env["site"].pages[path] = env["site"].pages[path].replace("再接再励", "再接再厉")
    r = op.post(f"/v1/tickets/{tid}/transition", json={"action": "fix", "note": "已更正为“再接再厉”"})
    assert r.status_code == 200, r.text
    t = _wait_state(op, tid, {"closed", "reopened"})
    assert t["state"] == "closed"
    actions = [e["action"] for e in t["timeline"]]
    assert actions[-3:] == ["fix", "recheck", "pass"]
    # the ledger has every change with who and when
    r = op.get("/v1/ledger", params={"format": "csv"})
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][0] == "工单号"
    mine = [row for row in rows[1:] if row[0] == str(tid)]
    assert {row[-6] for row in mine} >= {"created", "assign", "fix", "recheck", "pass"}
    assert "jyj" in {row[-3] for row in mine}


def test_ticket_fixed_without_correction_reopens_on_recheck(env):
    admin = login(env["app"], "admin")
    f = _finding(admin, "按装")
    tid = f["ticket"]["id"]
    op = login(env["app"], "zfb")
    r = op.post(f"/v1/tickets/{tid}/transition", json={"action": "fix"})
    assert r.status_code == 200, r.text
    t = _wait_state(op, tid, {"closed", "reopened"})
    assert t["state"] == "reopened" and t["reopenCount"] == 1
    with env["db"].session() as s:
        notes = [e.note for e in s.scalars(select(TicketEvent).where(TicketEvent.ticket_id == tid))]
    assert "re-check found the problem still present" in notes


def test_xlsx_ledger_has_both_sheets(env):
    from openpyxl import load_workbook

    c = login(env["app"], "admin")
    r = c.get("/v1/ledger")
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["整改台账", "处理记录"]
    assert wb["整改台账"].max_row >= 3


def test_scan_start_queues_the_seed_message_and_reports_progress(env, monkeypatch):
    import dramatiq

    monkeypatch.setenv("CUOMIN_BROKER", "embedded")
    from workers.broker import configure

    broker = configure("embedded")
    reviewer = login(env["app"], "shenhe")
    r = reviewer.post("/v1/scans", json={"site": "qinghe", "maxPages": 50})
    assert r.status_code == 202, r.text
    scan = r.json()
    assert scan["status"] == "seeding" and scan["site"] == "qinghe"
    queued = [m for q in broker.queues.values() for m in list(q.queue)]
    msgs = [dramatiq.Message.decode(m) for m in queued]
    assert any(m.actor_name == "seed_scan" and m.args == (scan["id"],) for m in msgs)
    assert reviewer.get(f"/v1/scans/{scan['id']}").json()["progress"]["pagesSeen"] == 0
    report = reviewer.get(f"/v1/scans/{scan['id']}/report").json()
    assert report["ticketsOpened"] == 0 and report["findings"] == []
    r = reviewer.post(f"/v1/scans/{scan['id']}/cancel")
    assert r.json()["status"] == "cancelled"
    assert reviewer.post(f"/v1/scans/{scan['id']}/cancel").status_code == 409
    op = login(env["app"], "jyj")
    assert op.post("/v1/scans", json={"site": "qinghe"}).status_code == 403
    # Leave the shared embedded broker empty; flush_all also settles the queues' task counters,
    # which a bare get_nowait() would leave unfinished (and every later broker.join() would hang).
    broker.flush_all()
