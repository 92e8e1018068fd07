"""Engine and session set-up, and migrations run programmatically (no alembic.ini needed).

``database_url()`` is ``--db`` or ``CUOMIN_DB`` or ``sqlite:///cuomin.db``; a
PostgreSQL URL (``postgresql://…`` is rewritten to the psycopg 3 driver) is used
in production.  ``open_db(url)`` creates the engine, upgrades the schema to the
latest migration and returns a :class:`Database` (engine + session factory).
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
DEFAULT_URL = "sqlite:///cuomin.db"


def database_url(url: str | None = None) -> str:
    url = url or os.environ.get("CUOMIN_DB") or DEFAULT_URL
    if "://" not in url:  # a bare path means a SQLite file
        url = f"sqlite:///{url}"
    if url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str | None = None, **kw) -> Engine:
    url = database_url(url)
    if url.startswith("sqlite"):
        kw.setdefault("connect_args", {"timeout": 60, "check_same_thread": False})
        engine = create_engine(url, **kw)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # several worker processes share one file
            cur = dbapi_conn.cursor()
            if ":memory:" not in url:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=60000")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()
        return engine
    kw.setdefault("pool_pre_ping", True)
    kw.setdefault("pool_size", 5)
    return create_engine(url, **kw)


_ASSIGN = re.compile(r"^(revision|down_revision)\s*(?::[^=]*)?=\s*(?:'([^']*)'|\"([^\"]*)\"|None)\s*$", re.M)


def head_revision() -> str | None:
    """The newest migration's id, read from the version files' ``revision`` / ``down_revision`` lines
    (without importing Alembic); None unless the history is one straight line."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS / "versions").glob("[0-9]*.py"):
        found = {m[1]: m[2] or m[3] for m in _ASSIGN.finditer(path.read_text(encoding="utf-8"))}
        if "revision" not in found or "down_revision" not in found:
            return None
        revisions.add(found["revision"])
        parents.add(found["down_revision"])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 and len(parents) == len(revisions) else None


def at_head(engine: Engine) -> bool:
    """True when the database already records the newest migration: then a process starting need not
    import and run Alembic (≈ 0.2–0.25 s of every worker, scan and API start) to learn that."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    head = head_revision()
    if head is None:
        return False
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [head]
    except DBAPIError:  # no version table yet (a new database): Alembic creates it
        return False


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the schema to ``revision`` with Alembic, using this package's migrations."""
    if revision == "head" and at_head(engine):
        return
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


@dataclass
class Database:
    url: str
    engine: Engine
    sessions: sessionmaker[Session]

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in a transaction: committed on success, rolled back on error."""
        with self.sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


_cache: dict[str, Database] = {}
_cache_lock = threading.Lock()


def open_db(url: str | None = None, *, upgrade: bool = True, cached: bool = True, pre_ping: bool = True,
            idle_tx_timeout_ms: int | None = None) -> Database:
    """The database at ``url``, migrated to the latest schema (once per process and URL).

    ``pre_ping=False`` skips the liveness round trip on every connection checkout (queue workers: a
    connection that died with the server fails its statement, the pool is invalidated and the
    message is retried).  ``idle_tx_timeout_ms`` (PostgreSQL) ends a session that sits idle inside a
    transaction that long — a worker killed while its connection lingers cannot hold row locks
    (and so the whole scan) forever; its message is redelivered."""
    url = database_url(url)
    with _cache_lock:
        if cached and url in _cache:
            return _cache[url]
        engine = make_engine(url) if pre_ping or url.startswith("sqlite") else make_engine(url, pool_pre_ping=False)
        if idle_tx_timeout_ms and not url.startswith("sqlite"):
            @event.listens_for(engine, "connect")
            def _idle_timeout(dbapi_conn, _record, ms=int(idle_tx_timeout_ms)):
                autocommit = dbapi_conn.autocommit
                dbapi_conn.autocommit = True
                dbapi_conn.execute(f"SET idle_in_transaction_session_timeout = {ms}")
                dbapi_conn.autocommit = autocommit
        if upgrade:
            migrate(engine)
        db = Database(url, engine, sessionmaker(engine, expire_on_commit=False))
        if cached:
            _cache[url] = db
        return db


def forget(url: str | None = None) -> None:
    """Drop cached engines (after a fork, or in tests)."""
    with _cache_lock:
        for key in [database_url(url)] if url else list(_cache):
            db = _cache.pop(key, None)
            if db:
                db.dispose()
