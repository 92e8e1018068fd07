"""``cuomin dict validate|list|compile|proposals|approve|reject`` — the dictionaries.

* ``validate [PATH...]`` — check headers (provenance, version, reviewer) and bodies against
  ``dictionaries/schema``; exit 1 on any error.
* ``list [--folder NAME]`` — every dictionary file with kind, version, reviewer and size.
* ``compile`` — build the sensitive detector's automata into ``CUOMIN_CACHE_DIR`` (a fast start).
* ``proposals [--status S]``, ``approve ID --reviewer NAME``, ``reject ID --reviewer NAME --reason TEXT``
  — reviewers' proposed allow-list phrases (nothing changes until approved).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HELP = "validate, list and compile the dictionaries"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = sub.add_parser("validate", help="check every dictionary file against the documented format")
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: all of dictionaries/)")
    p.add_argument("--strict", action="store_true", help="warnings count as errors")
    p = sub.add_parser("list", help="list dictionary files with version, reviewer and size")
    p.add_argument("--folder", help="only this folder of dictionaries/ (e.g. sensitive)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p = sub.add_parser("compile", help="compile the sensitive dictionaries into the on-disk cache")
    p.add_argument("--backend", choices=("rs", "pyahocorasick"), default=None)
    p = sub.add_parser("proposals", help="list proposed allow-list phrases")
    p.add_argument("--status", choices=("pending", "approved", "rejected"), default="pending")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p = sub.add_parser("approve", help="approve a proposed allow-list phrase (adds it to the dictionary)")
    p.add_argument("id")
    p.add_argument("--reviewer", required=True)
    p.add_argument("--note")
    p = sub.add_parser("reject", help="reject a proposed allow-list phrase")
    p.add_argument("id")
    p.add_argument("--reviewer", required=True)
    p.add_argument("--reason", required=True)


def run(args: argparse.Namespace) -> int:
    return {"validate": _validate, "list": _list, "compile": _compile, "proposals": _proposals,
            "approve": _decide, "reject": _decide}[args.action](args)


def _validate(args: argparse.Namespace) -> int:
    from dictionaries.schema.validate import ROOT, SCHEMA_DIR, validate_file, validate_tree

    problems = []
    if not args.paths:
        problems = validate_tree(ROOT)
        count = None
    else:
        files: list[Path] = []
        for item in args.paths:
            path = Path(item)
            if path.is_dir():
                files.extend(p for p in sorted(path.rglob("*")) if p.is_file() and p.suffix in
                             (".yaml", ".yml", ".tsv", ".txt") and SCHEMA_DIR not in p.parents)
            elif path.is_file():
                files.append(path)
            else:
                print(f"cuomin dict: {item}: no such file or folder", file=sys.stderr)
                return 2
        for f in files:
            problems.extend(validate_file(f))
        count = len(files)
    errors = [p for p in problems if p.level == "error" or args.strict]
    for p in problems:
        print(p)
    summary = f"{len(errors)} error(s), {len(problems) - len(errors)} warning(s)"
    print(summary if count is None else f"{count} file(s): {summary}", file=sys.stderr)
    return 1 if errors else 0


def _list(args: argparse.Namespace) -> int:
    from dictionaries.schema.validate import ROOT, SCHEMA_DIR, load
    from scanner.ruleset import dictionary_files

    rows = []
    for path in dictionary_files(ROOT):
        if path.parent == SCHEMA_DIR or path.name == "README.md":
            continue
        rel = path.relative_to(ROOT).as_posix()
        if args.folder and not rel.startswith(args.folder.rstrip("/") + "/"):
            continue
        df = load(path)
        body = df.body
        kind = body.get("kind") if isinstance(body, dict) else path.suffix.lstrip(".")
        size = (len(body.get("entries") or body.get("groups") or []) if isinstance(body, dict)
                else len(body or []))
        rows.append({"file": rel, "kind": kind, "version": df.header.get("version", "?"),
                     "reviewed_by": df.header.get("reviewed-by", "?"), "entries": size})
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    else:
        for r in rows:
            print(f"{r['file']:<40} {r['kind']!s:<22} {r['version']:<14} {r['entries']:>6}  {r['reviewed_by']}")
    return 0


def _compile(args: argparse.Namespace) -> int:
    from scanner.detectors.sensitive.ruleset import DictionaryError, load_rules
    from scanner.nlp.cache import cache_dir

    t0 = time.perf_counter()
    try:
        rules = load_rules(backend=args.backend, use_cache=False)
        load_rules(backend=args.backend)  # writes the cache when it is missing
    except DictionaryError as exc:
        print(f"cuomin dict: {exc}", file=sys.stderr)
        return 1
    took = time.perf_counter() - t0
    t1 = time.perf_counter()
    load_rules(backend=args.backend)
    again = time.perf_counter() - t1
    print(f"sensitive: {len(rules.entries)} entries, {rules.size} automaton keys, "
          f"{len(rules.nearmiss.items)} protected strings ({len(rules.nearmiss.keys)} near-miss keys), "
          f"backend {rules.automaton.backend}")
    print(f"compiled in {took:.2f} s; loads from cache in {again:.3f} s ({cache_dir()})")
    return 0


def _proposals(args: argparse.Namespace) -> int:
    from scanner.detectors.sensitive.proposals import ProposalStore

    items = ProposalStore().list(args.status)
    if args.format == "json":
        print(json.dumps([p.to_dict() for p in items], ensure_ascii=False, indent=1))
    else:
        for p in items:
            print(f"{p.id}  {p.status:<8} {p.phrase}  ← {p.keyword or '-'}  ({p.proposer}: {p.reason})")
        print(f"{len(items)} {args.status} proposal(s)", file=sys.stderr)
    return 0


def _decide(args: argparse.Namespace) -> int:
    from scanner.detectors.sensitive.proposals import ProposalError, ProposalStore

    store = ProposalStore()
    try:
        if args.action == "approve":
            p = store.approve(args.id, args.reviewer, args.note)
        else:
            p = store.reject(args.id, args.reviewer, args.reason)
    except ProposalError as exc:
        print(f"cuomin dict: {exc}", file=sys.stderr)
        return 1
    print(f"{p.id} {p.status}: {p.phrase}")
    return 0
