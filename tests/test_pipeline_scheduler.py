"""The nightly scheduler: cron per site in China time, one scan per tick, one active scheduler."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from scanner.site import SiteConfig
from scanner.store.sites import register_site
from workers import context
from workers.scheduling import DbLock, tick


@pytest.fixture()
def db(tmp_path, monkeypatch):
    monkeypatch.setenv("CUOMIN_DB", f"sqlite:///{tmp_path / 's.db'}")
    context.reset()
    yield context.db()
    context.reset()


def test_cron_fires_once_per_slot_in_china_time(db):
    with db.session() as s:
        register_site(s, SiteConfig(id="quzf", base_url="http://www.quzf.gov.cn/"), schedule="0 2 * * *")
    sent = []
    send = lambda *a: sent.append(a)
    # 2026-11-22 18:30 UTC = 02:30 on the 23rd in Beijing: the 02:00 slot has fired
    first = tick(datetime(2026, 11, 22, 18, 30, tzinfo=UTC), send)
    again = tick(datetime(2026, 11, 22, 18, 45, tzinfo=UTC), send)
    next_day = tick(datetime(2026, 11, 23, 18, 5, tzinfo=UTC), send)
    assert len(first) == 1 and again == [] and len(next_day) == 1
    assert [a[0] for a in sent] == ["seed_scan", "escalate", "escalate", "seed_scan", "escalate"]


def test_only_one_scheduler_holds_the_lock(db):
    a, b = DbLock(owner="host-a:1", ttl=60), DbLock(owner="host-b:2", ttl=60)
    assert a.acquire() and not b.acquire()
    assert a.acquire()  # renewal by the holder
    a.release()
    assert b.acquire() and not a.acquire()
