"""Browser tests: the app under uvicorn on 127.0.0.1, driven by Debian's chromium through Playwright."""

import sys
import threading
import time
from pathlib import Path

import pytest
import uvicorn

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from api_helpers import LocalSite, create_app_for, local_site_config, record_pages, seed, sqlite_db

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


class Server:
    def __init__(self, app):
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning",
                                                    access_log=False))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.time() + 20
        while not self.server.started and time.time() < deadline:
            time.sleep(0.05)
        sock = self.server.servers[0].sockets[0]
        self.base = f"http://127.0.0.1:{sock.getsockname()[1]}"

    def stop(self):
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    site = LocalSite()
    db = sqlite_db(tmp_path_factory.mktemp("ui") / "ui.db")
    seed(db, local_site_config(site))
    app = create_app_for(db)
    record_pages(db, app.state.ctx.checkers.get("qinghe"), site)
    server = Server(app)
    yield {"base": server.base, "site": site, "db": db, "app": app}
    server.stop()
    site.close()
    db.dispose()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    yield pg
    ctx.close()
