"""Throughput of the queue pipeline on a generated government site served on 127.0.0.1.

    .venv/bin/python bench/pipeline_throughput.py [--pages 10000] [--attachments 1000] [--body-chars 0]
                                                  [--detectors planted|real] [--workers 1,2] [--threads 4]
                                                  [--server nginx|local]

For each worker count: a fresh PostgreSQL schema, a fresh Redis namespace, `cuomin worker
--processes N` and `cuomin scan DIR --broker redis://…`; then an unchanged re-scan.  Prints one JSON
line per run (pages/s counts HTML pages and attachments finished per second of the scan command's
wall time; ``scan_seconds`` is the scan's own duration from its database row, without the command's
start-up), with the worker processes' CPU time per document and the load average before and after.
``--detectors planted`` measures the pipeline (fetch, extract, hashes, database, queue) with a
trivial detector; ``real`` runs every installed detector.

``--server`` says what serves the site.  ``nginx`` (the default when Debian's nginx is installed:
`apt-get install nginx`) is a real web server, as a government site has: one worker process,
ETag/Last-Modified and 304s from its static-file module, ≈ 0.02 ms of CPU a request, and the scan
command only seeds and follows the scan.  ``local`` is what `cuomin scan DIRECTORY` does: the
command serves the directory itself (``scanner/fetch/localserve.py``, Python, ≈ 0.2 ms of CPU a
request on these 2 cores, counted in ``scan_command_cpu_ms_per_doc``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from pipeline_support import drop_pg_schema, pg_schema_url, stop_workers, write_site


def make_attachments(root: Path, n: int) -> None:
    """Replace the first ``n`` .txt attachments with DOCX files (real office documents)."""
    from docx import Document

    rnd = random.Random(8)
    for i in range(n):
        txt = root / "files" / f"{i:05d}.txt"
        if txt.exists():
            txt.unlink()
        d = Document()
        d.add_heading(f"关于做好第{i}批民生实事项目实施工作的通知", 1)
        for j in range(5):
            d.add_paragraph(f"各乡镇人民政府、县直各部门：为深入贯彻落实县委、县政府决策部署，第{j}项工作要求"
                            f"{rnd.randint(1, 99)}个工作日内完成，并按时报送进展情况。")
        d.save(root / "files" / f"{i:05d}.docx")
    for p in root.rglob("*.html"):
        t = p.read_text(encoding="utf-8")
        if "/files/" in t:
            p.write_text(t.replace(".txt\"", ".docx\""), encoding="utf-8")


def group_cpu(pgid: int) -> float:
    """CPU seconds (user + system) used so far by the live processes of process group ``pgid``."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # pgrp
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def named_cpu(names: tuple[str, ...] = ("postgres", "redis-server")) -> dict[str, float]:
    """CPU seconds used so far by the live processes with these command names (the services a scan
    loads besides the workers: PostgreSQL's backends, Redis)."""
    total = dict.fromkeys(names, 0)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, tail = stat.read_text().rsplit(")", 1)
        except OSError:
            continue
        name = head.split("(", 1)[1]
        if name in total:
            fields = tail.split()
            total[name] += int(fields[11]) + int(fields[12])
    return {k: v / os.sysconf("SC_CLK_TCK") for k, v in total.items()}


