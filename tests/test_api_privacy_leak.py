"""After scanning documents full of (synthetic, valid) resident ID numbers and phone numbers, no raw
value is in the database, the logs, any API response, UI page or ledger report — only masked forms."""

import io
import logging
import time
import zipfile

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

from scanner.store.models import Base

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def resident_id(region: str, birth: str, seq: int) -> str:
    """A synthetic 18-digit resident ID with a valid GB 11643 check digit (no real person)."""
    body = f"{region}{birth}{seq:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS)) % 11]


IDS = [resident_id("130528", f"19{60 + i:02d}0{1 + i % 9}1{i % 9}", 100 + 7 * i) for i in range(12)]
PHONES = [f"139{40000000 + 1234567 * i:08d}"[:11] for i in range(1, 7)]
RAW = IDS + PHONES


def _roster() -> str:
    rows = "".join(f"<tr><td>{i + 1}</td><td>困难群众{i + 1}</td><td>{pid}</td><td>{PHONES[i % len(PHONES)]}</td></tr>"
                   for i, pid in enumerate(IDS))
    return ("<html><head><title>清河县2026年第一季度城乡低保复核公示</title></head><body><div class='article'>"
            "<h1>清河县2026年第一季度城乡低保复核公示</h1><p>根据县民政局工作安排，现将复核结果公示如下：</p>"
            f"<table><tr><th>序号</th><th>姓名</th><th>身份证号</th><th>联系电话</th></tr>{rows}</table>"
            f"<p>如有异议，请联系经办人，身份证号码{IDS[0]}，电话{PHONES[0]}。</p></div></body></html>")


def _leaks(text: str) -> list[str]:
    """Raw values (or their distinctive middle digits) found in ``text``."""
    found = [v for v in RAW if v in text]
    found += [v[4:15] for v in IDS if v[4:15] in text]  # region+birth digits a partial mask would leave
    return found


@pytest.fixture(params=["sqlite", "postgresql"])
def env(request, tmp_path):
    site = LocalSite({"/xxgk/2026/dbgs.html": _roster()})
    db = sqlite_db(tmp_path / "leak.db") if request.param == "sqlite" else pg_schema_db("leak")
    keys = seed(db, local_site_config(site))
    app = create_app_for(db, detectors=None, sync_document_bytes=1024)  # every detector
    yield {"app": app, "db": db, "site": site, "keys": keys}
    site.close()
    drop_schema(db)


def test_no_raw_personal_data_anywhere(env, caplog, capfd):
    assert all(v in _roster() for v in RAW)  # the input really holds the raw values
    caplog.set_level(logging.DEBUG)
    app, db, site = env["app"], env["db"], env["site"]
    bodies: list[str] = []
    cms = TestClient(app, headers={"X-Api-Key": env["keys"].key})

    # 1. the CMS pre-publish check, single, batch and HTML
    text = f"经办人身份证号码{IDS[1]}，手机{PHONES[1]}，请核实。"
    r = cms.post("/v1/text/check", json={"site": "qinghe", "content": text})
    assert r.status_code == 200
    hits = [h for lb in r.json()["labels"] for h in lb["hits"]]
    assert any(h["rule"] == "privacy.id" for h in hits)
    bodies.append(r.text)
    bodies.append(cms.post("/v1/text/check", json={"site": "qinghe", "texts": [{"content": text}] * 3}).text)
    bodies.append(cms.post("/v1/text/check", json={"site": "qinghe", "contentType": "html", "content": _roster()}).text)
    # a request the API rejects must not echo the values either
    bodies.append(cms.post("/v1/text/check", json={"site": "qinghe", "content": text, "extra": text}).text)

    # 2. uploads: answered at once, and queued
    small = f"身份证号：{IDS[2]}".encode()
    bodies.append(cms.post("/v1/documents/check", data={"site": "qinghe"},
                           files={"file": ("a.txt", small, "text/plain")}).text)
    r = cms.post("/v1/documents/check", data={"site": "qinghe"},
                 files={"file": ("roster.html", _roster().encode(), "text/html")})
    assert r.status_code == 202
    job = r.json()["jobId"]
    for _ in range(300):
        r = cms.get(f"/v1/documents/jobs/{job}")
        if r.json()["status"] in ("done", "failed"):
            break
        time.sleep(0.1)
    assert r.json()["status"] == "done"
    bodies.append(r.text)

    # 3. the page recorded as a scan would, then worked through the UI and the API
    record_pages(db, app.state.ctx.checkers.get("qinghe"), site)
    reviewer = TestClient(app)
    token = reviewer.post("/v1/session", json={"username": "shenhe", "password": PASSWORD}).json()["csrfToken"]
    reviewer.headers["X-CSRF-Token"] = token
    findings = reviewer.get("/v1/findings", params={"limit": 500})
    assert findings.json()["total"] >= len(IDS)
    bodies.append(findings.text)
    ids_finding = next(f for f in findings.json()["items"] if f["rule"] == "privacy.id")
    assert "*" in ids_finding["keyword"]
    for item in findings.json()["items"][:5]:
        bodies.append(reviewer.get(f"/v1/findings/{item['id']}").text)
    r = reviewer.post(f"/v1/findings/{ids_finding['id']}/triage", json={"action": "confirm"})
    assert r.status_code == 200
    tid = r.json()["ticket"]["id"]
    bodies += [reviewer.get(p).text for p in ("/ui/", "/ui/findings?status=all", "/ui/tickets", f"/ui/tickets/{tid}",
                                              "/v1/tickets", f"/v1/tickets/{tid}", "/metrics")]
    op = TestClient(app)
    op_token = op.post("/v1/session", json={"username": "zfb", "password": PASSWORD}).json()["csrfToken"]
    r = op.post(f"/v1/tickets/{tid}/transition", json={"action": "fix"}, headers={"X-CSRF-Token": op_token})
    assert r.status_code == 200
    for _ in range(300):
        state = op.get(f"/v1/tickets/{tid}").json()["state"]
        if state != "rechecking":
            break
        time.sleep(0.1)
    assert state == "reopened"  # the roster is still online: the re-check found the IDs again
    bodies.append(op.get(f"/v1/tickets/{tid}").text)
    admin = TestClient(app)
    admin.post("/v1/session", json={"username": "admin", "password": PASSWORD})
    bodies.append(admin.get("/v1/audit").text)
    bodies.append(admin.get("/v1/ledger", params={"format": "csv"}).content.decode("utf-8-sig"))
    xlsx = admin.get("/v1/ledger").content
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        bodies += [z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml")]

    # nothing the API said holds a raw value
    for body in bodies:
        assert not _leaks(body), _leaks(body)
    # nor the logs
    logged = "\n".join(f"{r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in caplog.records)
    out, err = capfd.readouterr()
    assert not _leaks(logged + out + err)
    # nor any row of any table
    with db.session() as s:
        dump = []
        for table in Base.metadata.sorted_tables:
            for row in s.execute(select(table)).all():
                dump.append(" ".join(repr(v) for v in row))
    dumped = "\n".join(dump)
    assert "13" in dumped and "**" in dumped  # masked forms are there
    assert not _leaks(dumped), _leaks(dumped)
