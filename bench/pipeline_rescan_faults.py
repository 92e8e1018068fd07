"""kill -9 of the worker group during *unchanged* re-scans (Redis + PostgreSQL): nothing lost, nothing
counted twice on the cheap 304 path.

    .venv/bin/python bench/pipeline_rescan_faults.py [--pages 3000] [--attachments 300] [--kills 0.7,1.5,2.5]

A generated site is scanned once (trivial detector), re-scanned once undisturbed (its wall time
printed, to show the kills land mid-scan), then re-scanned once per ``--kills`` delay: the two worker
processes are SIGKILLed that many seconds after the scan command started and restarted.  Each scan
must finish with every page counted once as unchanged (``pages_unchanged == pages_seen ==`` the site's
documents), every page finished in that scan (``done_scan_id``), no error and no dead letter.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))
from pipeline_support import drop_pg_schema, pg_schema_url, stop_workers, write_site

CUOMIN = [sys.executable, "-m", "scanner"]


def _workers(env: dict) -> subprocess.Popen:
    return subprocess.Popen(CUOMIN + ["worker", "--processes", "2", "--threads", "4"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def _state(db_url: str) -> dict:
    from sqlalchemy import create_engine, text

    from scanner.store.db import database_url

    eng = create_engine(database_url(db_url))
    with eng.connect() as c:
        sid, seen, checked, unchanged, errors = c.execute(text(
            "select id, pages_seen, pages_checked, pages_unchanged, errors from scans order by id desc limit 1")).one()
        out = {"scan": sid, "pages": c.execute(text("select count(*) from pages")).scalar(), "seen": seen,
               "checked": checked, "unchanged": unchanged, "errors": errors,
               "not_done": c.execute(text("select count(*) from pages where done_scan_id is distinct from :s"),
                                     {"s": sid}).scalar(),
               "dead": c.execute(text("select count(*) from dead_letters")).scalar()}
    eng.dispose()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=3000)
    ap.add_argument("--attachments", type=int, default=300)
    ap.add_argument("--kills", default="0.7,1.5,2.5", help="seconds after the scan command starts")
    args = ap.parse_args()
    site = Path(f"/tmp/cuomin-rescan-faults-{os.getpid()}")
    write_site(site, pages=args.pages, attachments=args.attachments)
    docs = args.pages + 3 + 1 + args.attachments
    schema = f"cm_rk_{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "CUOMIN_BROKER": "redis://127.0.0.1:6379/0", "CUOMIN_RATE": "0",
           "PYTHONPATH": os.pathsep.join([str(ROOT / "tests"), str(ROOT)]), "CUOMIN_DB": pg_schema_url(schema),
           "CUOMIN_QUEUE_NAMESPACE": f"cuomin-rk-{schema}", "CUOMIN_CHECKER": "pipeline_support:planted_checker"}
    scan_cmd = CUOMIN + ["scan", str(site), "--quiet", "--timeout", "900"]
    workers = _workers(env)
    passed = 0
    delays = [float(x) for x in args.kills.split(",") if x]
    try:
        time.sleep(3)
        for label in ("first", "undisturbed re-scan"):
            t0 = time.perf_counter()
            r = subprocess.run(scan_cmd, env=env, capture_output=True, text=True, check=False)
            print(json.dumps({"run": label, "rc": r.returncode, "wall_s": round(time.perf_counter() - t0, 1),
                              **_state(env["CUOMIN_DB"])}), flush=True)
        for delay in delays:
            t0 = time.perf_counter()
            scan = subprocess.Popen(scan_cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            time.sleep(delay)
            os.killpg(workers.pid, signal.SIGKILL)
            workers.wait()
            workers = _workers(env)
            scan.communicate(timeout=900)
            st = _state(env["CUOMIN_DB"])
            ok = (scan.returncode == 0 and st["pages"] == st["seen"] == st["unchanged"] == docs
                  and st["checked"] == st["errors"] == st["not_done"] == st["dead"] == 0)
            passed += ok
            print(json.dumps({"run": "killed re-scan", "kill_after_s": delay, "rc": scan.returncode,
                              "wall_s": round(time.perf_counter() - t0, 1), "ok": ok, **st,
                              "load": round(os.getloadavg()[0], 1)}), flush=True)
    finally:
        stop_workers(workers)
        drop_pg_schema(schema)
        shutil.rmtree(site, ignore_errors=True)
    print(json.dumps({"killed_rescans": len(delays), "passed": passed}))


if __name__ == "__main__":
    main()