def add_prose(root: Path, chars: int) -> None:
    """Give every content page ``chars`` characters of real government prose: a window of the seed
    documents (../shared/seeds), a different one per page, as paragraphs."""
    import html

    seeds = sorted((ROOT.parent / "shared" / "seeds").glob("*.txt"))
    text = "\n".join(p.read_text(encoding="utf-8") for p in seeds)
    text = text * (1 + (2 * chars) // max(len(text), 1))
    pages = sorted(p for p in root.rglob("*.html") if p.name != "index.html")
    for i, page in enumerate(pages):
        start = (i * 997) % (len(text) - chars)
        paras = "".join(f"<p>{html.escape(x)}</p>" for x in text[start:start + chars].split("\n") if x.strip())
        t = page.read_text(encoding="utf-8")
        page.write_text(t.replace('</div>\n<div class="footer">', f'<div class="article">{paras}</div></div>\n'
                                                                    '<div class="footer">', 1), encoding="utf-8")


NGINX_CONF = """daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log stderr warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    charset utf-8;
    access_log off;
    log_not_found off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    keepalive_requests 100000;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        index index.html;
    }}
}}
"""


class Site:
    """The site for ``cuomin scan``: a directory it serves itself (``local``) or a URL nginx serves."""

    def __init__(self, root: Path, server: str):
        self.root, self.server, self.proc, self.tmp = root, server, None, None

    def __enter__(self) -> "Site":
        if self.server == "nginx":
            self.tmp = tempfile.mkdtemp(prefix="cuomin-nginx-")
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", 0))
                self.port = sock.getsockname()[1]
            conf = Path(self.tmp) / "nginx.conf"
            conf.write_text(NGINX_CONF.format(tmp=self.tmp, port=self.port, root=self.root.resolve()))
            # served from a URL, so the site's configuration must allow the loopback address itself
            (Path(self.tmp) / "site.yaml").write_text(f"id: {self.root.resolve().name}\nallow_private_network: true\n")
            self.proc = subprocess.Popen(["nginx", "-c", str(conf), "-p", self.tmp], start_new_session=True)
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.05)
        return self

    def args(self) -> list[str]:
        if self.server == "nginx":
            return [f"http://127.0.0.1:{self.port}/", "--site", str(Path(self.tmp) / "site.yaml")]
        return [str(self.root)]

    def cpu(self) -> float:
        """CPU seconds the nginx processes have used (the local server's is the scan command's own)."""
        return group_cpu(self.proc.pid) if self.proc else 0.0

    def __exit__(self, *exc) -> None:
        if self.proc:
            self.proc.terminate()
            self.proc.wait(10)
            shutil.rmtree(self.tmp, ignore_errors=True)


def scan_seconds(schema: str) -> float | None:
    """The last scan's own duration from its row (``finished_at - started_at``): from the scan row's
    creation (after the `cuomin scan` process has started, imported and loaded the detectors for the
    ruleset) until every page was finished — the command's fixed start-up (≈ 3–5 s here) left out."""
    import psycopg

    with psycopg.connect("host=127.0.0.1 user=postgres dbname=test", autocommit=True) as c:
        row = c.execute(f'SELECT extract(epoch FROM finished_at - started_at) FROM "{schema}".scans '
                        "ORDER BY id DESC LIMIT 1").fetchone()
    return float(row[0]) if row and row[0] is not None else None


