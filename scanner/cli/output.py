"""Writers for ``cuomin check``: JSON Lines for machines, a table for people.

Both print input errors on stderr only (``cuomin check: SOURCE: message``), so
stdout stays one valid object per checked document.  The text writer uses rich:
colours only when stdout is a terminal (and ``NO_COLOR`` is unset), a progress
bar on stderr when stderr is a terminal and there is more than one input.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from scanner.errors import CuominError


def _error_line(source: str, exc: CuominError) -> None:
    print(f"cuomin check: {source}: {exc.message}", file=sys.stderr)


class JsonLines:
    """One JSON object per checked document (``docs/check-output.schema.json``)."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout
        self._dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

    def result(self, result: Any) -> None:
        self.stream.write(self._dumps(result.to_dict()) + "\n")

    def error(self, source: str, exc: CuominError) -> None:
        _error_line(source, exc)

    def close(self) -> None:
        self.stream.flush()


SEVERITY_STYLE = {"veto": "bold white on red", "high": "bold red", "medium": "yellow", "low": "cyan",
                  "info": "dim"}
VERDICT_STYLE = {"pass": "green", "review": "yellow", "block": "bold red"}
VERDICT_ZH = {"pass": "通过", "review": "待复核", "block": "拦截"}


def location_text(location: dict[str, Any]) -> str:
    if not location:
        return ""
    if "selector" in location:
        return f"{location['selector']} +{location.get('offset', 0)}"
    if "sheet" in location:
        return f"{location['sheet']}!{location.get('cell', '')}"
    if "page" in location:
        return f"第{location['page']}页"
    if "paragraph" in location:
        part = location.get("part")
        return f"{part + ' ' if part and part != 'body' else ''}第{location['paragraph']}段"
    if "line" in location:
        return f"第{location['line']}行:{location.get('offset', 0) + 1}"
    return ", ".join(f"{k}={v}" for k, v in location.items())


class Table:
    """A readable listing: per document a verdict line and a table of findings with the
    keyword highlighted in its context.  With ``--lines`` passing lines are not listed."""

    def __init__(self, total: int | None, progress: bool, quiet_pass: bool):
        from rich.console import Console

        self.console = Console(highlight=False, soft_wrap=False)
        if not self.console.is_terminal:  # a file or a pipe: wide rows, no wrapping of the context
            self.console.width = 200
        self.err = Console(stderr=True, highlight=False)
        self.quiet_pass = quiet_pass
        self.counts = {"pass": 0, "review": 0, "block": 0}
        self.findings = 0
        self.errors = 0
        self.progress = None
        self.task = None
        if progress and self.err.is_terminal and (total is None or total > 1):
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            columns = [SpinnerColumn(), TextColumn("检查中"), BarColumn(), MofNCompleteColumn(),
                       TimeElapsedColumn()]
            self.progress = Progress(*columns, console=self.err, transient=True)
            self.progress.start()
            self.task = self.progress.add_task("check", total=total)

    def _advance(self) -> None:
        if self.progress is not None:
            self.progress.advance(self.task)

    def _print(self, *items: Any) -> None:
        target = self.progress.console if self.progress is not None and self.err.file is self.console.file \
            else self.console
        target.print(*items)

    def result(self, result: Any) -> None:
        from rich.table import Table as RichTable
        from rich.text import Text

        verdict = result.verdict.value
        self.counts[verdict] = self.counts.get(verdict, 0) + 1
        self.findings += len(result.findings)
        self._advance()
        if self.quiet_pass and not result.findings:
            return
        head = Text()
        head.append(result.source, style="bold")
        head.append("  ")
        head.append(f"{VERDICT_ZH.get(verdict, verdict)} {verdict}", style=VERDICT_STYLE.get(verdict, ""))
        head.append(f"  {len(result.findings)} 处问题  ({result.text_length} 字, 规则 {result.ruleset})",
                    style="dim")
        self._print(head)
        if not result.findings:
            return
        table = RichTable(show_header=True, header_style="bold", expand=False, show_lines=False, pad_edge=False)
        table.add_column("#", justify="right", style="dim")
        table.add_column("严重程度")
        table.add_column("类别")
        table.add_column("问题 → 建议")
        table.add_column("上下文", overflow="fold")
        table.add_column("位置", style="dim", overflow="fold")
        for n, f in enumerate(result.findings, start=1):
            sev = f.severity.label
            context = Text()
            k = f.excerpt_start
            keyword = f.keyword if f.redact else result_text(result, f)
            context.append(f.excerpt[:k])
            context.append(f.excerpt[k:k + len(keyword)], style="bold reverse red")
            context.append(f.excerpt[k + len(keyword):])
            fix = Text(f.keyword, style="bold")
            if f.suggestion:
                fix.append(" → ")
                fix.append(f.suggestion, style="green")
            flags = "".join((" [模板]" if f.template else "", " [隐藏]" if f.hidden else ""))
            table.add_row(str(n), Text(f"{f.severity.chinese} {sev}", style=SEVERITY_STYLE.get(sev, "")),
                          f"{f.detector}/{f.category}{flags}", fix, context, location_text(f.location))
        self._print(table)

    def error(self, source: str, exc: CuominError) -> None:
        self.errors += 1
        self._advance()
        if self.progress is not None:
            self.progress.console.print(f"[red]cuomin check: {source}: {exc.message}[/]", markup=True,
                                        highlight=False)
        else:
            _error_line(source, exc)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()
        docs = sum(self.counts.values())
        summary = (f"共检查 {docs} 个文档：通过 {self.counts['pass']}，待复核 {self.counts['review']}，"
                   f"拦截 {self.counts['block']}；问题 {self.findings} 处")
        if self.errors:
            summary += f"；{self.errors} 个输入出错"
        if docs + self.errors > 1 or self.quiet_pass:
            self.console.print(summary, style="bold")
        self.console.file.flush()


def result_text(result: Any, finding: Any) -> str:
    doc = getattr(result, "document", None)
    if doc is not None:
        return doc.text[finding.start:finding.end]
    return finding.keyword


@contextmanager
def open_output(fmt: str, total: int | None = None, progress: bool = True) -> Iterator[Any]:
    writer: Any = JsonLines() if fmt == "json" else Table(total, progress, quiet_pass=total is None)
    try:
        yield writer
    finally:
        writer.close()
