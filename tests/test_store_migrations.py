"""Schema migrations: a process starting against an up-to-date database skips Alembic; any other
database (new, or at an older revision) is upgraded by it — on SQLite and on the real PostgreSQL."""

from __future__ import annotations

import uuid

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from pipeline_support import drop_pg_schema, pg_schema_url
from sqlalchemy import inspect, text

from scanner.store import db as store


def test_head_read_from_the_version_files_is_alembics_head():
    cfg = Config()
    cfg.set_main_option("script_location", str(store.MIGRATIONS))
    assert store.head_revision() == ScriptDirectory.from_config(cfg).get_current_head()


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'm.db'}"
        return
    schema = f"cm_migr_{uuid.uuid4().hex[:8]}"
    yield pg_schema_url(schema)
    drop_pg_schema(schema)


def test_new_old_and_current_databases(url, monkeypatch):
    engine = store.make_engine(url)
    assert not store.at_head(engine)  # a new database: no version table
    store.migrate(engine, "0001")  # an older schema: upgraded by Alembic on the next start
    assert not store.at_head(engine)
    def indexes():
        return {i["name"] for i in inspect(engine).get_indexes("pages")}

    assert "ix_pages_found_on" not in indexes()
    store.migrate(engine)
    assert store.at_head(engine) and "ix_pages_found_on" in indexes()
    with engine.connect() as c:
        assert c.execute(text("SELECT version_num FROM alembic_version")).scalar() == store.head_revision()
    engine.dispose()

    calls = []  # a process starting against the current schema does not run Alembic
    import alembic.command

    monkeypatch.setattr(alembic.command, "upgrade", lambda *a, **k: calls.append(a))
    d = store.open_db(url, cached=False)
    with d.session() as s:
        assert s.execute(text("SELECT count(*) FROM pages")).scalar() == 0
    d.dispose()
    assert calls == []
