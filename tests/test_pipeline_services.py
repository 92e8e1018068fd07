"""With the real PostgreSQL and Redis: two worker processes share a scan; a worker group killed with
SIGKILL mid-scan and restarted loses and duplicates nothing (the long version, 20+ trials, a broker
restart and a 30-second database outage, is bench/pipeline_faults.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from pipeline_support import drop_pg_schema, pg_schema_url, write_site
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
CUOMIN = [sys.executable, "-m", "scanner"]
PLANTS = {f"xxgk/{i:05d}.html": "坚持中华人民共合国宪法。" for i in range(0, 45, 3)}

pytestmark = pytest.mark.services


@pytest.fixture()
def env(tmp_path):
    schema = f"cm_{uuid.uuid4().hex[:10]}"
    url = pg_schema_url(schema)
    e = {**os.environ, "CUOMIN_DB": url, "CUOMIN_BROKER": "redis://127.0.0.1:6379/0",
         "CUOMIN_QUEUE_NAMESPACE": f"cuomin-test-{schema}", "CUOMIN_HEARTBEAT_MS": "3000",
         "CUOMIN_MAINTENANCE_CHANCE": "200000", "CUOMIN_CHECKER": "pipeline_support:planted_checker",
         "PYTHONPATH": os.pathsep.join([str(ROOT / "tests"), str(ROOT)]), "CUOMIN_RATE": "1000",
         "CUOMIN_CACHE_DIR": str(tmp_path / "cache")}
    yield e
    drop_pg_schema(schema)


def _workers(env, processes: int) -> subprocess.Popen:
    return subprocess.Popen(CUOMIN + ["worker", "--processes", str(processes), "--threads", "2"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=10)


def _site_yaml(root: Path) -> None:
    (root / "site.yaml").write_text(
        "id: quzf\nname: 某某区人民政府\ndefault_unit: 区政府办公室\ncolumns:\n"
        "  - {prefix: /xxgk/, name: 信息公开, unit: 区政务公开办}\n", encoding="utf-8")


def _counts(url: str) -> dict[str, int]:
    eng = create_engine(url)
    with eng.connect() as c:
        out = {
            "tickets": c.execute(text("select count(*) from tickets")).scalar(),
            "findings": c.execute(text("select count(*) from findings")).scalar(),
            "dup_findings": c.execute(text("select count(*) from (select page_id, fingerprint from findings "
                                           "group by 1, 2 having count(*) > 1) d")).scalar(),
            "ticket_units": c.execute(text("select count(*) from tickets t join units u on u.id = t.unit_id "
                                           "where u.name = '区政务公开办'")).scalar(),
            "dead": c.execute(text("select count(*) from dead_letters")).scalar(),
            "pages": c.execute(text("select count(*) from pages")).scalar(),
        }
    eng.dispose()
    return out


def test_two_worker_processes_then_kill_and_restart(env, tmp_path):
    root = write_site(tmp_path / "site", pages=45, attachments=4, planted=PLANTS)
    _site_yaml(root)
    workers = _workers(env, 2)
    try:
        scan = subprocess.run(check=False, args=CUOMIN + ["scan", str(root), "--quiet", "--timeout", "240"], env=env,
                              capture_output=True, text=True, timeout=300)
        assert scan.returncode == 0, scan.stderr[-2000:]
        first = _counts(env["CUOMIN_DB"])
        assert first == {"tickets": 15, "findings": 15, "dup_findings": 0, "ticket_units": 15, "dead": 0,
                         "pages": 45 + 4 + 3 + 1}
        # change every page so the next scan re-detects all of them, and kill the workers mid-scan
        for p in root.rglob("*.html"):
            p.write_text(p.read_text(encoding="utf-8").replace("研究部署", "研究部署并落实"), encoding="utf-8")
        scan2 = subprocess.Popen(CUOMIN + ["scan", str(root), "--quiet", "--timeout", "240"], env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(2.5)
        _kill(workers)
        workers = _workers(env, 2)
        _, err = scan2.communicate(timeout=300)
        assert scan2.returncode == 0, err[-2000:]
        assert _counts(env["CUOMIN_DB"]) == first
    finally:
        _kill(workers)
