"""Claiming a column index's thousands of URLs, finishing them and cutting them into fetch messages —
on SQLite and on the real PostgreSQL (where the lists are bound as one array: ``= ANY(…)``)."""

from __future__ import annotations

import uuid

import pytest
from pipeline_support import drop_pg_schema, pg_schema_url
from sqlalchemy import select

from scanner.site import SiteConfig
from scanner.store.db import open_db
from scanner.store.models import Page, Scan
from scanner.store.recording import count_pages, mark_done_many
from scanner.store.sites import register_site
from workers.crawling import BATCH, MAX_BATCH, chunks, claim_many

BASE = "http://www.quzf.gov.cn/xxgk/"


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    if request.param == "sqlite":
        d = open_db(f"sqlite:///{tmp_path / 'c.db'}", cached=False)
        yield d
        d.dispose()
        return
    schema = f"cm_claims_{uuid.uuid4().hex[:8]}"
    d = open_db(pg_schema_url(schema), cached=False)
    yield d
    d.dispose()
    drop_pg_schema(schema)


def _scan(db) -> tuple[int, int]:
    with db.session() as s:
        sid = register_site(s, SiteConfig(id="quzf", base_url="http://www.quzf.gov.cn/"))
        scan = Scan(site_id=sid, status="running")
        s.add(scan)
        s.flush()
        return sid, scan.id


def test_a_long_claim_is_claimed_once_and_finished_once(db):
    sid, scan_id = _scan(db)
    urls = [f"{BASE}{i:05d}.html" for i in range(2_500)]
    with db.session() as s:  # the index claims its 2,500 pages (cap 2,400), some listed twice
        got = claim_many(s, sid, scan_id, [(None, 1, urls), (None, 1, urls[:10])], max_pages=2_400)
        count_pages(s, scan_id, seen=len(got[None]))
    ids = got[None]
    assert len(ids) == 2_400 == len(set(ids))
    with db.session() as s:  # a redelivery of the same claim claims nothing more
        assert claim_many(s, sid, scan_id, [(None, 1, urls[:2_400])], max_pages=10_000) == {}
        claimed = s.execute(select(Page.url).where(Page.last_scan_id == scan_id)).scalars().all()
        assert sorted(claimed) == urls[:2_400]
        assert s.get(Scan, scan_id).pages_seen == 2_400
    with db.engine.begin() as c:  # finished with a 304's columns; the second time finds them finished
        assert mark_done_many(c, scan_id, ids[:1_500], {"status": 304}) == set(ids[:1_500])
    with db.engine.begin() as c:
        assert mark_done_many(c, scan_id, ids, {"status": 304}) == set(ids[1_500:])
        assert mark_done_many(c, scan_id, ids) == set()
    with db.session() as s:
        rows = s.execute(select(Page.status, Page.done_scan_id).where(Page.id.in_(ids))).all()
    assert {tuple(r) for r in rows} == {(304, scan_id)}


def test_stages_load_a_batch_of_pages_by_id(db):
    from workers.stages import _load_many

    sid, scan_id = _scan(db)
    with db.session() as s:
        ids = claim_many(s, sid, scan_id, [(None, 2, [f"{BASE}{i}.html" for i in range(150)])], 1_000)[None]
    rows = _load_many(db, ids[:120] + [10**9])
    assert sorted(rows) == sorted(ids[:120])
    assert all(r.depth == 2 and r.url.startswith(BASE) for r in rows.values())


@pytest.mark.parametrize("n", [1, BATCH, BATCH + 1, 16 * BATCH, 16 * BATCH + 1, 3_333, 16 * MAX_BATCH + 7])
def test_claims_are_cut_into_messages_by_their_length(n):
    items = list(range(n))
    parts = chunks(items)
    assert [x for p in parts for x in p] == items  # every page once, in order
    sizes = {len(p) for p in parts[:-1]}
    assert len(sizes) <= 1 and all(1 <= len(p) <= MAX_BATCH for p in parts)
    if n <= 16 * BATCH:  # a short claim: messages of BATCH
        assert len(parts[0]) == min(n, BATCH)
    elif n <= 16 * MAX_BATCH:  # a long one: about 16 messages
        assert len(parts) == 16 or len(parts) == 15
    else:  # a very long one: messages of MAX_BATCH
        assert len(parts[0]) == MAX_BATCH
