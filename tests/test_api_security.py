"""Security: authentication on every endpoint, key scope, unit scope, CSRF, rate limits,
password and key storage, SSRF refusals of callback URLs."""

import pytest
from api_helpers import PASSWORD, LocalSite, create_app_for, local_site_config, record_pages, seed, sqlite_db
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from scanner.store.models import ApiKey, User

PUBLIC = {("GET", "/healthz"), ("GET", "/metrics"), ("POST", "/v1/session")}


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    site = LocalSite()
    db = sqlite_db(tmp_path_factory.mktemp("sec") / "sec.db")
    keys = seed(db, local_site_config(site))
    app = create_app_for(db)
    record_pages(db, app.state.ctx.checkers.get("qinghe"), site)
    yield {"app": app, "db": db, "keys": keys, "site": site}
    site.close()
    db.dispose()


def login(app, username):
    c = TestClient(app)
    r = c.post("/v1/session", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200
    return c, r.json()["csrfToken"]


def test_every_non_public_endpoint_refuses_unauthenticated_callers(env):
    c = TestClient(env["app"])
    spec = env["app"].openapi()
    checked = 0
    for path, ops in spec["paths"].items():
        for method in ops:
            if (method.upper(), path) in PUBLIC:
                continue
            url = path.replace("{key}", "qinghe").replace("{key_id}", "1").replace("{scan_id}", "1") \
                .replace("{finding_id}", "1").replace("{ticket_id}", "1").replace("{job_id}", "x")
            r = c.request(method.upper(), url)
            assert r.status_code == 401, (method, path, r.status_code)
            checked += 1
    assert checked >= 20
    # the UI sends strangers to the sign-in page
    r = c.get("/ui/tickets", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/ui/login")


def test_wrong_and_revoked_keys_are_refused(env):
    c = TestClient(env["app"])
    body = {"site": "qinghe", "content": "县教育局召开2026年安全工作会议。"}
    assert c.post("/v1/text/check", json=body, headers={"X-Api-Key": "cm_deadbeef_nope"}).status_code == 401
    assert c.post("/v1/text/check", json=body, headers={"X-Api-Key": env["keys"].key}).status_code == 200
    admin, csrf = login(env["app"], "admin")
    r = admin.post("/v1/keys", json={"name": "临时", "site": "qinghe"}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201
    new = r.json()
    assert c.post("/v1/text/check", json=body, headers={"Authorization": f"Bearer {new['key']}"}).status_code == 200
    admin.delete(f"/v1/keys/{new['id']}", headers={"X-CSRF-Token": csrf})
    assert c.post("/v1/text/check", json=body, headers={"Authorization": f"Bearer {new['key']}"}).status_code == 401


def test_key_scoped_to_another_site_is_refused(env):
    c = TestClient(env["app"])
    r = c.post("/v1/text/check", json={"site": "qinghe", "content": "通知"}, headers={"X-Api-Key": env["keys"].other_key})
    assert r.status_code == 403
    assert c.get("/v1/sites/qinghe", headers={"X-Api-Key": env["keys"].other_key}).status_code == 404
    r = c.get("/v1/findings", headers={"X-Api-Key": env["keys"].other_key})
    assert r.status_code == 200 and r.json()["total"] == 0


def test_operator_cannot_see_or_change_another_units_tickets(env):
    reviewer, _ = login(env["app"], "shenhe")
    tickets = reviewer.get("/v1/tickets").json()["items"]
    theirs = next(t for t in tickets if t["unit"] == "县政府办公室")
    mine = next(t for t in tickets if t["unit"] == "县教育局")
    op, csrf = login(env["app"], "jyj")
    assert {t["id"] for t in op.get("/v1/tickets").json()["items"]} == {mine["id"]}
    assert op.get(f"/v1/tickets/{theirs['id']}").status_code == 404
    r = op.post(f"/v1/tickets/{theirs['id']}/transition", json={"action": "fix"}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 404
    r = op.post(f"/v1/tickets/{theirs['id']}/comments", json={"body": "测试"}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 404
    assert op.get(f"/ui/tickets/{theirs['id']}").status_code == 404
    # operators do not triage, and may not call a ticket a false positive
    r = op.post("/v1/findings/1/triage", json={"action": "confirm"}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 403
    r = op.post(f"/v1/tickets/{mine['id']}/transition", json={"action": "false_positive", "reason": "不是问题"},
                headers={"X-CSRF-Token": csrf})
    assert r.status_code == 403
    # nor manage users
    assert op.get("/v1/users").status_code == 403


def test_state_changes_from_a_session_need_the_csrf_token(env):
    c, csrf = login(env["app"], "shenhe")
    tid = c.get("/v1/tickets").json()["items"][0]["id"]
    assert c.post(f"/v1/tickets/{tid}/comments", json={"body": "请尽快整改"}).status_code == 403
    assert c.post(f"/v1/tickets/{tid}/comments", json={"body": "请尽快整改"},
                  headers={"X-CSRF-Token": "0" * 64}).status_code == 403
    assert c.post(f"/v1/tickets/{tid}/comments", json={"body": "请尽快整改"},
                  headers={"X-CSRF-Token": csrf}).status_code == 201
    # a token belongs to its session
    other, _ = login(env["app"], "admin")
    assert other.post(f"/v1/tickets/{tid}/comments", json={"body": "x"},
                      headers={"X-CSRF-Token": csrf}).status_code == 403
    # the session cookie is HttpOnly and SameSite=Strict
    r = TestClient(env["app"]).post("/v1/session", json={"username": "shenhe", "password": PASSWORD})
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie


def test_passwords_are_argon2_and_keys_are_stored_hashed(env):
    with env["db"].session() as s:
        hashes = [h for (h,) in s.execute(select(User.password_hash)).all()]
        keys = s.execute(select(ApiKey.key_hash, ApiKey.prefix)).all()
        dump = " ".join(str(v) for row in s.execute(text("SELECT * FROM api_keys")).all() for v in row)
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    assert PASSWORD not in " ".join(hashes)
    # the secret part is everything after "cm_<prefix>_" (token_urlsafe: it may itself hold "_" or "-")
    secret = env["keys"].key.split("_", 2)[2]
    assert len(secret) >= 40
    assert env["keys"].key not in dump and secret not in dump
    assert all(len(h) == 64 for h, _ in keys)


def test_wrong_password_is_refused_and_repeated_failures_are_limited(env, monkeypatch):
    # one attempt a minute after the first five: slow password hashing on a busy machine cannot refill it
    monkeypatch.setattr(env["app"].state.ctx.settings, "login_rate_per_minute", 1)
    c = TestClient(env["app"], client=("10.9.8.7", 5000))
    codes = [c.post("/v1/session", json={"username": "admin", "password": f"guess-{i}"}).status_code for i in range(7)]
    assert codes[:5] == [401] * 5 and codes[-1] == 429
    r = c.post("/ui/login", data={"username": "admin", "password": PASSWORD})
    assert r.status_code == 429  # even the right password waits


def test_rate_limit_per_key(env, tmp_path):
    from api_helpers import Settings  # noqa: F401
    admin, csrf = login(env["app"], "admin")
    key = admin.post("/v1/keys", json={"name": "限速测试", "site": "qinghe", "rateLimit": 6},
                     headers={"X-CSRF-Token": csrf}).json()["key"]
    c = TestClient(env["app"])
    codes = [c.post("/v1/text/check", json={"site": "qinghe", "content": "通知"},
                    headers={"X-Api-Key": key}).status_code for _ in range(4)]
    assert codes[0] == 200 and 429 in codes
    r = c.post("/v1/text/check", json={"site": "qinghe", "content": "通知"}, headers={"X-Api-Key": key})
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/cb", "http://169.254.169.254/latest/meta-data/",
                                 "http://10.0.0.8/cb", "http://localhost/cb", "http://www.attacker.example/cb",
                                 "file:///etc/passwd"])
def test_document_callback_to_internal_or_unregistered_hosts_is_refused(env, url):
    c = TestClient(env["app"])
    r = c.post("/v1/documents/check", data={"site": "other", "callbackUrl": url},
               files={"file": ("gg.txt", "关于开展安全检查的公告".encode(), "text/plain")},
               headers={"X-Api-Key": env["keys"].other_key})
    assert r.status_code == 400 and "callback URL refused" in r.json()["detail"]


def test_ui_pages_send_security_headers(env):
    c, _ = login(env["app"], "shenhe")
    r = c.get("/ui/")
    assert r.status_code == 200
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"


def test_recheck_does_not_follow_a_redirect_to_the_metadata_address(env):
    """A page that now redirects to 169.254.169.254 is refused by the SSRF guard: the ticket is not
    closed on it (it stays in re-check with a ledger note)."""
    reviewer, _ = login(env["app"], "shenhe")
    ticket = next(t for t in reviewer.get("/v1/tickets").json()["items"] if t["unit"] == "县政府办公室"
                  and t["state"] in ("open", "assigned", "reopened"))
    path = ticket["url"].split(env["site"].base, 1)[1]
    saved = env["site"].pages[path]
    env["site"].pages[path] = "REDIRECT http://169.254.169.254/latest/meta-data/iam/"
    try:
        op, csrf = login(env["app"], "zfb")
        r = op.post(f"/v1/tickets/{ticket['id']}/transition", json={"action": "fix"}, headers={"X-CSRF-Token": csrf})
        assert r.status_code == 200
        import time
        for _ in range(100):
            t = op.get(f"/v1/tickets/{ticket['id']}").json()
            if any(e["action"] == "recheck_error" for e in t["timeline"]):
                break
            time.sleep(0.1)
        assert t["state"] == "rechecking"
        assert "ssrf" in t["timeline"][-1]["note"]
    finally:
        env["site"].pages[path] = saved
