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


# ---- a small government site served on 127.0.0.1 (pages can be "corrected" during a test) ----------

import http.server
import threading

PAGES = {
    "/jyj/2026/tz118.html": ("<html><head><title>关于做好2026年春季学期开学工作的通知</title></head><body>"
                             "<div class='article'><h1>关于做好2026年春季学期开学工作的通知</h1>"
                             "<p>各中小学校：为做好春季学期开学工作，请各校再接再励，按照县委、县政府部署，"
                             "认真落实校园安全责任制，确保开学工作平稳有序。</p></div></body></html>"),
    "/xxgk/2026/gg07.html": ("<html><head><title>县政府办公室关于政务服务事项调整的公告</title></head><body>"
                             "<div class='article'><h1>县政府办公室关于政务服务事项调整的公告</h1>"
                             "<p>根据省政府统一部署，现将政务服务事项调整情况公告如下，请各单位按装要求及时更新办事指南。</p>"
                             "</div></body></html>"),
}


class LocalSite:
    """An HTTP server on 127.0.0.1 serving ``pages`` (a dict that tests may change)."""

    def __init__(self, pages: dict[str, str] | None = None):
        self.pages = dict(pages or PAGES)
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = site.pages.get(self.path)
                if body is not None and body.startswith("REDIRECT "):
                    self.send_response(302)
                    self.send_header("Location", body.split(" ", 1)[1])
                    self.end_headers()
                    return
                if body is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                data = body.encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *a):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return self.base + path

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def local_site_config(site: LocalSite) -> SiteConfig:
    return SiteConfig(id="qinghe", name="清河县人民政府", base_url=site.base + "/", allow_private_network=True,
                      columns=SITE.columns, default_unit=SITE.default_unit)


def record_pages(db, checker, site: LocalSite, paths=None) -> None:
    """Check ``site``'s pages with ``checker`` and record them as the pipeline does (findings, tickets)."""
    from sqlalchemy import select

    from scanner.extract import extract
    from scanner.store.models import Page, Site
    from scanner.store.recording import record_page, unit_for
    from scanner.store.upsert import upsert

    with db.session() as s:
        site_row = s.scalar(select(Site).where(Site.key == checker.site.id))
        for path in paths or list(site.pages):
            url = site.url(path)
            doc = extract(site.pages[path].encode("utf-8"), url, content_type="text/html; charset=utf-8")
            result = checker.check(doc)
            unit, column = unit_for(s, site_row.id, url, site_row.default_unit_id)
            page_id = upsert(s, Page, {"site_id": site_row.id, "url": url, "kind": "page", "title": doc.title,
                                       "unit_id": unit, "column": column, "status": 200,
                                       "media_type": "text/html"}, ["site_id", "url"])
            record_page(s, site_id=site_row.id, page_id=page_id, scan_id=None,
                        findings=[{**f.to_dict(), "excerpt_start": f.excerpt_start} for f in result.findings], ruleset=result.ruleset, content_hash=None,
                        default_unit_id=site_row.default_unit_id)


def create_app_for(db, detectors=("typo",), **settings):
    """The app on ``db`` with the given detectors (the workflow tests need only the typo detector).

    Dictionary proposals and approvals always go to a temporary directory, never ``dictionaries/``."""
    import tempfile

    scratch = tempfile.mkdtemp(prefix="cuomin-api-dict-")
    settings.setdefault("proposals_dir", f"{scratch}/proposals")
    settings.setdefault("dictionary_dir", f"{scratch}/dictionary")
    return create_app(Settings(db=db.url, secret="test-secret-" + uuid.uuid4().hex, **settings), db=db,
                      detectors=list(detectors) if detectors is not None else None)
