"""Load test of ``POST /v1/text/check``: 5,000-character articles from 20 concurrent clients on 127.0.0.1.

Starts the API the way ``cuomin serve`` does (uvicorn, ``--workers`` processes, a fresh SQLite
database with one site and one API key), warms every worker up, then runs a *bounded* load loop:
``--clients`` asyncio clients share ``--requests`` requests (and stop at ``--max-seconds``).
Loopback only.  Reports p50/p90/p99 latency, throughput, errors, and how much of the latency is
the checker itself (the response's ``elapsedMs``) versus the HTTP/API layer.

The articles are 5,000-character windows of the seed documents (real government prose,
``../shared/seeds``, read at run time), each request a different window; without the seeds a
generated government-style article is used.

    .venv/bin/python bench/api_load.py [--clients 20] [--requests 1200] [--workers 2] [--detectors all]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SEEDS = Path(os.environ.get("CUOMIN_SEEDS", ROOT.parent / "shared" / "seeds"))
ARTICLE_CHARS = 5000


def articles(n: int = 40) -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))] if SEEDS.is_dir() else []
    corpus = "\n".join(texts)
    if len(corpus) < ARTICLE_CHARS * 2:
        para = ("为深入贯彻落实党中央、国务院关于优化营商环境的决策部署，进一步提升政务服务效能，"
                "现就做好2026年度政务公开工作通知如下。各乡镇人民政府、县直各单位要再接再励，"
                "按照“谁公开、谁审查、谁负责”的原则，严格落实信息发布审核制度。\n")
        corpus = para * (ARTICLE_CHARS * 3 // len(para))
    step = max(1, (len(corpus) - ARTICLE_CHARS) // n)
    return [corpus[i * step:i * step + ARTICLE_CHARS] for i in range(n)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_db(path: Path) -> str:
    from api.auth.keys import generate_key
    from scanner.site import SiteConfig
    from scanner.store import open_db
    from scanner.store.models import ApiKey
    from scanner.store.sites import register_site

    db = open_db(f"sqlite:///{path}", cached=False)
    with db.session() as s:
        site_id = register_site(s, SiteConfig(id="bench", name="压测网站", base_url="http://www.bench.gov.cn/"))
        key, prefix, digest = generate_key()
        s.add(ApiKey(key_hash=digest, prefix=prefix, name="bench", site_id=site_id, rate_limit=1_000_000))
    db.dispose()
    return key


def process_tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by ``pid`` and its children (the uvicorn workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{p}/task").iterdir():
                kids = (task / "children").read_text().split()
                todo.extend(int(k) for k in kids)
        except (OSError, IndexError, ValueError):
            continue
    return total


def start_server(db_url: str, port: int, workers: int, detectors: str | None) -> subprocess.Popen:
    env = {**os.environ, "CUOMIN_DB": db_url, "CUOMIN_SECRET": secrets.token_hex(16),
           "PYTHONWARNINGS": "ignore"}
    if detectors:
        env["CUOMIN_DETECTORS"] = detectors
    cmd = [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1", "--port", str(port),
           "--workers", str(workers), "--log-level", "warning", "--no-access-log"]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


async def run_load(base: str, key: str, docs: list[str], clients: int, total: int, max_seconds: float) -> dict:
    latencies: list[float] = []
    checker_ms: list[float] = []
    errors: dict[str, int] = {}
    counter = iter(range(total))
    deadline = time.perf_counter() + max_seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {key}"}, limits=limits,
                                 timeout=60.0) as client:
        async def worker() -> None:
            for i in counter:
                if time.perf_counter() > deadline:
                    return
                body = {"dataId": f"bench-{i}", "site": "bench", "content": docs[i % len(docs)]}
                t0 = time.perf_counter()
                try:
                    r = await client.post("/v1/text/check", json=body)
                except httpx.HTTPError as exc:
                    errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                    continue
                latencies.append((time.perf_counter() - t0) * 1000)
                if r.status_code != 200:
                    errors[str(r.status_code)] = errors.get(str(r.status_code), 0) + 1
                else:
                    checker_ms.append(r.json()["elapsedMs"])

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        wall = time.perf_counter() - t0
    lat = sorted(latencies)

    def pct(p: float) -> float:
        return lat[min(len(lat) - 1, int(round(p / 100 * (len(lat) - 1))))] if lat else float("nan")

    return {"requests": len(lat), "errors": errors, "seconds": round(wall, 2),
            "rps": round(len(lat) / wall, 1) if wall else 0.0,
            "p50_ms": round(pct(50), 1), "p90_ms": round(pct(90), 1), "p99_ms": round(pct(99), 1),
            "max_ms": round(lat[-1], 1) if lat else None,
            "checker_p50_ms": round(statistics.median(checker_ms), 1) if checker_ms else None}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--requests", type=int, default=1200)
    ap.add_argument("--max-seconds", type=float, default=120.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--detectors", default="all", help="comma-separated, 'all', or 'none' (API layer only)")
    ap.add_argument("--out", help="write the figures as JSON here")
    args = ap.parse_args()
    detectors = None if args.detectors == "all" else ("" if args.detectors == "none" else args.detectors)
    tmp = Path(tempfile.mkdtemp(prefix="cuomin-bench-api-"))
    key = prepare_db(tmp / "bench.db")
    port = free_port()
    if detectors == "":
        detectors = ","  # an empty detector list
    server = start_server(f"sqlite:///{tmp / 'bench.db'}", port, args.workers, detectors)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            print(server.stderr.read().decode()[-2000:], file=sys.stderr)
            return 1
        docs = articles()
        # warm-up: every worker process builds its checker (dictionaries, model) on first use
        asyncio.run(run_load(base, key, docs, clients=args.workers * 4, total=args.workers * 12, max_seconds=120))
        load = os.getloadavg()
        cpu0 = process_tree_cpu(server.pid)
        figures = asyncio.run(run_load(base, key, docs, args.clients, args.requests, args.max_seconds))
        cpu_ms = (process_tree_cpu(server.pid) - cpu0) * 1000 / max(1, figures["requests"])
        figures.update(server_cpu_ms_per_request=round(cpu_ms, 1),
                       # what two otherwise idle cores could serve at this CPU cost per request
                       capacity_rps_2_idle_cores=round(2000 / cpu_ms, 1) if cpu_ms else None)
        figures.update(clients=args.clients, workers=args.workers, article_chars=len(docs[0]),
                       detectors=args.detectors, loadavg_before=[round(x, 2) for x in load])
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
    print(json.dumps(figures, ensure_ascii=False))
    if args.out:
        Path(args.out).write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
