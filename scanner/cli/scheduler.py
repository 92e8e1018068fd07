"""``cuomin scheduler [--interval S] [--once]`` and ``cuomin scheduler add SITE.yaml --cron EXPR``

Queues each site's nightly scan when its cron expression (China time) fires, and
escalates overdue tickets.  Run as many as you like for failover: a lock makes
exactly one of them active.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

HELP = "run the nightly-scan scheduler"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", nargs="?", choices=("run", "add"), default="run")
    parser.add_argument("site", nargs="?", metavar="SITE.yaml", help="with `add`: the site to schedule")
    parser.add_argument("--cron", default="0 2 * * *", help="with `add`: cron expression (default 02:00 daily)")
    parser.add_argument("--base-url", help="with `add`: start URL (default: the site's base_url)")
    parser.add_argument("--db", metavar="DATABASE_URL")
    parser.add_argument("--broker", metavar="URL")
    parser.add_argument("--interval", type=float, default=30.0, help="seconds between ticks (default 30)")
    parser.add_argument("--once", action="store_true", help="one tick, then exit")


def run(args: argparse.Namespace) -> int:
    from croniter import croniter

    if args.db:
        os.environ["CUOMIN_DB"] = args.db
    if args.action == "add":
        from scanner.site import SiteConfig
        from scanner.store.sites import register_site
        from workers import context

        if not args.site or not croniter.is_valid(args.cron):
            print("cuomin scheduler add: give SITE.yaml and a valid --cron", file=sys.stderr)
            return 2
        site = SiteConfig.load(args.site)
        base = args.base_url or site.base_url
        if not base:
            print("cuomin scheduler add: the site has no base_url; give --base-url", file=sys.stderr)
            return 2
        with context.db().session() as s:
            sid = register_site(s, site, base, schedule=args.cron)
        print(f"site {site.id} (#{sid}) scheduled: {args.cron}")
        return 0
    from workers import broker as brokers

    brokers.configure(args.broker, default=brokers.DEFAULT_WORKER_BROKER)
    import workers.actors  # noqa: F401
    from workers.scheduling import make_lock, tick

    lock = make_lock(ttl=max(60.0, args.interval * 4))
    try:
        while True:
            if lock.acquire():
                ids = tick()
                if ids:
                    print(f"queued scans {ids}", flush=True)
            if args.once:
                return 0
            time.sleep(args.interval)
    except KeyboardInterrupt:
        return 130
    finally:
        lock.release()
