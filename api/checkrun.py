"""Running CMS text checks: on the app's check thread, or on a pool of checker processes.

A check is CPU-bound Python; threads of one process share the GIL, so more than one check thread
per process only interleaves requests.  ``CUOMIN_CHECK_PROCESSES=N`` (N ≥ 1) runs the checks on N
worker processes fed from one first-come-first-served queue by a single uvicorn process: every
request goes to the next free core.  (``--workers N`` instead pins each keep-alive connection to
one process for its life, and a CMS's connections often land unevenly: one process queues while the
other idles.)  The response is built and serialised where the check ran; the parent only sends it.

Each checker process keeps its own per-site checkers, built from the site configuration and
version the request carries, and reloads their rule data when the parent's data generation moves
on (a dictionary approval).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import NamedTuple

from api import checking
from api.schemas import TextCheckRequest, TextCheckResponse
from scanner.document import Document
from scanner.errors import CuominError
from scanner.findings import Severity

_ORDER = ["pass", "review", "block"]
log = logging.getLogger("cuomin.api")


class ContentError(Exception):
    """The content could not be read (HTML extraction failed); becomes a 400."""


class CheckInput(NamedTuple):
    """What a check needs of a validated :class:`TextCheckRequest`, as plain values: a checker process
    is sent this (a tuple of strings pickles and unpickles without pydantic), not the model."""

    dataId: str | None
    contentType: str
    content: str | None
    texts: list[tuple[str | None, str]] | None  # (dataId, content) per text
    url: str | None
    title: str | None

    @classmethod
    def of(cls, body: TextCheckRequest) -> CheckInput:
        texts = None if body.texts is None else [(t.dataId, t.content) for t in body.texts]
        return cls(body.dataId, body.contentType, body.content, texts, body.url, body.title)


def document_for(content: str, body: CheckInput | TextCheckRequest, source: str) -> Document:
    if body.contentType == "html":
        from scanner.extract import extract

        doc = extract(content.encode("utf-8"), source, content_type="text/html; charset=utf-8")
    else:
        doc = Document.from_text(content, source=source)
    if body.title and not doc.title:
        doc.title = body.title
    return doc


def _risk_rank(level: str) -> int:
    return -1 if level == "none" else int(Severity.parse(level))


def run_check(checker, body: CheckInput, t0: float) -> tuple[bytes, list[tuple[str, dict[str, int]]]]:
    """(response JSON, per text (suggestion, hits per label) for the metrics).  ``t0``: ``time.monotonic()``
    when the request arrived (system-wide, so comparable across processes)."""
    source = body.url or f"cms:{body.dataId or '-'}"
    items = [(body.dataId, body.content)] if body.content is not None else list(body.texts or [])
    results, counts = [], []
    for data_id, content in items:
        try:
            result = checker.check(document_for(content or "", body, source))
        except CuominError as exc:
            raise ContentError(exc.message) from None
        one = checking.text_result(result, data_id)
        counts.append((one["suggestion"], {lb["label"]: len(lb["hits"]) for lb in one["labels"]}))
        results.append(one)
    worst = max(results, key=lambda r: _ORDER.index(r["suggestion"]), default=None)
    risk = max((r["riskLevel"] for r in results), key=_risk_rank, default="none")
    out = {
        "requestId": uuid.uuid4().hex, "dataId": body.dataId,
        "suggestion": worst["suggestion"] if worst else "pass", "riskLevel": risk,
        "labels": results[0]["labels"] if body.content is not None else [],
        "ruleset": checker.ruleset, "elapsedMs": round((time.monotonic() - t0) * 1000, 2),
    }
    if body.texts is not None:
        out["results"] = results
    # what FastAPI's response_model (exclude_none) would send, in one pass of pydantic-core's serialiser
    return TextCheckResponse.model_validate(out).model_dump_json(exclude_none=True).encode("utf-8"), counts


# -- the checker processes ------------------------------------------------------------------------
_detectors: list[str] | None = None
_checkers: dict[str, tuple[str, object]] = {}
_generation = 0


def _exit_with(server_pid: int) -> None:
    """Leave when the server process is gone (killed, or stopped before it could shut the pool down):
    a checker process's parent is the fork server, so it is not told."""
    import os
    import threading

    def watch() -> None:
        while True:
            time.sleep(1.0)
            try:
                os.kill(server_pid, 0)
            except ProcessLookupError:
                os._exit(0)
            except PermissionError:  # the pid was reused by someone else's process
                os._exit(0)

    threading.Thread(target=watch, name="cuomin-server-watch", daemon=True).start()


def _init_process(detectors: list[str] | None, generation: int, server_pid: int) -> None:
    """Runs once in each checker process: load the detectors and warm them up before the first request."""
    global _detectors, _generation
    from scanner.heap import settle_heap
    from scanner.pipeline import Checker

    _exit_with(server_pid)
    _detectors, _generation = detectors, generation
    Checker(detectors=detectors).warm_up()
    settle_heap()


def _check_in_process(site, version: str, generation: int, body: CheckInput, t0: float):
    global _generation
    from scanner.pipeline import Checker

    if generation != _generation:
        for _v, checker in list(_checkers.values()):
            checker.reload()
        _generation = generation
    cached = _checkers.get(site.id)
    if cached is None or cached[0] != version:
        cached = (version, Checker(site, detectors=_detectors))
        _checkers[site.id] = cached
    return run_check(cached[1], body, t0)


class ProcessChecks:
    """The pool of checker processes (started with the app, warmed up before it serves)."""

    def __init__(self, processes: int, detectors: list[str] | None):
        self.processes = processes
        self.detectors = detectors
        self._lock = threading.Lock()
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        import multiprocessing
        import os

        # forkserver: children start from a clean interpreter, not a copy of the threaded server
        return ProcessPoolExecutor(max_workers=self.processes, mp_context=multiprocessing.get_context("forkserver"),
                                   initializer=_init_process, initargs=(self.detectors, 0, os.getpid()))

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        """A checker process died (killed, out of memory): start a new pool once, for every waiting request."""
        with self._lock:
            if self._pool is broken:
                log.error("a checker process died; starting new checker processes")
                broken.shutdown(wait=False, cancel_futures=True)
                self._pool = self._new_pool()

    def start(self) -> None:
        """Start every process now (each warms up in its initializer) and wait for them."""
        futures = [self._pool.submit(time.sleep, 0.2) for _ in range(self.processes)]
        for f in futures:
            f.result()

    async def check(self, site, version: str, generation: int, body: CheckInput, t0: float):
        """``run_check`` on a checker process; ``generation``: the app's rule-data generation
        (:attr:`CheckerPool.generation`).  A request whose process died is run once more on new ones."""
        for attempt in (1, 2):
            pool = self._pool
            try:
                return await asyncio.wrap_future(pool.submit(_check_in_process, site, version, generation, body, t0))
            except BrokenProcessPool:
                self._replace(pool)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def shutdown(self) -> None:
        """Cancel what is queued, let the running checks finish, and wait for the processes to exit."""
        self._pool.shutdown(wait=True, cancel_futures=True)
