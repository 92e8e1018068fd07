"""``cuomin check [--format text|json] [--lines] [--fail-on SEVERITY] INPUT...``"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator

from scanner.errors import CuominError
from scanner.findings import Severity
from scanner.pipeline import Checker, Result

HELP = "check files, URLs or stdin text and print findings"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", metavar="INPUT", nargs="+",
                        help="a file (.txt .html .pdf .docx .xlsx ...), an http(s) URL, or - for stdin text")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="text: a table for people; json: JSON Lines, one object per document")
    parser.add_argument("--lines", action="store_true",
                        help="every line of a text input is its own document")
    parser.add_argument("--fail-on", metavar="SEVERITY", type=_severity, default=None,
                        help="exit 1 when a finding reaches this severity (veto, high, medium, low, info)")
    parser.add_argument("--site", metavar="SITE.yaml", help="site configuration (detectors, own names)")
    parser.add_argument("--detectors", metavar="NAMES", help="comma-separated detectors to run (default: all)")


def _severity(value: str) -> Severity:
    try:
        return Severity.parse(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _documents(inputs: list[str], lines: bool) -> Iterator[tuple[str, object]]:
    """(source, Document or CuominError) per document, in input order."""
    from scanner.document import Document
    from scanner.extract import extract, extract_path

    for item in inputs:
        try:
            if item == "-":
                data = sys.stdin.buffer.read()
                doc = extract(data, "-", content_type="text/plain")
            elif item.startswith(("http://", "https://")):
                from scanner.fetch import fetch_document

                doc = fetch_document(item)
            else:
                doc = extract_path(item)
        except CuominError as exc:
            yield item, exc
            continue
        if lines and doc.media_type == "text/plain":
            for number, line in enumerate(doc.text.split("\n"), start=1):
                if number > 1 or line or doc.text:
                    yield f"{doc.source}:{number}", Document.from_text(line, source=f"{doc.source}:{number}")
            continue
        yield doc.source, doc


def run(args: argparse.Namespace) -> int:
    from scanner.site import SiteConfig

    try:
        site = SiteConfig.load(args.site) if args.site else SiteConfig()
        detectors = [d.strip() for d in args.detectors.split(",") if d.strip()] if args.detectors else None
        checker = Checker(site, detectors=detectors)
    except (OSError, ValueError, KeyError) as exc:
        print(f"cuomin check: {exc}", file=sys.stderr)
        return 2
    if sum(1 for i in args.inputs if i == "-") > 1:
        print("cuomin check: stdin (-) may be given once", file=sys.stderr)
        return 2
    from scanner.cli.output import open_output

    failed = input_error = False
    with open_output(args.format, total=len(args.inputs) if not args.lines else None) as out:
        for source, doc in _documents(args.inputs, args.lines):
            if isinstance(doc, CuominError):
                input_error = True
                print(f"cuomin check: {source}: {doc.message}", file=sys.stderr)
                out.error(source, doc)
                continue
            result: Result = checker.check(doc)
            out.result(result)
            if args.fail_on is not None and any(f.severity >= args.fail_on for f in result.findings):
                failed = True
    if input_error:
        return 2
    return 1 if failed else 0
