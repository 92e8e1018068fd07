"""The nightly scheduler: one scan per site per cron tick, one scheduler at a time.

A lease lock (Redis ``SET NX PX`` when Redis is configured, else a row in the
``locks`` table) makes a second scheduler wait as a hot standby; the holder
renews it every tick.  ``tick`` queues a scan (``seed_scan``) for every enabled
site whose cron expression fired since its last scheduled run, and escalates
overdue tickets.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import UTC, datetime, timedelta

from croniter import croniter
from sqlalchemy import select, update

from scanner.store.models import Lock, Scan, Site, utcnow
from scanner.store.upsert import insert_ignore
from scanner.tickets.sla import CHINA
from workers import context

OWNER = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class DbLock:
    def __init__(self, name: str = "scheduler", ttl: float = 120.0, owner: str = OWNER):
        self.name, self.ttl, self.owner = name, ttl, owner

    def acquire(self) -> bool:
        now = utcnow()
        until = now + timedelta(seconds=self.ttl)
        with context.db().session() as s:
            if insert_ignore(s, Lock, {"name": self.name, "owner": self.owner, "expires_at": until}, ["name"]):
                return True
            return bool(s.execute(update(Lock).where(Lock.name == self.name).where(
                (Lock.owner == self.owner) | (Lock.expires_at < now)).values(owner=self.owner, expires_at=until)
            ).rowcount)

    def release(self) -> None:
        with context.db().session() as s:
            s.execute(update(Lock).where(Lock.name == self.name, Lock.owner == self.owner).values(
                expires_at=datetime(1970, 1, 1, tzinfo=UTC)))


class RedisLock:
    _RENEW = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0"

    def __init__(self, client, name: str = "scheduler", ttl: float = 120.0, owner: str = OWNER):
        self.redis, self.key, self.ttl, self.owner = client, f"cuomin:lock:{name}", int(ttl * 1000), owner

    def acquire(self) -> bool:
        if self.redis.set(self.key, self.owner, nx=True, px=self.ttl):
            return True
        return bool(self.redis.eval(self._RENEW, 1, self.key, self.owner, self.ttl))

    def release(self) -> None:
        self.redis.eval("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end "
                        "return 0", 1, self.key, self.owner)


def make_lock(ttl: float = 120.0):
    url = os.environ.get("CUOMIN_REDIS_URL") or os.environ.get("CUOMIN_BROKER", "")
    if url.startswith("redis"):
        import redis

        return RedisLock(redis.Redis.from_url(url), ttl=ttl)
    return DbLock(ttl=ttl)


def due_sites(now: datetime) -> list[tuple[int, datetime]]:
    """(site id, fire time) of sites whose cron fired since their last scheduled scan (China time)."""
    out = []
    with context.db().session() as s:
        for site in s.execute(select(Site).where(Site.enabled.is_(True), Site.schedule.is_not(None))).scalars():
            fire = croniter(site.schedule, now.astimezone(CHINA)).get_prev(datetime)
            last = site.last_scheduled_at
            last = last.replace(tzinfo=UTC) if last is not None and last.tzinfo is None else last
            if last is None or fire > last:
                out.append((site.id, fire.astimezone(UTC)))
    return out


def tick(now: datetime | None = None, send=None) -> list[int]:
    """Queue due scans; returns the new scan ids.  ``send(actor_name, *args)`` defaults to the broker."""
    import dramatiq

    now = now or datetime.now(UTC)
    send = send or (lambda name, *a: dramatiq.get_broker().get_actor(name).send(*a))
    scans = []
    for site_id, fire in due_sites(now):
        with context.db().session() as s:
            claimed = s.execute(update(Site).where(Site.id == site_id).where(
                (Site.last_scheduled_at.is_(None)) | (Site.last_scheduled_at < fire)).values(last_scheduled_at=fire)
            ).rowcount
            if not claimed:
                continue
            site = s.get(Site, site_id)
            cfg = dict(site.config or {})
            scan = Scan(site_id=site_id, kind="crawl", status="seeding", started_at=now,
                        options={"base_url": site.base_url, "max_pages": int(cfg.get("max_pages", 100_000))
                                 if isinstance(cfg.get("max_pages"), int) else 100_000, "max_depth": 20})
            s.add(scan)
            s.flush()
            scans.append(scan.id)
    for scan_id in scans:
        send("seed_scan", scan_id)
    send("escalate")
    return scans
