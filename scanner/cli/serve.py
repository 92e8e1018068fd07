"""``cuomin serve [--host] [--port] [--db] [--workers]``: the HTTP API and the reviewer UI."""

from __future__ import annotations

import argparse
import os
import sys

HELP = "serve the HTTP API and the reviewer UI"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.add_argument("--db", default=None,
                        help="database URL or SQLite path (default: $CUOMIN_DB or sqlite:///cuomin.db)")
    parser.add_argument("--workers", type=int, default=1,
                        help="worker processes (one per core for CMS check throughput)")
    parser.add_argument("--create-admin", metavar="USERNAME",
                        help="create an admin account (password read from $CUOMIN_ADMIN_PASSWORD) and exit")
    parser.add_argument("--log-level", default="info", choices=("critical", "error", "warning", "info", "debug"))


def _create_admin(db_url: str | None, username: str) -> int:
    from api.auth.passwords import hash_password
    from scanner.store import open_db
    from scanner.store.models import User

    password = os.environ.get("CUOMIN_ADMIN_PASSWORD", "")
    if len(password) < 10:
        print("cuomin serve: set CUOMIN_ADMIN_PASSWORD (at least 10 characters)", file=sys.stderr)
        return 2
    db = open_db(db_url)
    with db.session() as s:
        s.add(User(username=username, password_hash=hash_password(password), role="admin", display_name=username))
    print(f"admin {username} created")
    return 0


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from scanner.store.db import database_url

    url = database_url(args.db)
    if args.create_admin:
        return _create_admin(url, args.create_admin)
    os.environ["CUOMIN_DB"] = url
    if args.workers > 1 and not os.environ.get("CUOMIN_SECRET"):
        # Every worker must sign and verify sessions with the same secret.
        import secrets

        os.environ["CUOMIN_SECRET"] = secrets.token_hex(32)
    from scanner.store import open_db

    open_db(url)  # migrate once, before the workers start
    uvicorn.run("api.main:app", host=args.host, port=args.port, workers=args.workers, log_level=args.log_level,
                access_log=args.log_level == "debug", proxy_headers=False)
    return 0
