"""cuomin's dramatiq middleware: fresh database/HTTP resources after a fork, and a log line per
failed attempt that names the message by id and actor only (never arguments that could carry text)."""

from __future__ import annotations

import logging

from dramatiq.middleware import Middleware

log = logging.getLogger("cuomin.workers")


class ProcessResources(Middleware):
    """Worker processes fork from the parent: drop inherited connection pools before work starts."""

    def after_process_boot(self, broker):
        from workers.context import reset

        reset()

    def before_worker_shutdown(self, broker, worker):
        from workers.context import reset

        reset()


class FailureLog(Middleware):
    def after_process_message(self, broker, message, *, result=None, exception=None):
        if exception is not None:
            log.warning("message %s (%s) failed, attempt %d: %s", message.message_id, message.actor_name,
                        message.options.get("retries", 0), type(exception).__name__)


def cuomin_middleware() -> list[Middleware]:
    return [ProcessResources(), FailureLog()]
