"""End to end in embedded mode: crawl a generated government site on 127.0.0.1, record findings,
open one ticket per problem with the right unit, close or reopen on re-check, re-scan incrementally."""

from __future__ import annotations

import pytest
from pipeline_support import planted_checker, write_site
from sqlalchemy import func, select

from scanner.fetch.localserve import serve_directory
from scanner.site import SiteConfig
from scanner.store.models import DeadLetter, FindingRow, Page, Ticket, TicketEvent, Unit
from scanner.tickets import service
from workers import context


@pytest.fixture()
def pipeline(tmp_path, monkeypatch):
    monkeypatch.setenv("CUOMIN_DB", f"sqlite:///{tmp_path / 'cuomin.db'}")
    context.reset()
    context.set_checker_factory(planted_checker)
    from workers.embedded import EmbeddedWorker

    with EmbeddedWorker(threads=4) as worker:
        yield worker
    context.set_checker_factory(None)
    context.reset()


def _site(base: str) -> SiteConfig:
    return SiteConfig(id="quzf", name="某某区人民政府", base_url=base, allow_private_network=True,
                      default_unit="区政府办公室",
                      columns=[{"prefix": "/xxgk/", "name": "信息公开", "unit": "区政务公开办",
                                "contacts": [{"name": "值班", "email": "gk@example.gov.cn"}]},
                               {"prefix": "/zwdt/", "name": "政务动态", "unit": "区融媒体中心"}])


def _scan(worker, site, base, **kw):
    from workers import scans

    scan_id = scans.create_scan(site, base, max_pages=kw.pop("max_pages", 500), **kw)
    scans.seed(scan_id)
    progress = scans.wait(scan_id, timeout=120)
    worker.join()
    return scan_id, progress


def _tickets(session):
    units = {u.id: u.name for u in session.execute(select(Unit)).scalars()}
    return {(t.keyword, t.url.rsplit("/", 2)[-2] + "/" + t.url.rsplit("/", 1)[-1]): (t, units.get(t.unit_id))
            for t in session.execute(select(Ticket).where(Ticket.detector == "planted")).scalars()}


def test_scan_tickets_units_and_closed_loop(pipeline, tmp_path):
    root = write_site(tmp_path / "site", pages=24, attachments=2, planted={
        "xxgk/00000.html": "坚持中华人民共合国宪法。", "zwdt/00001.html": "不忘初心、牢记使名。",
        "xxgk/00003.html": "不忘初心、牢记使名。"})
    with serve_directory(root) as base:
        site = _site(base)
        _, progress = _scan(pipeline, site, base)
        assert progress["seen"] == 24 + 3 + 1 + 2  # pages, column indexes, home, attachments
        assert progress["errors"] == 0 and progress["checked"] == progress["seen"]
        with context.db().session() as s:
            found = _tickets(s)
            assert sorted((k, unit) for k, (_, unit) in found.items()) == [
                (("不忘初心、牢记使名", "xxgk/00003.html"), "区政务公开办"),
                (("不忘初心、牢记使名", "zwdt/00001.html"), "区融媒体中心"),
                (("中华人民共合国", "xxgk/00000.html"), "区政务公开办")]
            assert s.execute(select(func.count()).select_from(Page).where(Page.kind == "attachment")).scalar() == 2
            fixed_t = found[("中华人民共合国", "xxgk/00000.html")][0]
            unfixed_t = found[("不忘初心、牢记使名", "zwdt/00001.html")][0]
            assert fixed_t.due_at is not None and fixed_t.state == "open"
            fixed_id, unfixed_id = fixed_t.id, unfixed_t.id

        # the unit corrects one page, and claims to have fixed the other without doing so
        page = root / "xxgk/00000.html"
        page.write_text(page.read_text(encoding="utf-8").replace("中华人民共合国", "中华人民共和国"), encoding="utf-8")
        from workers.recheck import recheck_ticket

        for tid in (fixed_id, unfixed_id):
            with context.db().session() as s:
                pages = service.mark_fixed(s, s.get(Ticket, tid), "gk-operator", note="已修改")
                assert len(pages) == 1
        assert recheck_ticket(fixed_id) == "closed"
        assert recheck_ticket(unfixed_id) == "reopened"
        with context.db().session() as s:
            actions = [e.action for e in s.execute(select(TicketEvent).where(TicketEvent.ticket_id == fixed_id)
                                                   .order_by(TicketEvent.id)).scalars()]
            assert actions == ["created", "fix", "recheck", "pass"]
            reopened = s.get(Ticket, unfixed_id)
            assert reopened.reopen_count == 1 and reopened.state == "reopened"
            assert s.execute(select(func.count()).select_from(DeadLetter)).scalar() == 0

        # an unchanged re-scan re-detects nothing; the corrected page stays resolved
        _, progress2 = _scan(pipeline, site, base)
        assert progress2["seen"] == progress["seen"]
        assert progress2["checked"] == 0 and progress2["unchanged"] == progress2["seen"]
        with context.db().session() as s:
            assert s.get(Ticket, fixed_id).state == "closed"
            assert s.execute(select(func.count()).select_from(Ticket)).scalar() == 3


