"""Fault injection with real Redis and PostgreSQL: nothing lost, nothing duplicated.

    .venv/bin/python bench/pipeline_faults.py [--trials 20] [--pages 40] [--outage 30]

* kill -9: the whole worker group is SIGKILLed at a random moment of a forced re-scan and
  restarted, ``--trials`` times;
* broker restart: a private ``redis-server`` (append-only file on) is stopped and started mid-scan;
* database unreachable: PostgreSQL is reached through a local TCP proxy that is stopped for
  ``--outage`` seconds mid-scan (the shared PostgreSQL and Redis services are never touched).

After each fault the scan must finish and the database must hold exactly the planted tickets
and finding rows (unique keys make duplicates impossible; this checks nothing was lost either),
with no dead letters.  Prints one JSON line per trial and a summary.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from pipeline_support import TcpProxy, drop_pg_schema, pg_schema_url, write_site

CUOMIN = [sys.executable, "-m", "scanner"]


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class PrivateRedis:
    def __init__(self):
        self.port, self.dir, self.proc = free_port(), tempfile.mkdtemp(prefix="cm-redis-"), None

    def start(self):
        self.proc = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                                      "--appendonly", "yes", "--appendfsync", "always", "--dir", self.dir,
                                      "--save", ""], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.proc:
            self.proc.terminate()
            self.proc.wait(timeout=30)
            self.proc = None


def workers(env) -> subprocess.Popen:
    return subprocess.Popen(CUOMIN + ["worker", "--processes", "2", "--threads", "2"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def kill(proc, sig=signal.SIGKILL):
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass
    proc.wait(timeout=60)


def counts(url: str) -> dict:
    from sqlalchemy import create_engine, text

    eng = create_engine(url)
    with eng.connect() as c:
        q = lambda sql: c.execute(text(sql)).scalar()
        out = {"tickets": q("select count(*) from tickets"),
               "findings": q("select count(*) from findings where resolved_at is null"),
               "dead_letters": q("select count(*) from dead_letters"),
               "unfinished": q("select count(*) from scans where pages_seen <> pages_checked + pages_unchanged + errors")}
    eng.dispose()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--pages", type=int, default=40)
    ap.add_argument("--outage", type=float, default=30.0)
    args = ap.parse_args()
    rnd = random.Random(8)
    site = Path(tempfile.mkdtemp(prefix="cm-fault-site-"))
    planted = {f"xxgk/{i:05d}.html": "坚持中华人民共合国宪法。" for i in range(0, args.pages, 3)}
    write_site(site, pages=args.pages, attachments=4, planted=planted)
    (site / "site.yaml").write_text("id: fault\ndefault_unit: 区政府办公室\ncolumns:\n"
                                    "  - {prefix: /xxgk/, unit: 区政务公开办}\n", encoding="utf-8")
    schema = f"cm_fault_{uuid.uuid4().hex[:8]}"
    direct = pg_schema_url(schema)
    proxy = TcpProxy(5432).start()
    redis = PrivateRedis().start()
    env = {**os.environ, "CUOMIN_DB": direct.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}"),
           "CUOMIN_BROKER": f"redis://127.0.0.1:{redis.port}/0", "CUOMIN_HEARTBEAT_MS": "3000",
           "CUOMIN_MAINTENANCE_CHANCE": "200000", "CUOMIN_CHECKER": "pipeline_support:planted_checker",
           "CUOMIN_RATE": "0", "PYTHONPATH": os.pathsep.join([str(ROOT / "tests"), str(ROOT)])}
    expected = {"tickets": len(planted), "findings": len(planted), "dead_letters": 0, "unfinished": 0}
    results = []
    w = workers(env)

    def scan(fault) -> dict:
        t0 = time.perf_counter()
        proc = subprocess.Popen(CUOMIN + ["scan", str(site), "--quiet", "--force", "--timeout", "900"], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        info = fault(proc) or {}
        _, err = proc.communicate(timeout=1200)
        got = counts(direct)
        ok = proc.returncode == 0 and got == expected
        row = {**info, "ok": ok, "seconds": round(time.perf_counter() - t0, 1), **got,
               **({} if ok else {"stderr": err[-400:]})}
        print(json.dumps(row, ensure_ascii=False), flush=True)
        return row

    try:
        results.append({"kind": "baseline", **scan(lambda p: {"kind": "baseline"})})
        for i in range(args.trials):
            def kill9(p, i=i):
                nonlocal w
                delay = rnd.uniform(0.5, 4.0)
                time.sleep(delay)
                kill(w)
                w = workers(env)
                return {"kind": "kill-9", "trial": i + 1, "after_s": round(delay, 2)}
            results.append(scan(kill9))

        def broker_restart(p):
            time.sleep(2.0)
            redis.stop()
            time.sleep(3.0)
            redis.start()
            return {"kind": "broker-restart", "down_s": 3.0}
        results.append(scan(broker_restart))

        def db_outage(p):
            time.sleep(2.0)
            proxy.stop()
            time.sleep(args.outage)
            proxy.start()
            return {"kind": "db-unreachable", "down_s": args.outage}
        results.append(scan(db_outage))
    finally:
        kill(w, signal.SIGTERM)
        redis.stop()
        proxy.stop()
        drop_pg_schema(schema)
    kinds = {}
    for r in results:
        k = kinds.setdefault(r["kind"], [0, 0])
        k[0] += 1
        k[1] += r["ok"]
    print(json.dumps({"summary": {k: f"{ok}/{n} ok" for k, (n, ok) in kinds.items()}}, ensure_ascii=False))


if __name__ == "__main__":
    main()
