"""After scanning a document full of IDs, no raw ID is in the database, the logs, an API response,
the CLI report or the keyed hashes."""

import io
import logging
import random

from api_helpers import create_app_for, seed, sqlite_db
from fastapi.testclient import TestClient
from privacy_synth import gen_id, gen_mobile, to_xlsx
from sqlalchemy import text as sql

from scanner.pipeline import Checker
from scanner.privacy import mask_text

RNG = random.Random(99)
IDS = [gen_id(RNG) for _ in range(30)]
PHONES = [gen_mobile(RNG) for _ in range(30)]
ARTICLE = "清河县2026年度低保对象公示\n" + "\n".join(
    f"{i + 1}. 户主张某{i}，身份证号码{idv}，联系电话{ph}，家住河西村{i % 9 + 1}组{i + 3}号。"
    for i, (idv, ph) in enumerate(zip(IDS, PHONES)))


def leaks(blob: str) -> list[str]:
    # a whole value, or an ID's birth date + sequence (12 digits; shorter pieces match hex hashes by chance)
    return [v for v in IDS + PHONES if v in blob] + [v for v in IDS if v[6:] in blob]


def test_no_raw_id_in_api_database_logs_or_reports(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    db_path = tmp_path / "leak.db"
    db = sqlite_db(db_path)
    keys = seed(db)
    app = create_app_for(db, detectors=("privacy",))
    client = TestClient(app)
    client.headers["Authorization"] = f"Bearer {keys.key}"

    r = client.post("/v1/text/check", json={"site": "qinghe", "content": ARTICLE, "dataId": "gs-1"})
    assert r.status_code == 200 and r.json()["suggestion"] == "block"
    data = to_xlsx("公示名单", [[str(i), f"李某{i}", v, p, "", "", ""] for i, (v, p) in enumerate(zip(IDS, PHONES))])
    r2 = client.post("/v1/documents/check", data={"site": "qinghe"},
                     files={"file": ("gs.xlsx", data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")})
    assert r2.status_code == 200
    for resp in (r, r2):
        assert leaks(resp.text) == [], "API response carries a raw value"
        assert "RESIDENT_ID" in resp.text and "**********" in resp.text  # IDs reported, masked

    # the database, through the store's own recording path
    from scanner.store.models import Page
    from scanner.store.recording import record_page

    result = Checker(detectors=["privacy"]).check_text(ARTICLE, source="http://www.qinghe.gov.cn/gsgg/1.html")
    assert sum(f.rule == "privacy.id" for f in result.findings) == len(IDS)
    with db.session() as s:
        page = Page(site_id=keys.site_id, url="http://www.qinghe.gov.cn/gsgg/1.html")
        s.add(page)
        s.flush()
        record_page(s, site_id=keys.site_id, page_id=page.id, scan_id=None,
                    findings=[f.to_dict() for f in result.findings], ruleset=result.ruleset, content_hash="x")
    with db.session() as s:
        tables = [row[0] for row in s.execute(sql("SELECT name FROM sqlite_master WHERE type='table'"))]
        dump = []
        for t in tables:
            dump.extend(str(tuple(row)) for row in s.execute(sql(f'SELECT * FROM "{t}"')))
        stored = s.execute(sql("SELECT count(*) FROM findings")).scalar()
    assert stored >= len(IDS)
    db.dispose()
    assert leaks("\n".join(dump)) == []
    assert leaks(db_path.read_bytes().decode("utf-8", "replace")) == []

    # the logs and the command-line report (text and JSON)
    assert leaks("\n".join(rec.getMessage() for rec in caplog.records)) == []
    from scanner.cli.output import JsonLines  # noqa: F401  (the JSON report writer)

    src = tmp_path / "gs.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    from scanner.cli import main

    for fmt in ("json", "text"):
        out = io.StringIO()
        import contextlib

        with contextlib.redirect_stdout(out):
            try:
                main(["check", "--format", fmt, "--detectors", "privacy", "--no-progress", str(src)])
            except SystemExit:
                pass
        assert out.getvalue() and leaks(out.getvalue()) == []


def test_mask_text_safety_net_for_free_text():
    line = f"failed to notify applicant {IDS[0]} at {PHONES[0]}"
    masked = mask_text(line)
    assert leaks(masked) == [] and IDS[0][:4] in masked


def test_a_long_xlsx_list_gives_one_ticket_per_leaking_column_and_stores_no_raw_value(tmp_path):
    from privacy_synth import table_rows

    from scanner.extract import extract
    from scanner.store.models import Page, Ticket
    from scanner.store.recording import record_page

    rows = table_rows(random.Random(7), 120)
    data = to_xlsx("2026年度大病救助对象公示名单", rows)
    raw = [v for r in rows if "*" not in r[2] for v in (r[1], r[2], r[3], r[4], r[2][6:], r[5])]
    db = sqlite_db(tmp_path / "list.db")
    keys = seed(db)
    checker = Checker(detectors=["privacy"])
    url = "http://www.qinghe.gov.cn/gsgg/files/list.xlsx"
    for _scan in range(2):  # the same list scanned twice: the same tickets
        result = checker.check(extract(data, url, filename="list.xlsx"))
        with db.session() as s:
            page = s.query(Page).filter_by(site_id=keys.site_id, url=url).one_or_none()
            if page is None:
                page = Page(site_id=keys.site_id, url=url)
                s.add(page)
                s.flush()
            record_page(s, site_id=keys.site_id, page_id=page.id, scan_id=None,
                        findings=[f.to_dict() for f in result.findings], ruleset=result.ruleset, content_hash="x")
    with db.session() as s:
        tickets = s.query(Ticket).filter_by(site_id=keys.site_id).all()
        assert sorted(t.rule for t in tickets) == sorted(["privacy.name", "privacy.id", "privacy.phone", "privacy.bank",
                                                          "privacy.address", "privacy.health"])
        ids = next(t for t in tickets if t.rule == "privacy.id")
        assert ids.explanation["details"]["count"] == 96 and "共 96 处" in ids.suggestion
        assert ids.location == {"sheet": "公示名单", "cell": "C3"}
        dump = "\n".join(str(tuple(row)) for t in ("findings", "tickets") for row in s.execute(sql(f'SELECT * FROM "{t}"')))
    db.dispose()
    assert [v for v in raw if v in dump] == []
    assert [v for v in raw if v in (tmp_path / "list.db").read_bytes().decode("utf-8", "replace")] == []