def test_template_problem_is_one_ticket_listing_pages(pipeline, tmp_path):
    root = write_site(tmp_path / "site", pages=9, attachments=0)
    for p in root.rglob("*.html"):  # a typo in the shared footer of every page
        p.write_text(p.read_text(encoding="utf-8").replace("主办：", "主办：中华人民共合国"), encoding="utf-8")
    with serve_directory(root) as base:
        _scan(pipeline, _site(base), base)
    with context.db().session() as s:
        rows = s.execute(select(FindingRow).where(FindingRow.keyword == "中华人民共合国")).scalars().all()
        tickets = s.execute(select(Ticket).where(Ticket.keyword == "中华人民共合国")).scalars().all()
        # the footer is a template region (HTML extractor): one ticket listing every page it is on
        assert rows and all(r.template for r in rows)
        assert len(tickets) == 1 and len(service.occurrences(s, tickets[0])) == len(rows) == 13
        assert tickets[0].unit_id is not None  # the site's default unit owns template problems


def test_changed_ruleset_redetects_unchanged_pages(pipeline, tmp_path):
    root = write_site(tmp_path / "site", pages=6, attachments=0, planted={"xxgk/00000.html": "中华人民共合国"})
    with serve_directory(root) as base:
        site = _site(base)
        _, first = _scan(pipeline, site, base)
        _, same = _scan(pipeline, site, base)
        assert same["unchanged"] == same["seen"] == first["seen"]
        with context.db().session() as s:  # pretend the pages were checked under older rules
            s.execute(Page.__table__.update().values(checked_ruleset="r1-older"))
        _, rerun = _scan(pipeline, site, base)
        assert rerun["checked"] == rerun["seen"] == first["seen"]
        with context.db().session() as s:
            assert s.execute(select(func.count()).select_from(Ticket)).scalar() == 1
            assert s.execute(select(func.count()).select_from(Ticket).where(Ticket.state == "open")).scalar() == 1
        _, forced = _scan(pipeline, site, base, force=True)
        assert forced["checked"] == forced["seen"]


def test_incremental_rescan_rechecks_a_changed_page_and_reports_a_removed_attachment(pipeline, tmp_path):
    root = write_site(tmp_path / "site", pages=30, attachments=6)
    with serve_directory(root) as base:
        site = _site(base)
        _, first = _scan(pipeline, site, base)
        assert first["checked"] == first["seen"] == 30 + 3 + 1 + 6
        # one page gains a problem, one attachment disappears (its page's link is now broken)
        page = root / "zwdt/00004.html"
        page.write_text(page.read_text(encoding="utf-8").replace("民生保障", "民生保障，中华人民共合国"),
                        encoding="utf-8")
        (root / "files/00002.txt").unlink()
        scan_id, again = _scan(pipeline, site, base)
        assert again["seen"] == first["seen"]
        assert (again["checked"], again["errors"], again["unchanged"]) == (1, 1, first["seen"] - 2)
        # the unchanged pages were answered 304 on the cheap path, and are recorded as seen in this scan
        assert context.revalidator(site).hits >= first["seen"] - 2
        with context.db().session() as s:
            rows = s.execute(select(Page.url, Page.status, Page.done_scan_id, Page.fetched_at)).all()
            assert {r.done_scan_id for r in rows} == {scan_id}
            assert sum(r.status == 304 for r in rows) == first["seen"] - 2
            assert all(r.fetched_at is not None for r in rows)
            (ticket,) = s.execute(select(Ticket).where(Ticket.keyword == "中华人民共合国")).scalars()
            assert ticket.url.endswith("zwdt/00004.html")
            (broken,) = s.execute(select(FindingRow).where(FindingRow.detector == "links",
                                                           FindingRow.rule == "broken-link")).scalars()
            referrer = s.get(Page, broken.page_id)
            assert referrer.url.endswith("hdjl/00002.html") and broken.location["href"].endswith("files/00002.txt")


def test_the_local_server_answers_like_a_static_web_server_and_stays_in_its_directory(tmp_path):
    import httpx

    root = tmp_path / "site"
    (root / "col").mkdir(parents=True)
    (root / "col" / "index.html").write_text("<p>栏目</p>", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("outside", encoding="utf-8")
    with serve_directory(root) as base, httpx.Client() as c:
        first = c.get(base + "col/")
        assert first.status_code == 200 and first.text == "<p>栏目</p>"
        assert first.headers["content-type"] == "text/html; charset=utf-8"
        assert c.get(base + "col", follow_redirects=False).headers["location"] == "/col/"
        again = c.get(base + "col/", headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304 and again.content == b""
        since = c.get(base + "col/", headers={"If-Modified-Since": first.headers["last-modified"]})
        assert since.status_code == 304
        assert c.head(base + "col/").headers["content-length"] == str(len("<p>栏目</p>".encode()))
        for escape in ("%2e%2e/secret.txt", "col/%2e%2e/%2e%2e/secret.txt", "..%2fsecret.txt"):
            answer = c.get(base + escape)
            assert answer.status_code == 404 and b"outside" not in answer.content
        assert c.post(base + "col/").status_code == 405
