"""CPU cost per page of the queue pipeline in one process (embedded mode), with a cProfile summary.

    .venv/bin/python bench/pipeline_profile.py [--pages 500] [--attachments 50] [--db sqlite|pg]
                                               [--detectors planted|real] [--profile]

Serves a generated site on 127.0.0.1, runs a first scan and an unchanged re-scan through the same
actors `cuomin worker` runs (dramatiq's in-process broker, worker threads), and prints the process
CPU time per finished document of each (the local HTTP server runs in this process too, so its
cost is included: an upper bound of the worker's own cost).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=500)
    ap.add_argument("--attachments", type=int, default=50)
    ap.add_argument("--db", choices=("sqlite", "pg"), default="sqlite")
    ap.add_argument("--detectors", choices=("planted", "real"), default="planted")
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--top", type=int, default=35)
    ap.add_argument("--sort", default="tottime")
    args = ap.parse_args()
    os.environ["CUOMIN_RATE"] = "0"
    tmp = Path(tempfile.mkdtemp(prefix="cuomin-prof-"))
    schema = None
    if args.db == "pg":
        from pipeline_support import pg_schema_url

        schema = f"cm_prof_{uuid.uuid4().hex[:8]}"
        os.environ["CUOMIN_DB"] = pg_schema_url(schema)
    else:
        os.environ["CUOMIN_DB"] = f"sqlite:///{tmp / 'cuomin.db'}"
    from pipeline_support import drop_pg_schema, planted_checker, write_site

    site_dir = write_site(tmp / "site", pages=args.pages, attachments=args.attachments)
    from scanner.cli.scan import load_site
    from scanner.fetch.localserve import serve_directory
    from workers import broker, context

    broker.configure("embedded")
    import workers.actors  # noqa: F401
    from workers import scans
    from workers.embedded import EmbeddedWorker

    if args.detectors == "planted":
        context.set_checker_factory(planted_checker)
    # the worker threads' own CPU time while they handle messages (the in-process HTTP server and the
    # progress poll excluded); the profile, when asked for, counts thread CPU time too (run with --threads 1)
    prof = cProfile.Profile(time.thread_time) if args.profile else None
    spent = [0.0]
    import threading

    from dramatiq.middleware import Middleware

    started = threading.local()

    class Metering(Middleware):
        def before_process_message(self, broker, message):
            started.t = time.thread_time()
            if prof:
                prof.enable()

        def after_process_message(self, broker, message, *, result=None, exception=None):
            if prof:
                prof.disable()
            spent[0] += time.thread_time() - started.t

    __import__("dramatiq").get_broker().add_middleware(Metering())
    try:
        with serve_directory(site_dir) as base, EmbeddedWorker(threads=args.threads) as w:
            ns = argparse.Namespace(site=None)
            site = load_site(ns, site_dir, base)
            for label in ("first", "unchanged"):
                c0, t0, spent[0] = time.process_time(), time.perf_counter(), 0.0
                scan_id = scans.create_scan(site, base, max_pages=100_000)
                scans.seed(scan_id)
                res = scans.wait(scan_id, timeout=3600, poll=0.05)
                w.join()
                cpu, wall = time.process_time() - c0, time.perf_counter() - t0
                print(json.dumps({"run": label, "db": args.db, "docs": res["done"], "checked": res["checked"],
                                  "unchanged": res["unchanged"], "errors": res["errors"],
                                  "cpu_ms_per_doc": round(1000 * cpu / max(res["done"], 1), 2),
                                  "message_cpu_ms_per_doc": round(1000 * spent[0] / max(res["done"], 1), 3),
                                  "wall_s": round(wall, 2), "load": os.getloadavg()[0]}), flush=True)
                if prof:
                    out = io.StringIO()
                    pstats.Stats(prof, stream=out).sort_stats(args.sort).print_stats(args.top)
                    print(out.getvalue()[-16000:])
                    prof.clear()
    finally:
        if schema:
            context.reset()
            drop_pg_schema(schema)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
