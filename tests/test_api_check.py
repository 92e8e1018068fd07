"""POST /v1/text/check and /v1/documents/check: response shape, offsets, batches, HTML, uploads, jobs."""

import time

import pytest
from api_helpers import create_app_for, seed, sqlite_db
from fastapi.testclient import TestClient

from api.checking import Utf16Offsets

ARTICLE = ("清河县教育局关于做好2026年春季学期开学工作的通知\n"
           "各中小学校：为做好春季学期开学工作，请各校再接再励，按照县委、县政府部署，认真落实校园安全责任制。")


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    db = sqlite_db(tmp_path_factory.mktemp("chk") / "chk.db")
    keys = seed(db)
    app = create_app_for(db, sync_document_bytes=4096)
    c = TestClient(app)
    c.headers["Authorization"] = f"Bearer {keys.key}"
    yield {"app": app, "c": c, "keys": keys}
    db.dispose()


def test_text_check_response_shape_and_offsets(env):
    r = env["c"].post("/v1/text/check", json={"dataId": "art-118", "site": "qinghe", "content": ARTICLE})
    assert r.status_code == 200
    out = r.json()
    assert out["dataId"] == "art-118" and len(out["requestId"]) == 32
    assert out["suggestion"] == "review" and out["riskLevel"] == "medium"
    assert out["ruleset"].startswith("r1-") and out["elapsedMs"] > 0
    [label] = [lb for lb in out["labels"] if lb["label"] == "typo"]
    hit = next(h for h in label["hits"] if h["keyword"] == "再接再励")
    assert ARTICLE[hit["start"]:hit["end"]] == "再接再励"
    assert (hit["utf16Start"], hit["utf16End"]) == (hit["start"], hit["end"])  # no astral characters before it
    assert hit["suggestion"] == "再接再厉" and hit["severity"] == "medium"
    assert "再接再励" in hit["context"] and hit["explanation"]["rule"]
    assert hit["location"] == {"line": 2, "offset": hit["start"] - ARTICLE.index("\n") - 1}


def test_utf16_offsets_count_astral_characters_twice(env):
    text = "𠀾𠁀村民委员会：请各校再接再励"  # two CJK Extension B characters (a village name)
    out = env["c"].post("/v1/text/check", json={"site": "qinghe", "content": text}).json()
    hit = next(h for lb in out["labels"] for h in lb["hits"] if h["keyword"] == "再接再励")
    assert text[hit["start"]:hit["end"]] == "再接再励"
    assert hit["utf16Start"] == hit["start"] + 2
    js = text.encode("utf-16-le")
    assert js[hit["utf16Start"] * 2:hit["utf16End"] * 2].decode("utf-16-le") == "再接再励"
    offs = Utf16Offsets("a𠀾b𠁀c")
    assert [offs(i) for i in range(6)] == [0, 1, 3, 4, 6, 7]


def test_clean_text_passes(env):
    out = env["c"].post("/v1/text/check", json={"site": "qinghe", "content": "县政府召开常务会议，研究部署安全生产工作。"}).json()
    assert out["suggestion"] == "pass" and out["riskLevel"] == "none" and out["labels"] == []


def test_batch_of_texts(env):
    texts = [{"dataId": "a", "content": "县政府召开常务会议。"}, {"dataId": "b", "content": "请各单位按装要求报送材料。"}]
    out = env["c"].post("/v1/text/check", json={"site": "qinghe", "texts": texts}).json()
    assert [r["dataId"] for r in out["results"]] == ["a", "b"]
    assert [r["suggestion"] for r in out["results"]] == ["pass", "review"]
    assert out["suggestion"] == "review"
    too_many = [{"content": "通知"}] * 101
    assert env["c"].post("/v1/text/check", json={"site": "qinghe", "texts": too_many}).status_code == 422
    both = {"site": "qinghe", "content": "x", "texts": [{"content": "y"}]}
    assert env["c"].post("/v1/text/check", json=both).status_code == 422


