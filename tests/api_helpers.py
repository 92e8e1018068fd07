"""Shared set-up of the API tests: a database (SQLite file or a fresh PostgreSQL schema),
a seeded site with its 栏目责任清单, users of every role, and an API key."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass

import psycopg

from api.app import create_app
from api.auth import passwords
from api.settings import Settings
from scanner.site import SiteConfig
from scanner.store import open_db
from scanner.store.models import ApiKey, User
from scanner.store.sites import register_site, unit_id

PG_URL = os.environ.get("CUOMIN_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
PASSWORD = "Qinghe-2026-review"
# Each password is hashed once per process (Argon2 is deliberately slow).
_HASH: dict[str, str] = {}


def pg_schema_db(tag: str):
    """A migrated PostgreSQL database in a new schema (dropped by :func:`drop_schema`)."""
    schema = f"api_{tag}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_URL.replace("postgresql://", "postgresql://", 1), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    db = open_db(f"{PG_URL}?options=-csearch_path%3D{schema}", cached=False)
    db.schema = schema
    return db


def drop_schema(db) -> None:
    db.dispose()
    schema = getattr(db, "schema", None)
    if schema:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def sqlite_db(path) -> object:
    return open_db(f"sqlite:///{path}", cached=False)


SITE = SiteConfig(
    id="qinghe", name="清河县人民政府", base_url="http://www.qinghe.gov.cn/",
    columns=[{"prefix": "/xxgk/", "name": "信息公开", "unit": "县政府办公室"},
             {"prefix": "/jyj/", "name": "教育动态", "unit": "县教育局"}],
    default_unit="县政府办公室",
)


@dataclass
class Seed:
    key: str
    other_key: str
    site_id: int


def seed(db, site: SiteConfig = SITE) -> Seed:
    from api.auth.keys import generate_key

    with db.session() as s:
        site_id = register_site(s, site)
        other = register_site(s, SiteConfig(id="other", name="其他网站", base_url="http://www.other.gov.cn/"))
        users = [("admin", "admin", None), ("shenhe", "reviewer", None),
                 ("jyj", "operator", "县教育局"), ("zfb", "operator", "县政府办公室")]
        for name, role, unit in users:
            if PASSWORD not in _HASH:
                _HASH[PASSWORD] = passwords.hash_password(PASSWORD)
            s.add(User(username=name, password_hash=_HASH[PASSWORD], role=role, unit_id=unit_id(s, unit),
                       display_name=name))
        key, prefix, digest = generate_key()
        s.add(ApiKey(key_hash=digest, prefix=prefix, name="清河CMS", site_id=site_id, rate_limit=100_000))
        other_key, prefix2, digest2 = generate_key()
        s.add(ApiKey(key_hash=digest2, prefix=prefix2, name="其他CMS", site_id=other, rate_limit=100_000))
    return Seed(key=key, other_key=other_key, site_id=site_id)


def make_app(db, **settings):
    return create_app(Settings(db=db.url, secret="test-secret-" + uuid.uuid4().hex, **settings), db=db)
