"""The dramatiq actors.  Import after :func:`workers.broker.configure`.

Two lanes, each its own queues and worker group, so pre-publish checks and
re-checks never wait behind a nightly crawl (actor priority does not reorder
messages already waiting in a queue):

* ``prepublish`` — CMS pre-publish checks and the re-checks of fixed tickets (queue ``prepublish``);
* ``crawl`` — nightly full-site scans (queue ``crawl``);
* ``ops`` — alerts, escalation and dead letters (queue ``ops``).

Per lane: ``fetch_<lane>`` (a batch of pages; an HTML page is extracted, detected and recorded in it)
→ ``analyse_<lane>`` (attachments); ``record_<lane>`` for messages queued by earlier versions.
Every actor declares max_retries, time_limit, max_age and on_retry_exhausted.
"""

from __future__ import annotations

import dramatiq

from workers import broker as _broker

_broker.configure(default="embedded")

LANES = ("prepublish", "crawl")
MINUTE, HOUR = 60_000, 3_600_000
# Backoff 1 s doubling to 30 s over 10 retries: a database or site away for a few minutes is survived.
RETRY = {"max_retries": 10, "min_backoff": 1_000, "max_backoff": 30_000, "on_retry_exhausted": "record_dead_letter"}
MAX_AGE = {"prepublish": 1 * HOUR, "crawl": 24 * HOUR}
TIME_LIMIT = {"fetch": 20 * MINUTE, "analyse": 10 * MINUTE, "record": 2 * MINUTE}  # fetch: a batch of pages


def _declare(stage: str, lane: str, fn):
    def run(*args, **kwargs) -> None:
        fn(*args, lane=lane, **kwargs)

    run.__name__ = f"{stage}_{lane}"
    return dramatiq.actor(run, actor_name=f"{stage}_{lane}", queue_name=lane, time_limit=TIME_LIMIT[stage],
                          max_age=MAX_AGE[lane], **RETRY)


def _lanes():
    from workers import stages

    out = {}
    for lane in LANES:
        out[f"fetch_{lane}"] = _declare("fetch", lane, stages.fetch_page)
        out[f"analyse_{lane}"] = _declare("analyse", lane, stages.analyse_page)
        out[f"record_{lane}"] = _declare("record", lane, stages.record_findings)
    return out


ACTORS = _lanes()


@dramatiq.actor(queue_name="prepublish", time_limit=30 * MINUTE, max_age=HOUR, **RETRY)
def recheck_ticket(ticket_id: int) -> None:
    from workers.recheck import recheck_ticket as run

    run(ticket_id)


@dramatiq.actor(actor_name="notify_ops", queue_name="ops", time_limit=2 * MINUTE, max_age=24 * HOUR, **RETRY)
def notify(notification_id: int) -> None:
    from scanner.tickets.notify import deliver
    from workers import context

    with context.db().session() as s:
        sent = deliver(s, notification_id)
    if not sent:
        raise RuntimeError(f"notification {notification_id} not delivered")  # the queue retries it


@dramatiq.actor(queue_name="ops", time_limit=5 * MINUTE, max_age=HOUR, **RETRY)
def escalate() -> None:
    from scanner.tickets.notify import queue_alerts
    from scanner.tickets.service import escalate_overdue
    from workers import context

    with context.db().session() as s:
        raised = escalate_overdue(s)
        ids = [i for t in raised for i in queue_alerts(s, t, f"escalated:{t.escalation_level}")]
    for nid in ids:
        notify.send(nid)


@dramatiq.actor(queue_name="crawl", time_limit=10 * MINUTE, max_age=24 * HOUR, **RETRY)
def seed_scan(scan_id: int) -> None:
    from workers.scans import seed

    seed(scan_id)


@dramatiq.actor(queue_name="ops", max_retries=50, min_backoff=1_000, max_backoff=60_000, time_limit=MINUTE,
                max_age=7 * 24 * HOUR)
def record_dead_letter(message: dict, retry_info: dict) -> None:
    from workers.deadletters import record

    record(message, retry_info)
