"""Load test of ``POST /v1/text/check``: 5,000-character articles from 20 concurrent clients on 127.0.0.1.

Starts the API the way ``cuomin serve`` does (uvicorn with ``--workers`` processes, each feeding
``--check-processes`` checker processes, ``CUOMIN_CHECK_PROCESSES``; a fresh SQLite database with one
site and one API key), warms it up, then measures one of two load models:

* ``--mode paced`` (default; the issue's target): ``--clients`` clients *together* offer ``--rate``
  requests per second for ``--seconds``.  Request *i* is due at ``t0 + i / rate`` and belongs to
  client ``i % clients`` (each client has its own keep-alive connection and sends its requests in
  order, like a locust user with a constant-pacing wait time, or wrk2).  Latency is measured from the
  *due* time, not from when the request could finally be sent, so a stalled server is charged for
  every request it delayed (no coordinated omission).
* ``--mode closed``: every client sends its next request as soon as the previous one is answered
  (maximum throughput; by Little's law the latency is then ``clients / throughput``).

Every request carries a different article (the seed documents' paragraphs, shuffled per request and
cut to 5,000 characters; a generated government-style text without the seeds).  Reported: requests,
errors by kind (a non-200 answer, a transport error, or no answer within ``--timeout``), p50/p90/p99/
max latency (and the same from the actual send time, ``service``), the achieved rate, the server's own
time (the response's ``elapsedMs``: handler entry to answer built, waiting for a free checker included),
the CPU time of the server processes per request (and the bench's own), and the load average before
and after, since on a shared machine the wall-clock figures depend on it.

    .venv/bin/python bench/api_load.py                       # paced: 20 clients, 60 req/s, 30 s
    .venv/bin/python bench/api_load.py --mode closed         # closed loop, maximum throughput
    .venv/bin/python bench/api_load.py --detectors none      # the API layer alone
    .venv/bin/python bench/api_load.py --workers 2 --check-processes 0   # two uvicorn workers, a check thread each
    .venv/bin/python bench/api_load.py --rate 40 --seconds 60 --out figures.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
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
TARGET = {"p50_ms": 25.0, "p99_ms": 100.0, "rps": 60.0}


class Articles:
    """Article *i*: the corpus paragraphs in an order of its own (seeded by *i*), cut to 5,000 characters."""

    def __init__(self) -> None:
        texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))] if SEEDS.is_dir() else []
        paras = [line.strip() for t in texts for line in t.splitlines() if len(line.strip()) >= 10]
        if sum(map(len, paras)) < ARTICLE_CHARS * 2:
            paras = [f"为深入贯彻落实党中央、国务院关于优化营商环境的决策部署，进一步提升政务服务效能，现就做好2026年度"
                     f"政务公开工作第{n}项任务通知如下。各乡镇人民政府、县直各单位要再接再励，按照“谁公开、谁审查、"
                     f"谁负责”的原则，严格落实信息发布审核制度。" for n in range(200)]
        self.paras = paras

    def __call__(self, i: int) -> str:
        order = self.paras[:]
        random.Random(i).shuffle(order)
        out, size = [], 0
        for p in order:
            out.append(p)
            size += len(p) + 1
            if size >= ARTICLE_CHARS:
                break
        return "\n".join(out)[:ARTICLE_CHARS]


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


def start_server(db_url: str, port: int, workers: int, detectors: str | None,
                 check_processes: int) -> subprocess.Popen:
    env = {**os.environ, "CUOMIN_DB": db_url, "CUOMIN_SECRET": secrets.token_hex(16),
           "PYTHONWARNINGS": "ignore", "CUOMIN_CHECK_PROCESSES": str(check_processes)}
    if detectors is not None:
        env["CUOMIN_DETECTORS"] = detectors
    cmd = [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1", "--port", str(port),
           "--workers", str(workers), "--log-level", "warning", "--no-access-log"]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def pct(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile."""
    if not values:
        return None
    s = sorted(values)
    return s[max(0, min(len(s) - 1, -(-len(s) * p // 100) - 1))]


class Connection:
    """One keep-alive HTTP/1.1 connection (a minimal client: the load tool shares the server's two cores,
    so it should cost as little CPU per request as it can; ~10x less than httpx)."""

    def __init__(self, host: str, port: int, key: str):
        self.host, self.port = host, port
        self.head = (f"POST /v1/text/check HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: Bearer {key}\r\n"
                     f"Content-Type: application/json\r\nContent-Length: ").encode()
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, body: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(self.head + str(len(body)).encode() + b"\r\n\r\n" + body)
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("connection closed")
        status = int(status_line.split()[1])
        length, close = 0, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection" and value.strip().lower() == b"close":
                close = True
        data = await self.reader.readexactly(length)
        if close:
            await self.close()
        return status, data

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None


async def run_load(base: str, key: str, article, *, clients: int, seconds: float, rate: float | None,
                   timeout: float, drain: float = 30.0, first: int = 0) -> dict:
    """``rate`` None: closed loop.  Returns latency samples and counts (see the module docstring).

    Requests due later than ``drain`` seconds after the run's end are not sent (the server is hopelessly
    behind) and counted as errors."""
    latency: list[float] = []   # from the due time (paced) or the send time (closed), ms
    service: list[float] = []   # from the actual send time, ms
    checker: list[float] = []   # the server's elapsedMs
    errors: dict[str, int] = {}
    sent = 0
    host, port = base.removeprefix("http://").split(":")
    loop = asyncio.get_running_loop()
    t0 = loop.time() + 0.2
    end = t0 + seconds

    def error(kind: str) -> None:
        errors[kind] = errors.get(kind, 0) + 1

    async def client(k: int) -> None:
        nonlocal sent
        conn = Connection(host, int(port), key)
        j = 0
        try:
            while True:
                i = j * clients + k
                if rate is not None:
                    due = t0 + i / rate
                    if due >= end:
                        return
                    now = loop.time()
                    if now > end + drain:
                        error("not sent: server too far behind")
                        j += 1
                        continue
                    if due > now:
                        await asyncio.sleep(due - now)
                else:
                    due = loop.time()
                    if due >= end:
                        return
                j += 1
                body = json.dumps({"dataId": f"bench-{first + i}", "site": "bench", "contentType": "text",
                                   "content": article(first + i)}, ensure_ascii=False).encode("utf-8")
                sent += 1
                start = loop.time()
                try:
                    status, data = await asyncio.wait_for(conn.post(body), timeout)
                except TimeoutError:
                    error("timeout")
                    await conn.close()
                    continue
                except (OSError, ValueError, IndexError, asyncio.IncompleteReadError) as exc:
                    error(type(exc).__name__)
                    await conn.close()
                    continue
                done = loop.time()
                if status != 200:
                    error(f"HTTP {status}")
                    continue
                latency.append((done - due) * 1000)
                service.append((done - start) * 1000)
                checker.append(json.loads(data)["elapsedMs"])
        finally:
            await conn.close()

    await asyncio.sleep(max(0.0, t0 - loop.time() - 0.1))
    await asyncio.gather(*(client(k) for k in range(clients)))
    wall = loop.time() - t0
    return {"latency": latency, "service": service, "checker": checker, "errors": errors, "sent": sent,
            "wall": wall}


def summarise(raw: dict) -> dict:
    lat, n = raw["latency"], len(raw["latency"])

    def r(x):
        return None if x is None else round(x, 1)

    return {"requests": raw["sent"] + raw["errors"].get("not sent: server too far behind", 0), "ok": n, "errors": raw["errors"], "seconds": round(raw["wall"], 2),
            "achieved_rps": round(n / raw["wall"], 1) if raw["wall"] else 0.0,
            "p50_ms": r(pct(lat, 50)), "p90_ms": r(pct(lat, 90)), "p99_ms": r(pct(lat, 99)),
            "max_ms": r(max(lat)) if lat else None,
            "service_p50_ms": r(pct(raw["service"], 50)), "service_p99_ms": r(pct(raw["service"], 99)),
            "server_elapsed_p50_ms": r(statistics.median(raw["checker"])) if raw["checker"] else None}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mode", choices=("paced", "closed"), default="paced")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--rate", type=float, default=60.0, help="paced mode: requests per second, all clients together")
    ap.add_argument("--seconds", type=float, default=30.0, help="length of the measured run")
    ap.add_argument("--warmup", type=float, default=5.0, help="seconds of load before measuring")
    ap.add_argument("--timeout", type=float, default=10.0, help="a request unanswered this long is an error")
    ap.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (cuomin serve --workers)")
    ap.add_argument("--check-processes", type=int, default=2,
                    help="checker processes per worker (CUOMIN_CHECK_PROCESSES; 0: a check thread in each worker)")
    ap.add_argument("--detectors", default="all", help="comma-separated, 'all', or 'none' (API layer only)")
    ap.add_argument("--out", help="also write the figures as JSON here")
    args = ap.parse_args()
    detectors = {"all": None, "none": ","}.get(args.detectors, args.detectors)  # "," is an empty list
    tmp = Path(tempfile.mkdtemp(prefix="cuomin-bench-api-"))
    key = prepare_db(tmp / "bench.db")
    port = free_port()
    server = start_server(f"sqlite:///{tmp / 'bench.db'}", port, args.workers, detectors, args.check_processes)
    base = f"http://127.0.0.1:{port}"
    rate = args.rate if args.mode == "paced" else None
    article = Articles()
    try:
        for _ in range(1200):
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            print(server.stderr.read().decode()[-2000:], file=sys.stderr)
            return 1
        # warm-up: the same load, other articles (every worker has loaded its checker and served many)
        warm = asyncio.run(run_load(base, key, article, clients=args.clients, seconds=args.warmup, rate=rate,
                                    timeout=60.0, first=10_000_000))
        load_before = os.getloadavg()
        cpu0, own0 = process_tree_cpu(server.pid), time.process_time()
        raw = asyncio.run(run_load(base, key, article, clients=args.clients, seconds=args.seconds, rate=rate,
                                   timeout=args.timeout))
        cpu = process_tree_cpu(server.pid) - cpu0
        own = time.process_time() - own0
        load_after = os.getloadavg()
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
    figures = {"mode": args.mode, "clients": args.clients, "offered_rps": rate, "workers": args.workers,
               "check_processes": args.check_processes,
               "detectors": args.detectors, "article_chars": ARTICLE_CHARS, **summarise(raw),
               "warmup_requests": len(warm["latency"]), "warmup_errors": warm["errors"]}
    ok = max(1, figures["ok"])
    figures.update(server_cpu_ms_per_request=round(cpu * 1000 / ok, 1),
                   server_cpu_cores=round(cpu / raw["wall"], 2) if raw["wall"] else None,
                   bench_cpu_ms_per_request=round(own * 1000 / ok, 1),
                   loadavg_before=[round(x, 2) for x in load_before], loadavg_after=[round(x, 2) for x in load_after],
                   cpu_count=os.cpu_count())
    if args.mode == "paced":
        figures["meets_target"] = bool(
            not figures["errors"] and figures["ok"] == figures["requests"]
            and figures["p50_ms"] is not None and figures["p50_ms"] <= TARGET["p50_ms"]
            and figures["p99_ms"] <= TARGET["p99_ms"]
            # the run's wall time ends with the last answer, so a server that keeps up shows ≈ the offered rate
            and figures["achieved_rps"] >= TARGET["rps"] * 0.99)
    print(json.dumps(figures, ensure_ascii=False))
    if args.out:
        Path(args.out).write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
