"""The ``cuomin`` command.

Each sub-command lives in its own module with ``HELP``, ``add_arguments(parser)``
and ``run(args) -> int``; only the module of the command being run is imported,
so ``cuomin check`` starts fast.  Exit codes: 0 success, 1 a finding reached
``--fail-on`` (or a command-specific failure), 2 usage or input error.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# name → (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("scanner.cli.check", "check files, URLs or stdin text and print findings"),
    "scan": ("scanner.cli.scan", "crawl a site, detect, record findings, open tickets, write a report"),
    "tickets": ("scanner.cli.tickets", "list or export rectification tickets (整改台账)"),
    "worker": ("scanner.cli.worker", "run queue workers"),
    "scheduler": ("scanner.cli.scheduler", "run the nightly-scan scheduler"),
    "serve": ("scanner.cli.serve", "serve the HTTP API and the reviewer UI"),
    "dict": ("scanner.cli.dict", "validate, list and compile the dictionaries"),
}


def _top_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cuomin",
        description="cuomin (错敏): find typos, sensitive wording, personal data and red-header documents "
                    "on government websites.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="commands:\n" + "\n".join(f"  {n:<10} {h}" for n, (m, h) in COMMANDS.items() if _available(m)),
    )
    parser.add_argument("--version", action="version", version=f"cuomin {_version()}")
    parser.add_argument("command", nargs="?", help="one of the commands below")
    return parser


def _available(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cuomin")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    top = _top_parser()
    if not argv or argv[0].startswith("-"):
        args = top.parse_args(argv)  # handles --help / --version
        top.print_help(sys.stderr)
        return 2
    name = argv[0]
    if name not in COMMANDS or not _available(COMMANDS[name][0]):
        top.print_usage(sys.stderr)
        print(f"cuomin: error: unknown command {name!r}", file=sys.stderr)
        return 2
    module = importlib.import_module(COMMANDS[name][0])
    parser = argparse.ArgumentParser(prog=f"cuomin {name}", description=COMMANDS[name][1])
    module.add_arguments(parser)
    try:
        args = parser.parse_args(argv[1:])
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    try:
        return int(module.run(args) or 0)
    except KeyboardInterrupt:
        print("cuomin: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `cuomin check ... | head`
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
