"""Worker processes: ``run(processes, threads, queues)`` forks N processes, each a dramatiq
:class:`~dramatiq.Worker` on the configured broker, and restarts any that dies (SIGKILL, OOM).
SIGTERM/SIGINT stop them gracefully (messages in flight finish or go back to the queue).

Idle consumers poll every ``poll_ms`` (dramatiq's default backs off to 1 s, which would add
up to a second per stage of the fetch → analyse → record chain)."""

from __future__ import annotations

import logging
import os
import signal
import sys
import time

log = logging.getLogger("cuomin.workers")


def _child(threads: int, queues: list[str], poll_ms: int) -> None:
    import dramatiq
    from dramatiq import Worker

    from workers import broker

    broker.configure()
    import workers.actors  # noqa: F401

    b = dramatiq.get_broker()
    b.emit_after("process_boot")
    worker = Worker(b, queues=set(queues), worker_threads=threads, worker_timeout=poll_ms)
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(1))
    worker.start()
    while not stopping:
        time.sleep(0.2)
    worker.stop(timeout=30_000)
    b.close()
    os._exit(0)


def run(processes: int, threads: int, queues: list[str], poll_ms: int = 100) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(process)d %(name)s %(levelname)s %(message)s")
    children: dict[int, int] = {}
    stopping = []

    def spawn(slot: int) -> None:
        pid = os.fork()
        if pid == 0:
            try:
                _child(threads, queues, poll_ms)
            except BaseException:
                log.exception("worker process failed")
                os._exit(1)
        children[pid] = slot

    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(1))
    for slot in range(processes):
        spawn(slot)
    log.info("cuomin worker: %d process(es) × %d threads on queues %s", processes, threads, ",".join(queues))
    while not stopping:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid:
            slot = children.pop(pid, 0)
            log.warning("worker process %d exited (%s); restarting", pid, status)
            spawn(slot)
        time.sleep(0.2)
    for pid in list(children):
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    for pid in list(children):
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass
    sys.stdout.flush()
    return 0
