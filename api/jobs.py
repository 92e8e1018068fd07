"""Queued document checks (uploads too large to answer at once), run on a small thread pool.

A job keeps only the masked check response, never the file; finished jobs are
forgotten after an hour.  When a callback URL was given, the result is POSTed to
it through the SSRF guard (only registered sites' hosts).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

KEEP_SECONDS = 3600


class DocumentJobs:
    def __init__(self, workers: int = 1):
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="cuomin-doc")
        self._jobs: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def submit(self, owner: str, work: Callable[[], dict[str, Any]],
               callback: Callable[[dict[str, Any]], None] | None = None) -> str:
        job_id = uuid.uuid4().hex
        with self._lock:
            self._gc()
            self._jobs[job_id] = {"owner": owner, "status": "queued", "at": time.time(), "result": None}

        def run() -> None:
            self._jobs[job_id]["status"] = "running"
            try:
                result = work()
                status = result.get("status", "done")
            except Exception as exc:  # noqa: BLE001 - a job failure is reported, not raised
                result = {"status": "failed", "error": {"code": getattr(exc, "code", "error"),
                                                        "message": type(exc).__name__}}
                status = "failed"
            self._jobs[job_id].update(status=status, result=result, at=time.time())
            if callback is not None:
                try:
                    callback({**result, "jobId": job_id})
                except Exception:  # noqa: BLE001 - callback failures do not fail the job
                    self._jobs[job_id]["callback_error"] = True

        self._pool.submit(run)
        return job_id

    def get(self, job_id: str) -> dict[str, Any] | None:
        return self._jobs.get(job_id)

    def _gc(self) -> None:
        cutoff = time.time() - KEEP_SECONDS
        for key in [k for k, v in self._jobs.items() if v["status"] in ("done", "failed") and v["at"] < cutoff]:
            del self._jobs[key]
