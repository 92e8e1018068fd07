"""Dictionary review through the API: a reviewer's false positive proposes an allow-list phrase,
a second person approves it (written with provenance, new version) or rejects it with a reason."""

import pytest
from api_helpers import PASSWORD, LocalSite, create_app_for, local_site_config, record_pages, seed, sqlite_db
from fastapi.testclient import TestClient

PAGE = ("<html><head><title>两岸交流动态</title></head><body><div class='article'><h1>两岸交流动态</h1>"
        "<p>台湾国光客运公司开通两岸直达班线，方便台胞往来。</p></div></body></html>")


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dict")
    site = LocalSite({"/xxgk/2026/la01.html": PAGE})
    db = sqlite_db(tmp / "d.db")
    seed(db, local_site_config(site))
    app = create_app_for(db, detectors=("sensitive",), proposals_dir=str(tmp / "proposals"),
                         dictionary_dir=str(tmp / "dict"))
    record_pages(db, app.state.ctx.checkers.get("qinghe"), site)
    yield {"app": app, "tmp": tmp}
    site.close()
    db.dispose()


def login(app, username):
    c = TestClient(app)
    c.headers["X-CSRF-Token"] = c.post("/v1/session", json={"username": username, "password": PASSWORD}).json()["csrfToken"]
    return c


def test_false_positive_proposes_and_a_second_person_approves(env):
    reviewer = login(env["app"], "shenhe")
    [f] = [f for f in reviewer.get("/v1/findings").json()["items"] if f["detector"] == "sensitive"]
    assert f["keyword"] == "台湾国"
    r = reviewer.post(f"/v1/findings/{f['id']}/triage", json={"action": "false_positive", "allowPhrase": "台湾国光客运",
                                                               "reason": "台湾国光客运为客运公司名称"})
    assert r.status_code == 200, r.text
    pid = r.json()["proposal"]
    pending = reviewer.get("/v1/dictionaries/proposals", params={"status": "pending"}).json()
    assert [(p["id"], p["phrase"], p["keyword"], p["proposer"]) for p in pending] == [(pid, "台湾国光客运", "台湾国", "shenhe")]
    # the proposer cannot approve their own proposal
    assert reviewer.post(f"/v1/dictionaries/proposals/{pid}/approve").status_code == 409
    page = reviewer.get("/ui/dictionaries").text
    assert "台湾国光客运" in page and "待他人审核" in page
    admin = login(env["app"], "admin")
    before = admin.get("/v1/dictionaries/version").json()
    r = admin.post(f"/v1/dictionaries/proposals/{pid}/approve", json={"note": "核实为企业名称"})
    assert r.status_code == 200 and r.json()["status"] == "approved" and r.json()["decided_by"] == "admin"
    allow = (env["tmp"] / "dict" / "allow_reviewed.yaml").read_text(encoding="utf-8")
    assert '"phrase": "台湾国光客运"' in allow and f'"proposal": "{pid}"' in allow and '"approved_by": "admin"' in allow
    assert "# version: " in allow
    assert admin.post(f"/v1/dictionaries/proposals/{pid}/approve").status_code == 409  # decided once
    audit = [a["action"] for a in admin.get("/v1/audit").json()]
    assert "dictionary.approve" in audit and "finding.false_positive" in audit
    assert before["sites"]  # the site's checker and its ruleset are listed


def test_rejection_needs_a_reason_and_operators_cannot_review(env):
    reviewer = login(env["app"], "shenhe")
    r = reviewer.post("/v1/dictionaries/proposals", json={"phrase": "台湾国光", "reason": "简称"})
    assert r.status_code == 201
    pid = r.json()["id"]
    admin = login(env["app"], "admin")
    assert admin.post(f"/v1/dictionaries/proposals/{pid}/reject").status_code == 400
    r = admin.post(f"/v1/dictionaries/proposals/{pid}/reject", json={"note": "简称过短，会放过真正的不当表述"})
    assert r.json()["status"] == "rejected"
    op = login(env["app"], "jyj")
    assert op.get("/v1/dictionaries/proposals").status_code == 403
    assert op.post("/v1/dictionaries/proposals", json={"phrase": "台湾国光客运", "reason": "x"}).status_code == 403
    assert reviewer.post("/v1/dictionaries/proposals/zzzzzzzzzzzz/approve").status_code == 404
