"""SQLAlchemy 2 models: sites and their 栏目责任清单, pages, scans, findings, tickets and the ledger.

Personal data never reaches these tables: a finding row holds the masked keyword
and excerpt the pipeline built, and the detector's keyed hash inside the
fingerprint — never a raw value.  Every table the workers write has a natural
unique key so that at-least-once delivery is harmless (see :mod:`scanner.store.upsert`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


Stamp = DateTime(timezone=True)


class Unit(Base):
    """A responsible unit (责任单位) with its contacts (who gets the 1-hour alert)."""

    __tablename__ = "units"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # [{"name": "张三", "role": "网站管理员", "email": "...", "phone": "...", "webhook": "..."}]
    contacts: Mapped[list[Any]] = mapped_column(JSON, default=list)
    email: Mapped[str | None] = mapped_column(String(320))
    webhook: Mapped[str | None] = mapped_column(String(2000))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))  # escalation goes to the parent
    created_at: Mapped[datetime] = mapped_column(Stamp, default=utcnow)


class Site(Base):
    __tablename__ = "sites"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)  # SiteConfig.id
    name: Mapped[str] = mapped_column(String(300), default="")
    base_url: Mapped[str] = mapped_column(String(2000))
    config: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # SiteConfig.from_dict input
    schedule: Mapped[str | None] = mapped_column(String(100))  # cron expression of the nightly scan
    last_scheduled_at: Mapped[datetime | None] = mapped_column(Stamp)
    default_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(Stamp, default=utcnow)
    columns: Mapped[list[SiteColumn]] = relationship(back_populates="site", cascade="all, delete-orphan")


class SiteColumn(Base):
    """One line of the 栏目责任清单: a URL prefix, its column name and responsible unit."""

    __tablename__ = "site_columns"
    __table_args__ = (UniqueConstraint("site_id", "prefix"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    prefix: Mapped[str] = mapped_column(String(2000))
    name: Mapped[str] = mapped_column(String(300), default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    site: Mapped[Site] = relationship(back_populates="columns")
    unit: Mapped[Unit | None] = relationship()


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(150), unique=True)
    password_hash: Mapped[str] = mapped_column(String(500))
    role: Mapped[str] = mapped_column(String(20), default="operator")  # admin | reviewer | operator
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(320))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(Stamp, default=utcnow)


class ApiKey(Base):
    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(200), unique=True)
    prefix: Mapped[str] = mapped_column(String(20), default="")  # first characters, to recognise a key
    name: Mapped[str] = mapped_column(String(200))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))  # None: every site
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    rate_limit: Mapped[int] = mapped_column(Integer, default=60)  # requests per minute
    created_at: Mapped[datetime] = mapped_column(Stamp, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(Stamp)
    last_used_at: Mapped[datetime | None] = mapped_column(Stamp)


class Scan(Base):
    __tablename__ = "scans"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="crawl")  # crawl | prepublish | recheck
    status: Mapped[str] = mapped_column(String(20), default="running")  # running | done | failed
    ruleset: Mapped[str] = mapped_column(String(40), default="")
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    started_at: Mapped[datetime] = mapped_column(Stamp, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(Stamp)
    pages_seen: Mapped[int] = mapped_column(Integer, default=0)
    pages_checked: Mapped[int] = mapped_column(Integer, default=0)
    pages_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)


class Page(Base):
    """Every fetched URL of a site (HTML pages and attachments) with its incremental-scan state."""

    __tablename__ = "pages"
    __table_args__ = (UniqueConstraint("site_id", "url"), Index("ix_pages_found_on", "found_on_id"),
                      Index("ix_pages_site_hash", "site_id", "content_hash"))
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(2000))
    kind: Mapped[str] = mapped_column(String(20), default="page")  # page | attachment
    title: Mapped[str | None] = mapped_column(String(1000))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    column: Mapped[str | None] = mapped_column(String(300))
    depth: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[int | None] = mapped_column(Integer)  # last HTTP status
    media_type: Mapped[str | None] = mapped_column(String(200))
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    content_hash: Mapped[str | None] = mapped_column(String(64))  # of the normalised text / raw bytes
    checked_hash: Mapped[str | None] = mapped_column(String(64))  # content hash the findings belong to
    checked_ruleset: Mapped[str | None] = mapped_column(String(40))
    last_scan_id: Mapped[int | None] = mapped_column(Integer)  # scan that claimed it (crawl de-duplication)
    done_scan_id: Mapped[int | None] = mapped_column(Integer)  # scan that finished it (counted once)
    found_on_id: Mapped[int | None] = mapped_column(Integer)  # page that linked to it in the claiming scan
    links: Mapped[list[Any]] = mapped_column(JSON, default=list)  # in-scope links, to crawl on past a 304
    fetched_at: Mapped[datetime | None] = mapped_column(Stamp)
    checked_at: Mapped[datetime | None] = mapped_column(Stamp)
    error: Mapped[str | None] = mapped_column(Text)


class DocumentFile(Base):
    """An attachment (附件): the page row it is fetched as, and where it was linked from."""

    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), unique=True)
    found_on_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id"))
    filename: Mapped[str | None] = mapped_column(String(500))
    media_type: Mapped[str | None] = mapped_column(String(200))
    size: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    extraction_error: Mapped[str | None] = mapped_column(Text)


class Blob(Base):
    """A fetched body waiting for analysis, addressed by its SHA-256 (messages carry the hash)."""

    __tablename__ = "blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(Stamp, default=utcnow)


class FindingRow(Base):
    """A problem as it occurs on one page: one row per (page, fingerprint), masked text only."""

    __tablename__ = "findings"
    __table_args__ = (UniqueConstraint("page_id", "fingerprint"), Index("ix_findings_site_fp", "site_id", "fingerprint"))
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"))
    scan_id: Mapped[int | None] = mapped_column(Integer)  # scan that last saw it
    first_scan_id: Mapped[int | None] = mapped_column(Integer)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    fingerprint: Mapped[str] = mapped_column(String(64))
    detector: Mapped[str] = mapped_column(String(50))
    rule: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(100))
    severity: Mapped[int] = mapped_column(Integer)
    keyword: Mapped[str] = mapped_column(Text)  # masked for personal data
    excerpt: Mapped[str] = mapped_column(Text)  # masked
    excerpt_start: Mapped[int] = mapped_column(Integer, default=0)
    suggestion: Mapped[str | None] = mapped_column(Text)
    location: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    confidence: Mapped[float] = mapped_column(Float, default=1.0)
    start: Mapped[int] = mapped_column(Integer, default=0)
    end: Mapped[int] = mapped_column(Integer, default=0)
    occurrences: Mapped[int] = mapped_column(Integer, default=1)
    template: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    ruleset: Mapped[str] = mapped_column(String(40), default="")
    first_seen: Mapped[datetime] = mapped_column(Stamp, default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(Stamp, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(Stamp)  # gone from the page


class Ticket(Base):
    """A rectification ticket (整改工单): one per distinct fingerprint per site."""

    __tablename__ = "tickets"
    __table_args__ = (UniqueConstraint("site_id", "fingerprint"), Index("ix_tickets_state_due", "state", "due_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    fingerprint: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20), default="finding")  # finding | public_report | reply
    state: Mapped[str] = mapped_column(String(20), default="open")
    url: Mapped[str] = mapped_column(String(2000))  # first page where it was seen
    detector: Mapped[str] = mapped_column(String(50))
    rule: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(100))
    severity: Mapped[int] = mapped_column(Integer)
    keyword: Mapped[str] = mapped_column(Text)
    excerpt: Mapped[str] = mapped_column(Text)
    suggestion: Mapped[str | None] = mapped_column(Text)
    location: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    template: Mapped[bool] = mapped_column(Boolean, default=False)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    notified_at: Mapped[datetime | None] = mapped_column(Stamp)  # the SLA clock starts here
    due_at: Mapped[datetime | None] = mapped_column(Stamp)
    extended: Mapped[bool] = mapped_column(Boolean, default=False)  # reply tickets: 7 → 15 working days
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    escalated_at: Mapped[datetime | None] = mapped_column(Stamp)
    reason: Mapped[str | None] = mapped_column(Text)  # false_positive / accepted_risk reason
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(Stamp, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(Stamp, default=utcnow)
    fixed_at: Mapped[datetime | None] = mapped_column(Stamp)
    closed_at: Mapped[datetime | None] = mapped_column(Stamp)
    unit: Mapped[Unit | None] = relationship()
    site: Mapped[Site] = relationship()
    events: Mapped[list[TicketEvent]] = relationship(back_populates="ticket", order_by="TicketEvent.id")


class TicketEvent(Base):
    """The ledger (整改台账): every state change of a ticket, who and when."""

    __tablename__ = "ticket_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(Stamp, default=utcnow)
    actor: Mapped[str] = mapped_column(String(150))  # username or "system:<component>"
    action: Mapped[str] = mapped_column(String(40))  # created, assign, fix, recheck, close, reopen, escalate ...
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ticket: Mapped[Ticket] = relationship(back_populates="events")


class Comment(Base):
    __tablename__ = "comments"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(150))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(Stamp, default=utcnow)


class Notification(Base):
    """Outbox of alerts (webhook, e-mail) with retry state; unique per (ticket, event, channel, target)."""

    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("ticket_id", "event", "channel", "target"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(60))  # opened, escalated:1, reopened:2 ...
    channel: Mapped[str] = mapped_column(String(20))  # webhook | email
    target: Mapped[str] = mapped_column(String(2000))
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(Stamp, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(Stamp)


class AuditLog(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(Stamp, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(150))
    action: Mapped[str] = mapped_column(String(100))
    target_type: Mapped[str | None] = mapped_column(String(50))
    target_id: Mapped[str | None] = mapped_column(String(100))
    ip: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class DeadLetter(Base):
    """A queue message whose retries were exhausted, kept for reviewers (ids and hashes only)."""

    __tablename__ = "dead_letters"
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(100), unique=True)
    queue: Mapped[str] = mapped_column(String(100))
    actor: Mapped[str] = mapped_column(String(100))
    args: Mapped[list[Any]] = mapped_column(JSON, default=list)
    kwargs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    retries: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    failed_at: Mapped[datetime] = mapped_column(Stamp, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(Stamp)
    resolved_by: Mapped[str | None] = mapped_column(String(150))


class Lock(Base):
    """A named lease (the scheduler's single-instance lock when Redis is not configured)."""

    __tablename__ = "locks"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    owner: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column(Stamp)
