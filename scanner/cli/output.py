"""Writers for ``cuomin check``: JSON Lines for machines, a table for people."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from typing import Iterator

from scanner.errors import CuominError
from scanner.pipeline import Result


class JsonLines:
    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def result(self, result: Result) -> None:
        self.stream.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")

    def error(self, source: str, exc: CuominError) -> None:
        obj = {"source": source, "verdict": "error", "error": {"code": exc.code, "message": exc.message},
               "findings": []}
        self.stream.write(json.dumps(obj, ensure_ascii=False) + "\n")

    def close(self) -> None:
        self.stream.flush()


class PlainText:
    """A readable listing; the full table with colours and a progress bar lives in scanner.cli.table."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def result(self, result: Result) -> None:
        w = self.stream.write
        w(f"{result.source}: {result.verdict.value} ({len(result.findings)} findings, ruleset {result.ruleset})\n")
        for f in result.findings:
            w(f"  [{f.severity.label}] {f.detector}/{f.rule} {f.start}-{f.end} {f.keyword!r}"
              f" → {f.suggestion or '-'}  …{f.excerpt}…\n")

    def error(self, source: str, exc: CuominError) -> None:
        self.stream.write(f"{source}: error: {exc.message}\n")

    def close(self) -> None:
        self.stream.flush()


@contextmanager
def open_output(fmt: str, total: int | None = None) -> Iterator[object]:
    writer = JsonLines() if fmt == "json" else PlainText()
    try:
        yield writer
    finally:
        writer.close()
