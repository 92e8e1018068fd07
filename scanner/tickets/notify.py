"""Alerts to responsible units: webhook (JSON POST) and e-mail (SMTP), through an outbox with retries.

``queue_alerts`` writes one :class:`~scanner.store.models.Notification` row per
(ticket, event, channel, target) — idempotent — and ``deliver`` sends one,
retrying with exponential back-off; the worker's ``notify`` actor calls it, so a
lost connection is retried by the queue too.  Messages carry the masked excerpt only.

Targets: the unit's ``webhook``/``email`` and contacts, plus ``CUOMIN_WEBHOOK`` and
``CUOMIN_ALERT_EMAIL`` for the site operators.  SMTP: ``CUOMIN_SMTP_HOST``,
``CUOMIN_SMTP_PORT`` (25), ``CUOMIN_SMTP_USER``, ``CUOMIN_SMTP_PASSWORD``,
``CUOMIN_SMTP_FROM``, ``CUOMIN_SMTP_STARTTLS``.
"""

from __future__ import annotations

import json
import os
import smtplib
import time
from email.message import EmailMessage
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from scanner.findings import Severity
from scanner.store.models import Notification, Site, Ticket, Unit, utcnow
from scanner.store.upsert import insert_ignore


def targets(session: Session, ticket: Ticket) -> list[tuple[str, str]]:
    """(channel, target) pairs for a ticket's alerts."""
    out: list[tuple[str, str]] = []
    unit = session.get(Unit, ticket.unit_id) if ticket.unit_id else None
    if unit is not None:
        if unit.webhook:
            out.append(("webhook", unit.webhook))
        if unit.email:
            out.append(("email", unit.email))
        for c in unit.contacts or []:
            if isinstance(c, dict):
                out += [("webhook", c["webhook"])] if c.get("webhook") else []
                out += [("email", c["email"])] if c.get("email") else []
    if os.environ.get("CUOMIN_WEBHOOK"):
        out.append(("webhook", os.environ["CUOMIN_WEBHOOK"]))
    if os.environ.get("CUOMIN_ALERT_EMAIL"):
        out.append(("email", os.environ["CUOMIN_ALERT_EMAIL"]))
    return list(dict.fromkeys(out))


def queue_alerts(session: Session, ticket: Ticket, event: str) -> list[int]:
    """Outbox rows for ``event`` (opened, reopened:N, escalated:N); returns ids of new rows."""
    ids: list[int] = []
    for channel, target in targets(session, ticket):
        if insert_ignore(session, Notification, {"ticket_id": ticket.id, "event": event, "channel": channel,
                                                 "target": target, "status": "pending", "attempts": 0,
                                                 "created_at": utcnow()},
                         ["ticket_id", "event", "channel", "target"]):
            ids.append(session.execute(select(Notification.id).where(
                Notification.ticket_id == ticket.id, Notification.event == event, Notification.channel == channel,
                Notification.target == target)).scalar_one())
    return ids


def payload(session: Session, ticket: Ticket, event: str) -> dict[str, Any]:
    site = session.get(Site, ticket.site_id)
    unit = session.get(Unit, ticket.unit_id) if ticket.unit_id else None
    return {
        "event": event, "ticket": ticket.id, "site": site.base_url if site else None, "url": ticket.url,
        "category": ticket.category, "severity": Severity(ticket.severity).label, "detector": ticket.detector,
        "keyword": ticket.keyword, "excerpt": ticket.excerpt, "suggestion": ticket.suggestion,
        "unit": unit.name if unit else None, "state": ticket.state,
        "due_at": ticket.due_at.isoformat() if ticket.due_at else None,
        "text": f"【错敏整改通知】{unit.name if unit else ''} 请于 {ticket.due_at:%Y-%m-%d %H:%M} (UTC) 前整改："
                f"{ticket.url} 「{ticket.excerpt}」({ticket.category}) 建议：{ticket.suggestion or '核实修改'}",
    }


def send_webhook(url: str, body: dict[str, Any], client=None) -> None:
    from scanner.fetch.client import make_client

    own = client is None
    client = client or make_client(timeout=10.0)
    try:
        r = client.post(url, content=json.dumps(body, ensure_ascii=False).encode(),
                        headers={"Content-Type": "application/json; charset=utf-8"})
        if r.status_code >= 300:
            raise OSError(f"webhook answered HTTP {r.status_code}")
    finally:
        if own:
            client.close()


def send_email(to: str, body: dict[str, Any]) -> None:
    host = os.environ.get("CUOMIN_SMTP_HOST")
    if not host:
        raise OSError("CUOMIN_SMTP_HOST is not set")
    msg = EmailMessage()
    msg["Subject"] = f"[cuomin] 整改通知 #{body['ticket']} {body['category']} ({body['severity']})"
    msg["From"] = os.environ.get("CUOMIN_SMTP_FROM", "cuomin@localhost")
    msg["To"] = to
    msg.set_content(body["text"] + "\n\n" + json.dumps(body, ensure_ascii=False, indent=2))
    with smtplib.SMTP(host, int(os.environ.get("CUOMIN_SMTP_PORT", "25")), timeout=15) as smtp:
        if os.environ.get("CUOMIN_SMTP_STARTTLS"):
            smtp.starttls()
        if os.environ.get("CUOMIN_SMTP_USER"):
            smtp.login(os.environ["CUOMIN_SMTP_USER"], os.environ.get("CUOMIN_SMTP_PASSWORD", ""))
        smtp.send_message(msg)


def deliver(session: Session, notification_id: int, attempts: int = 3, backoff: float = 0.5,
            webhook_client=None) -> bool:
    """Send one outbox row, retrying ``attempts`` times; True when sent (or already sent)."""
    n = session.get(Notification, notification_id)
    if n is None or n.status == "sent":
        return True
    if n.channel == "email" and not os.environ.get("CUOMIN_SMTP_HOST"):
        n.status, n.last_error = "unconfigured", "CUOMIN_SMTP_HOST is not set"
        return True
    ticket = session.get(Ticket, n.ticket_id)
    body = payload(session, ticket, n.event)
    for i in range(attempts):
        n.attempts = (n.attempts or 0) + 1
        try:
            if n.channel == "webhook":
                send_webhook(n.target, body, webhook_client)
            else:
                send_email(n.target, body)
        except Exception as exc:  # noqa: BLE001 - every delivery error is retried then recorded
            n.last_error = f"{type(exc).__name__}: {exc}"[:500]
            if i + 1 < attempts:
                time.sleep(backoff * (2 ** i))
            continue
        n.status, n.sent_at, n.last_error = "sent", utcnow(), None
        return True
    n.status = "failed"
    return False