def test_html_content_is_extracted_and_located_by_selector(env):
    html = ("<html><body><nav>首页 | 信息公开</nav><div class='article'><h1>开学通知</h1>"
            "<p>请各校再接再励，确保开学平稳有序。</p></div></body></html>")
    out = env["c"].post("/v1/text/check", json={"site": "qinghe", "contentType": "html", "content": html}).json()
    hit = next(h for lb in out["labels"] for h in lb["hits"] if h["keyword"] == "再接再励")
    assert hit["location"]["selector"].endswith("p") and hit["location"]["offset"] == 3


def test_unknown_site_and_bad_requests(env):
    from api_helpers import PASSWORD

    # a site-scoped key is refused any other site, known or not (existence is not revealed)
    assert env["c"].post("/v1/text/check", json={"site": "nosuch", "content": "x"}).status_code == 403
    reviewer = TestClient(env["app"])
    token = reviewer.post("/v1/session", json={"username": "shenhe", "password": PASSWORD}).json()["csrfToken"]
    r = reviewer.post("/v1/text/check", json={"site": "nosuch", "content": "x"}, headers={"X-CSRF-Token": token})
    assert r.status_code == 404
    r = env["c"].post("/v1/text/check", json={"site": "qinghe", "contentType": "pdf", "content": "x"})
    assert r.status_code == 422


def test_validation_errors_do_not_echo_the_submitted_text(env):
    secret = "联系人张某某，电话13912345678"
    r = env["c"].post("/v1/text/check", json={"site": "qinghe", "content": secret, "bogus": secret})
    assert r.status_code == 422
    assert "13912345678" not in r.text and "张某某" not in r.text


def test_small_document_is_answered_at_once(env):
    data = "关于印发《清河县2026年政务公开工作要点》的通知\n请各单位按装要求落实。".encode("gb18030")
    r = env["c"].post("/v1/documents/check", data={"site": "qinghe", "dataId": "att-1"},
                      files={"file": ("yaodian.txt", data, "text/plain")})
    assert r.status_code == 200
    out = r.json()
    assert out["status"] == "done" and out["suggestion"] == "review" and out["mediaType"] == "text/plain"
    assert any(h["keyword"] == "按装" for lb in out["labels"] for h in lb["hits"])


def test_large_document_is_queued_and_polled(env):
    para = "为进一步加强校园安全管理，落实安全责任，现就有关事项通知如下。"
    data = (para * 200 + "请各校再接再励。").encode("utf-8")
    assert len(data) > 4096
    r = env["c"].post("/v1/documents/check", data={"site": "qinghe", "dataId": "att-2"},
                      files={"file": ("big.txt", data, "text/plain")})
    assert r.status_code == 202
    job = r.json()["jobId"]
    assert r.headers["location"] == f"/v1/documents/jobs/{job}"
    deadline = time.time() + 30
    while time.time() < deadline:
        out = env["c"].get(f"/v1/documents/jobs/{job}").json()
        if out["status"] in ("done", "failed"):
            break
        time.sleep(0.1)
    assert out["status"] == "done" and out["dataId"] == "att-2"
    assert any(h["keyword"] == "再接再励" for lb in out["labels"] for h in lb["hits"])
    # another key cannot read the job
    other = TestClient(env["app"], headers={"X-Api-Key": env["keys"].other_key})
    assert other.get(f"/v1/documents/jobs/{job}").status_code == 404


def test_unreadable_upload_reports_an_error_without_failing_the_request(env):
    r = env["c"].post("/v1/documents/check", data={"site": "qinghe"},
                      files={"file": ("scan.pdf", b"%PDF-1.7\n%broken", "application/pdf")})
    assert r.status_code == 200
    assert r.json()["status"] == "failed" and r.json()["error"]["code"]


