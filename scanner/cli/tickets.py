"""``cuomin tickets list|export|show|assign|fix|false-positive|accept-risk|reactivate|extend|escalate``

``list`` prints JSON Lines (``--format json``) of
``{"id","site","url","detector","category","severity","state","unit","due_at","fingerprint","excerpt","location"}``
or a table; ``export --format xlsx|csv`` writes the ledger (整改台账) with every state change.
``fix`` marks a ticket fixed and runs (embedded) or queues (with a broker) the automatic re-check.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC

from scanner.tickets.states import STATES

HELP = "list or export rectification tickets (整改台账)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="DATABASE_URL", help="SQLite file or PostgreSQL URL (default: CUOMIN_DB)")
    p = sub.add_parser("list", parents=[common], help="list tickets")
    p.add_argument("--site", metavar="URL", help="only this site (base URL or site id)")
    p.add_argument("--state", choices=STATES, help="only tickets in this state")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p = sub.add_parser("export", parents=[common], help="write the ledger as XLSX or CSV")
    p.add_argument("--format", choices=("xlsx", "csv"), required=True)
    p.add_argument("--output", "-o", metavar="PATH", help="file to write (default: ledger.xlsx / stdout for csv)")
    p.add_argument("--site", metavar="URL")
    p = sub.add_parser("show", parents=[common], help="one ticket with its occurrences and ledger")
    p.add_argument("id", type=int)
    for name, helptext in (("assign", "assign to a unit or user"), ("fix", "mark fixed: triggers the re-check"),
                           ("false-positive", "close as a false positive (reason required)"),
                           ("accept-risk", "accept the risk (reason required)"),
                           ("reactivate", "reopen a false positive / accepted risk"),
                           ("extend", "reply tickets: extend to 15 working days (reason required)")):
        p = sub.add_parser(name, parents=[common], help=helptext)
        p.add_argument("id", type=int)
        p.add_argument("--by", default=os.environ.get("USER", "operator"), help="who (written to the ledger)")
        p.add_argument("--reason", "--note", dest="reason", default=None)
        if name == "assign":
            p.add_argument("--unit", help="responsible unit name")
        if name == "fix":
            p.add_argument("--broker", help="queue the re-check on this broker instead of running it here")
            p.add_argument("--serve", metavar="DIRECTORY",
                           help="a site scanned from a directory: serve it again (same port) for the re-check")
    sub.add_parser("escalate", parents=[common], help="escalate overdue tickets now")


def _iso(value) -> str | None:

    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


def _ticket_json(t, units, sites) -> dict:
    from scanner.findings import Severity

    return {"id": t.id, "site": sites.get(t.site_id, ""), "url": t.url, "detector": t.detector,
            "category": t.category, "severity": Severity(t.severity).label, "state": t.state,
            "unit": units.get(t.unit_id), "due_at": _iso(t.due_at),
            "fingerprint": t.fingerprint, "excerpt": t.excerpt, "location": t.location or {},
            "keyword": t.keyword, "rule": t.rule, "suggestion": t.suggestion}


def run(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from scanner.store.db import open_db
    from scanner.store.models import Site, Ticket, Unit
    from scanner.tickets import ledger, service
    from scanner.tickets.states import TransitionError

    db = open_db(args.db)
    with db.session() as s:
        units = {u.id: u.name for u in s.execute(select(Unit)).scalars()}
        sites = {x.id: x.base_url for x in s.execute(select(Site)).scalars()}
        if args.action == "list":
            items = ledger.tickets(s, args.site)
            if args.state:
                items = [t for t in items if t.state == args.state]
            for t in items:
                obj = _ticket_json(t, units, sites)
                if args.format == "json":
                    print(json.dumps(obj, ensure_ascii=False))
                else:
                    print(f"#{t.id:<5} {t.state:<14} {obj['severity']:<6} {obj['category']:<8} "
                          f"{obj['unit'] or '-':<12} due {obj['due_at'] or '-'}  {t.url}  「{t.excerpt}」")
            return 0
        if args.action == "export":
            if args.format == "csv":
                text = ledger.export_csv(s, args.output, args.site)
                if not args.output:
                    sys.stdout.write(text)
            else:
                ledger.export_xlsx(s, args.output or "ledger.xlsx", args.site)
            if args.output or args.format == "xlsx":
                print(f"ledger: {args.output or 'ledger.xlsx'}", file=sys.stderr)
            return 0
        if args.action == "escalate":
            raised = service.escalate_overdue(s)
            print(f"{len(raised)} ticket(s) escalated")
            return 0
        t = s.get(Ticket, args.id)
        if t is None:
            print(f"cuomin tickets: no ticket {args.id}", file=sys.stderr)
            return 2
        if args.action == "show":
            obj = _ticket_json(t, units, sites)
            obj["occurrences"] = [u for _, u in service.occurrences(s, t)]
            obj["events"] = [{"at": _iso(e.at), "actor": e.actor, "action": e.action, "from": e.from_state,
                              "to": e.to_state, "note": e.note} for e in t.events]
            print(json.dumps(obj, ensure_ascii=False, indent=2))
            return 0
        try:
            if args.action == "assign":
                from scanner.store.sites import unit_id

                service.assign(s, t, args.by, unit_id=unit_id(s, args.unit) if args.unit else None)
            elif args.action == "fix":
                service.mark_fixed(s, t, args.by, note=args.reason)
            elif args.action == "false-positive":
                service.transition(s, t, "false_positive", args.by, reason=args.reason)
            elif args.action == "accept-risk":
                service.transition(s, t, "accept_risk", args.by, reason=args.reason)
            elif args.action == "reactivate":
                service.transition(s, t, "reactivate", args.by, note=args.reason)
            elif args.action == "extend":
                service.extend(s, t, args.by, args.reason or "")
        except (TransitionError, ValueError) as exc:
            print(f"cuomin tickets: {exc}", file=sys.stderr)
            return 2
    if args.action == "fix":
        if args.serve:
            from urllib.parse import urlsplit

            from scanner.fetch.localserve import serve_directory

            with db.session() as s:
                base = s.get(Site, s.get(Ticket, args.id).site_id).base_url
            with serve_directory(args.serve, port=urlsplit(base).port or 80):
                return _recheck(args.id, None)
        return _recheck(args.id, getattr(args, "broker", None))
    print(f"ticket {args.id}: {t.state}")
    return 0


def _recheck(ticket_id: int, broker: str | None) -> int:
    from workers import broker as brokers

    brokers.configure(broker or os.environ.get("CUOMIN_BROKER") or "embedded", default="embedded")
    from workers import actors

    if not brokers.is_embedded():
        actors.recheck_ticket.send(ticket_id)
        print(f"ticket {ticket_id}: fixed; re-check queued")
        return 0
    from workers.recheck import recheck_ticket

    state = recheck_ticket(ticket_id)
    print(f"ticket {ticket_id}: re-checked → {state}")
    return 0 if state == "closed" else 1
