"""``cuomin check [--format text|json] [--lines] [--fail-on SEVERITY] INPUT...``

Contract (other tools rely on it):

* INPUT is a file, an http(s) URL or ``-`` for stdin text;
* ``--format json`` prints JSON Lines, one object per checked document, in input order
  (``docs/check-output.schema.json``);
* ``--lines`` makes every line of a text input its own document (empty lines included);
* exit 0 when nothing reaches ``--fail-on`` (default: never), 1 when something does,
  2 on a usage or input error (message on stderr; the failed input prints no object).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from scanner.errors import CorruptFile, CuominError, InputError
from scanner.findings import Severity

HELP = "check files, URLs or stdin text and print findings"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", metavar="INPUT", nargs="+",
                        help="a file (.txt .html .pdf .docx .xlsx ...), an http(s) URL, or - for stdin text")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="text: a table for people; json: JSON Lines, one object per document")
    parser.add_argument("--lines", action="store_true",
                        help="every line of a text input is its own document (one object per line)")
    parser.add_argument("--fail-on", metavar="SEVERITY", type=_severity, default=None,
                        help="exit 1 when a finding reaches this severity (veto, high, medium, low, info)")
    parser.add_argument("--site", metavar="SITE.yaml", help="site configuration (detectors, own names)")
    parser.add_argument("--detectors", metavar="NAMES", help="comma-separated detectors to run (default: all)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")


def _severity(value: str) -> Severity:
    try:
        return Severity.parse(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _is_url(item: str) -> bool:
    return item.lower().startswith(("http://", "https://"))


def validate_inputs(inputs: list[str]) -> None:
    """Usage errors found before anything is checked (exit 2, nothing printed on stdout)."""
    if sum(1 for i in inputs if i == "-") > 1:
        raise InputError("stdin (-) may be given only once")
    for item in inputs:
        if item == "-":
            continue
        if _is_url(item):
            from urllib.parse import urlsplit

            if not urlsplit(item).hostname:
                raise InputError(f"{item}: not a valid URL")
            continue
        if "://" in item:
            raise InputError(f"{item}: only http(s) URLs are supported")
        p = Path(item)
        if not p.exists():
            raise InputError(f"{item}: no such file")
        if p.is_dir():
            raise InputError(f"{item}: is a directory (use `cuomin scan DIR` for a site)")


def _decode_line(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="replace")


def _lines(stream: Iterable[bytes], source: str) -> Iterator[tuple[str, object]]:
    """One plain-text document per line of a byte stream (streamed, so output starts at once)."""
    from scanner.document import Document

    for number, raw in enumerate(stream, start=1):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        line = _decode_line(raw.rstrip(b"\n").rstrip(b"\r"))
        name = f"{source}:{number}"
        yield name, Document.from_text(line, source=name)


def documents(inputs: list[str], lines: bool) -> Iterator[tuple[str, object]]:
    """(source, Document or CuominError) per document, in input order."""
    from scanner.extract import extract, extract_path, sniff_media_type

    for item in inputs:
        try:
            if item == "-":
                if lines:
                    yield from _lines(sys.stdin.buffer, "-")
                    continue
                doc = extract(sys.stdin.buffer.read(), "-", content_type="text/plain")
            elif _is_url(item):
                from scanner.fetch import fetch_document

                doc = fetch_document(item)
            else:
                if lines:
                    with open(item, "rb") as fh:
                        head = fh.read(8192)
                    if sniff_media_type(head, filename=item) == "text/plain":
                        from scanner.extract.text import looks_binary

                        if looks_binary(head):
                            raise CorruptFile("binary data, not text")
                        with open(item, "rb") as fh:
                            yield from _lines(fh, item)
                        continue
                doc = extract_path(item)
        except CuominError as exc:
            yield item, exc
            continue
        except OSError as exc:
            yield item, InputError(f"cannot read: {exc.strerror or exc}")
            continue
        if lines and doc.media_type == "text/plain":  # stdin/URL text split into lines
            from scanner.document import Document

            parts = doc.text.split("\n")
            if parts and parts[-1] == "" and doc.text.endswith("\n"):
                parts.pop()
            for number, line in enumerate(parts if doc.text else [], start=1):
                yield f"{doc.source}:{number}", Document.from_text(line, source=f"{doc.source}:{number}")
            continue
        yield doc.source, doc


def run(args: argparse.Namespace) -> int:
    from scanner.pipeline import Checker
    from scanner.site import SiteConfig

    try:
        validate_inputs(args.inputs)
    except InputError as exc:
        print(f"cuomin check: {exc.message}", file=sys.stderr)
        return 2
    try:
        site = SiteConfig.load(args.site) if args.site else SiteConfig()
        detectors = [d.strip() for d in args.detectors.split(",") if d.strip()] if args.detectors else None
        checker = Checker(site, detectors=detectors)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"cuomin check: {exc}", file=sys.stderr)
        return 2
    except (ImportError, AttributeError) as exc:  # a detector plugin that does not load
        print(f"cuomin check: a detector failed to load: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    from scanner.cli.output import open_output

    failed = input_error = False
    total = None if args.lines else len(args.inputs)
    with open_output(args.format, total=total, progress=not args.no_progress) as out:
        for source, doc in documents(args.inputs, args.lines):
            if isinstance(doc, CuominError):
                input_error = True
                out.error(source, doc)
                continue
            try:
                result = checker.check(doc)
            except CuominError as exc:
                input_error = True
                out.error(source, exc)
                continue
            out.result(result)
            if args.fail_on is not None and any(f.severity >= args.fail_on for f in result.findings):
                failed = True
    if input_error:
        return 2
    return 1 if failed else 0