def test_health_and_metrics(env):
    c = TestClient(env["app"])
    assert c.get("/healthz").json() == {"status": "ok", "database": "ok"}
    env["c"].post("/v1/text/check", json={"site": "qinghe", "content": "请按装要求报送。"})
    m = c.get("/metrics").text
    assert 'cuomin_checks_total{kind="text",suggestion="review"}' in m
    assert 'cuomin_http_request_seconds_bucket{le="0.025",route="/v1/text/check"}' in m


def _same(out):
    return {k: v for k, v in out.items() if k not in ("requestId", "elapsedMs")}


def test_checker_processes_answer_like_the_check_thread(env, tmp_path):
    """CUOMIN_CHECK_PROCESSES: the same answers from a pool of checker processes, and the metrics still count."""
    db = sqlite_db(tmp_path / "proc.db")
    keys = seed(db)
    app = create_app_for(db, check_processes=1, warm_up=False)
    html = "<html><body><div class='article'><h1>开学通知</h1><p>请各校再接再励，确保开学平稳有序。</p></div></body></html>"
    bodies = [{"dataId": "art-118", "site": "qinghe", "content": ARTICLE},
              {"site": "qinghe", "contentType": "html", "content": html},
              {"site": "qinghe", "texts": [{"dataId": "a", "content": "县政府召开常务会议。"},
                                           {"dataId": "b", "content": "请各单位按装要求报送材料。"}]}]
    with TestClient(app, headers={"Authorization": f"Bearer {keys.key}"}) as c:
        assert app.state.ctx.check_processes is not None
        for body in bodies:
            here = env["c"].post("/v1/text/check", json=body)
            there = c.post("/v1/text/check", json=body)
            assert there.status_code == 200 and there.headers["content-type"] == "application/json"
            assert _same(there.json()) == _same(here.json())
            assert there.json()["elapsedMs"] > 0
        assert c.post("/v1/text/check", json={"site": "other", "content": "x"}).status_code == 403
        assert 'cuomin_checks_total{kind="text",suggestion="review"} 3.0' in c.get("/metrics").text
        # a checker process that dies (killed, out of memory) is replaced; the request is not lost
        import os
        import signal

        pool = app.state.ctx.check_processes._pool
        for pid in list(pool._processes):
            os.kill(pid, signal.SIGKILL)
        again = c.post("/v1/text/check", json=bodies[0])
        assert again.status_code == 200 and _same(again.json()) == _same(env["c"].post("/v1/text/check",
                                                                                       json=bodies[0]).json())
        assert app.state.ctx.check_processes._pool is not pool
    db.dispose()


def test_checker_process_reloads_its_checkers_when_the_data_generation_moves(monkeypatch):
    from api import checkrun
    from api.schemas import TextCheckRequest
    from scanner.site import SiteConfig

    monkeypatch.setattr(checkrun, "_checkers", {})
    monkeypatch.setattr(checkrun, "_generation", 0)
    monkeypatch.setattr(checkrun, "_detectors", ["typo"])
    site = SiteConfig(id="qinghe", name="清河县人民政府", base_url="http://www.qinghe.gov.cn/")
    body = TextCheckRequest(site="qinghe", content="请各校再接再励。")
    content, counts = checkrun._check_in_process(site, "v1", 0, body, time.monotonic())
    assert counts == [("review", {"typo": 1})] and b"\\u518d" not in content and "再接再励".encode() in content
    checker = checkrun._checkers["qinghe"][1]
    reloads = []
    monkeypatch.setattr(checker, "reload", lambda: reloads.append(1) or False)
    checkrun._check_in_process(site, "v1", 0, body, time.monotonic())
    assert reloads == []
    checkrun._check_in_process(site, "v1", 1, body, time.monotonic())  # a dictionary approval in the app
    checkrun._check_in_process(site, "v1", 1, body, time.monotonic())
    assert reloads == [1] and checkrun._checkers["qinghe"][1] is checker
    checkrun._check_in_process(site, "v2", 1, body, time.monotonic())  # the site's configuration changed
    assert checkrun._checkers["qinghe"][1] is not checker