def run(site: Site, processes: int, detectors: str, env_base: dict, threads: int = 4, rescans: int = 1) -> list[dict]:
    schema = f"cm_bench_{uuid.uuid4().hex[:8]}"
    env = {**env_base, "CUOMIN_DB": pg_schema_url(schema), "CUOMIN_QUEUE_NAMESPACE": f"cuomin-bench-{schema}"}
    if detectors == "planted":
        env["CUOMIN_CHECKER"] = "pipeline_support:planted_checker"
    cmd = [sys.executable, "-m", "scanner"]
    workers = subprocess.Popen(cmd + ["worker", "--processes", str(processes), "--threads", str(threads)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    out = []
    try:
        time.sleep(3)
        for label in ("first", *["unchanged"] * rescans):
            t0, w0, c0, n0, s0 = time.perf_counter(), group_cpu(workers.pid), os.times(), site.cpu(), named_cpu()
            load0 = os.getloadavg()[0]
            r = subprocess.run(cmd + ["scan", *site.args(), "--quiet", "--max-pages", "100000", "--timeout", "7200"],
                               check=False, env=env, capture_output=True, text=True)
            dt, c1 = time.perf_counter() - t0, os.times()
            worker_cpu = group_cpu(workers.pid) - w0
            scan_cpu = (c1.children_user - c0.children_user) + (c1.children_system - c0.children_system)
            nginx_cpu = site.cpu() - n0
            services = {k: v - s0[k] for k, v in named_cpu().items()}
            line = r.stdout.strip().splitlines()[0] if r.stdout.strip() else r.stderr[-500:]
            pages = int(line.split(":")[1].split("pages")[0]) if r.returncode == 0 else 0
            # worker CPU per document: what the pipeline costs, whatever else loads the machine;
            # the scan command's CPU is its seeding and progress polling, and with --server local the
            # site's HTTP server
            own = scan_seconds(schema) if r.returncode == 0 else None
            out.append({"run": label, "processes": processes, "detectors": detectors, "seconds": round(dt, 1),
                        "pages": pages, "pages_per_s": round(pages / dt, 1),
                        "scan_seconds": round(own, 2) if own else None,
                        "scan_pages_per_s": round(pages / own, 1) if own else None,
                        "worker_cpu_ms_per_doc": round(1000 * worker_cpu / max(pages, 1), 2),
                        "scan_command_cpu_ms_per_doc": round(1000 * scan_cpu / max(pages, 1), 2),
                        "server": site.server,
                        "nginx_cpu_ms_per_doc": round(1000 * nginx_cpu / max(pages, 1), 3),
                        **{f"{k.split('-')[0]}_cpu_ms_per_doc": round(1000 * v / max(pages, 1), 3)
                           for k, v in services.items()},
                        "load_avg": [round(load0, 1), round(os.getloadavg()[0], 1)], "summary": line})
            print(json.dumps(out[-1], ensure_ascii=False), flush=True)
    finally:
        stop_workers(workers)
        drop_pg_schema(schema)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=10_000)
    ap.add_argument("--attachments", type=int, default=1_000)
    ap.add_argument("--detectors", choices=("planted", "real"), default="planted")
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--threads", type=int, default=4, help="threads per worker process")
    ap.add_argument("--body-chars", type=int, default=0,
                    help="add this many characters of seed-document prose to every page (0: short generated pages)")
    ap.add_argument("--rescans", type=int, default=1, help="unchanged re-scans after each first scan")
    ap.add_argument("--server", choices=("nginx", "local"), default="nginx" if shutil.which("nginx") else "local",
                    help="what serves the site (default: nginx when installed)")
    ap.add_argument("--site-dir", default=f"/tmp/cuomin-bench-site-{os.getpid()}")
    args = ap.parse_args()
    root = Path(args.site_dir)
    if not (root / "index.html").exists():
        t0 = time.perf_counter()
        write_site(root, pages=args.pages, attachments=args.attachments)
        make_attachments(root, args.attachments)
        if args.body_chars:
            add_prose(root, args.body_chars)
        print(f"generated {args.pages} pages + {args.attachments} DOCX attachments in {time.perf_counter() - t0:.0f} s",
              file=sys.stderr)
    env = {**os.environ, "CUOMIN_BROKER": "redis://127.0.0.1:6379/0", "CUOMIN_RATE": "0",
           "PYTHONPATH": os.pathsep.join([str(ROOT / "tests"), str(ROOT)]),
           "CUOMIN_CACHE_DIR": os.environ.get("CUOMIN_CACHE_DIR", str(ROOT / ".cache" / "bench"))}
    results = []
    with Site(root, args.server) as site:
        for n in [int(x) for x in args.workers.split(",")]:
            results += run(site, n, args.detectors, env, args.threads, args.rescans)
    first = {r["processes"]: r for r in results if r["run"] == "first"}
    for n in first:
        # each re-scan against the first scan; the median re-scan when there are several
        again = [r for r in results if r["run"] == "unchanged" and r["processes"] == n]
        ok = [r for r in again if r["scan_seconds"]]
        own = [round(first[n]["scan_seconds"] / r["scan_seconds"], 1) for r in ok] if first[n]["scan_seconds"] else []
        mid = sorted(again, key=lambda r: r["seconds"])[len(again) // 2]
        print(json.dumps({"processes": n, "rescan_speedup": round(first[n]["seconds"] / mid["seconds"], 1),
                          "rescan_speedup_scan_seconds": sorted(own)[len(own) // 2] if own else None,
                          "each_rescan_speedup_scan_seconds": own,
                          "rescan_cpu_ratio": round(first[n]["worker_cpu_ms_per_doc"]
                                                    / max(mid["worker_cpu_ms_per_doc"], 1e-9), 1)}))


if __name__ == "__main__":
    main()
