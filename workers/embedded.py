"""Embedded mode: the same actors on dramatiq's in-process StubBroker, run by worker threads in
this process — no broker server (``make demo``, single-machine users, tests)."""

from __future__ import annotations

from typing import Self

import dramatiq
from dramatiq import Worker


class EmbeddedWorker:
    """``with EmbeddedWorker(threads=4): ...`` runs every queue's messages in background threads."""

    def __init__(self, threads: int = 4):
        from workers import broker

        broker.configure("embedded")
        import workers.actors  # noqa: F401 - declares the actors on the stub broker

        self.broker = dramatiq.get_broker()
        self.worker = Worker(self.broker, worker_threads=threads, worker_timeout=100)

    def __enter__(self) -> Self:
        self.worker.start()
        return self

    def join(self, timeout_ms: int = 600_000) -> None:
        """Wait until every queue is empty and no message is being processed."""
        for _ in range(3):  # messages fan out across queues: go round until all stay empty
            for queue in list(self.broker.queues):
                if not queue.endswith(".DQ"):
                    self.broker.join(queue, timeout=timeout_ms)
            self.worker.join()

    def __exit__(self, *exc) -> None:
        self.worker.stop()
