"""``cuomin scan URL|DIRECTORY [--db DATABASE_URL] [--max-pages N] [--report PATH]``

Crawl a site, detect, record findings, open tickets and write the HTML report.
Runs the queue actors in this process (embedded mode) unless a broker is given
(``--broker`` or ``CUOMIN_BROKER``): then the scan is queued for ``cuomin worker``
processes and this command waits for them.  A local directory is served on
127.0.0.1 for the duration of the scan; a ``site.yaml`` inside it gives the site's
columns and responsible units.
"""

from __future__ import annotations

import argparse
import os
import sys
import zlib
from contextlib import ExitStack
from pathlib import Path

HELP = "crawl a site, detect, record findings, open tickets, write a report"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", metavar="URL|DIRECTORY", help="a site's start URL, or a directory to serve and scan")
    parser.add_argument("--db", metavar="DATABASE_URL", help="SQLite file or PostgreSQL URL (default: CUOMIN_DB or ./cuomin.db)")
    parser.add_argument("--max-pages", type=int, default=10_000, metavar="N", help="page cap (default 10000)")
    parser.add_argument("--max-depth", type=int, default=20, metavar="N", help="link depth cap (default 20)")
    parser.add_argument("--report", metavar="PATH", help="write the HTML report (通报) here")
    parser.add_argument("--site", metavar="SITE.yaml", help="site configuration (columns, units, detectors)")
    parser.add_argument("--broker", metavar="URL", help="redis://… or amqp://…: queue the scan for `cuomin worker`")
    parser.add_argument("--threads", type=int, default=4, help="worker threads in embedded mode (default 4)")
    parser.add_argument("--check-external", action="store_true", help="also check off-site links for breakage")
    parser.add_argument("--force", action="store_true", help="re-detect every page even if unchanged")
    parser.add_argument("--timeout", type=float, default=6 * 3600, help="give up waiting after this many seconds")
    parser.add_argument("--quiet", action="store_true", help="no progress line")


def _preferred_port(path: Path) -> int:
    """A stable port per directory, so repeated scans of it keep the same page URLs (and tickets)."""
    return 20000 + zlib.crc32(str(path.resolve()).encode()) % 30000


def _serve(stack: ExitStack, root: Path) -> str:
    from scanner.fetch.localserve import serve_directory

    try:
        return stack.enter_context(serve_directory(root, port=_preferred_port(root)))
    except OSError:  # taken: any free port
        return stack.enter_context(serve_directory(root))


def load_site(args, root: Path | None, base_url: str):
    from urllib.parse import urlsplit

    from scanner.site import SiteConfig

    path = args.site or (root / "site.yaml" if root and (root / "site.yaml").is_file() else None)
    site = SiteConfig.load(path) if path else SiteConfig()
    if site.id == "default":
        site.id = root.resolve().name if root else (urlsplit(base_url).hostname or "site")
    if root is not None:  # served here: the configured base URL is replaced by the local one
        site.allow_private_network = True
        site.columns = [{**c, "prefix": _local_prefix(str(c.get("prefix", "")))} for c in site.columns]
    site.base_url = base_url
    return site


def _local_prefix(prefix: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(prefix).path or "/" if "://" in prefix else prefix


def run(args: argparse.Namespace) -> int:
    if args.db:
        os.environ["CUOMIN_DB"] = args.db
    broker = args.broker or os.environ.get("CUOMIN_BROKER") or "embedded"
    from workers import broker as brokers

    brokers.configure(broker, default="embedded")
    import workers.actors  # noqa: F401
    from workers import scans

    target = args.target
    root = Path(target) if not target.startswith(("http://", "https://")) else None
    if root is not None and not root.is_dir():
        print(f"cuomin scan: {target}: not a URL or a directory", file=sys.stderr)
        return 2
    with ExitStack() as stack:
        base = _serve(stack, root) if root else target
        try:
            site = load_site(args, root, base)
        except (OSError, ValueError) as exc:
            print(f"cuomin scan: site configuration: {exc}", file=sys.stderr)
            return 2
        embedded = None
        if brokers.is_embedded():
            from workers.embedded import EmbeddedWorker

            embedded = stack.enter_context(EmbeddedWorker(threads=args.threads))
        scan_id = scans.create_scan(site, base, max_pages=args.max_pages, max_depth=args.max_depth,
                                    check_external=args.check_external, force=args.force)
        scans.seed(scan_id)
        last: list[str] = []

        def show(p) -> None:
            line = (f"\rscan {scan_id}: {p['done']}/{p['seen']} pages ({p['checked']} checked, "
                    f"{p['unchanged']} unchanged, {p['errors']} errors)")
            if not args.quiet and line not in last:
                last[:] = [line]
                print(line, end="", file=sys.stderr, flush=True)
        try:
            result = scans.wait(scan_id, timeout=args.timeout, on_progress=show)
        except TimeoutError as exc:
            print(f"\ncuomin scan: {exc}", file=sys.stderr)
            return 1
        if not args.quiet:
            print(file=sys.stderr)
        if embedded is not None:
            embedded.join()  # alerts queued by the last pages
    from scanner.report.html import write_report
    from workers import context

    summary = scans.summary(scan_id)
    print(f"scan {scan_id}: {result['seen']} pages, {result['checked']} checked, {result['unchanged']} unchanged, "
          f"{result['errors']} errors; {summary['tickets']} open tickets ({summary['new']} new)")
    if args.report:
        with context.db().session() as s:
            write_report(s, args.report, scan_id=scan_id)
        print(f"report: {args.report}")
    return 0
