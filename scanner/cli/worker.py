"""``cuomin worker [--queues prepublish,crawl,ops] [--processes N] [--threads N] [--broker URL]``

Runs dramatiq worker processes on the configured broker (default
``redis://127.0.0.1:6379/0``).  Run separate worker groups so pre-publish checks
never wait behind a nightly crawl, e.g. ``cuomin worker --queues prepublish,ops``
on one machine and ``cuomin worker --queues crawl`` on others.  Scaling out is
more processes or more machines on the same broker and database.
"""

from __future__ import annotations

import argparse
import os

HELP = "run queue workers"
QUEUES = ("prepublish", "crawl", "ops")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--broker", metavar="URL", help="redis://… or amqp://… (default: CUOMIN_BROKER or local Redis)")
    parser.add_argument("--db", metavar="DATABASE_URL", help="database (default: CUOMIN_DB or ./cuomin.db)")
    parser.add_argument("--queues", default=",".join(QUEUES),
                        help=f"comma-separated queues to consume (default: {','.join(QUEUES)})")
    parser.add_argument("--processes", "-p", type=int, default=os.cpu_count() or 1, help="worker processes")
    parser.add_argument("--threads", "-t", type=int, default=4, help="threads per process")
    parser.add_argument("--poll-ms", type=int, default=100, help="idle queue poll interval (default 100 ms)")


def run(args: argparse.Namespace) -> int:
    from workers.broker import DEFAULT_WORKER_BROKER, broker_url

    url = broker_url(args.broker, DEFAULT_WORKER_BROKER)
    if url == "embedded":
        print("cuomin worker: an embedded broker lives inside `cuomin scan`; give --broker redis://… or amqp://…")
        return 2
    os.environ["CUOMIN_BROKER"] = url
    if args.db:
        os.environ["CUOMIN_DB"] = args.db
    queues = [q.strip() for q in args.queues.split(",") if q.strip()]
    unknown = set(queues) - set(QUEUES)
    if unknown:
        print(f"cuomin worker: unknown queue(s) {', '.join(sorted(unknown))}; use {', '.join(QUEUES)}")
        return 2
    from workers.runner import run as run_workers

    return run_workers(args.processes, args.threads, queues, args.poll_ms)
