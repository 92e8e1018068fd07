"""Messages whose retries ran out are written to the ``dead_letters`` table for reviewers.

Every actor names ``record_dead_letter`` as its ``on_retry_exhausted``; dramatiq
sends it the failed message's dict (ids and hashes only) and the retry count.
"""

from __future__ import annotations

from typing import Any

from scanner.store.models import DeadLetter, utcnow
from scanner.store.upsert import insert_ignore
from workers import context


def record(message: dict[str, Any], retry_info: dict[str, Any]) -> bool:
    opts = message.get("options", {}) or {}
    trace = (opts.get("traceback") or "").strip().splitlines()
    with context.db().session() as s:
        return insert_ignore(s, DeadLetter, {
            "message_id": message.get("message_id", ""), "queue": message.get("queue_name", ""),
            "actor": message.get("actor_name", ""), "args": list(message.get("args", [])),
            "kwargs": dict(message.get("kwargs", {})), "retries": int(retry_info.get("retries", 0)),
            "error": trace[-1][:1000] if trace else None, "failed_at": utcnow(),
        }, ["message_id"])
