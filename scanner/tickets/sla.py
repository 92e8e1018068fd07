"""SLA clocks: 1 hour for 错敏 findings, 3 working days for public error reports (我为政府网站找错),
7 working days (extendable to 15) for replies to the public.

Working days come from the Chinese holiday calendar (``chinese-calendar``: official
holidays and the weekend days that become working days, 调休).  For years the
package has no data for, Monday–Friday are working days.  A "within N working days"
deadline ends at 24:00 China time of the N-th working day after the day the clock starts.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone  # noqa: F401 (timedelta re-exported)
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")

FINDING_HOURS = 1
PUBLIC_REPORT_DAYS = 3
REPLY_DAYS = 7
REPLY_EXTENDED_DAYS = 15


def is_working_day(day: date) -> bool:
    import chinese_calendar

    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:  # outside the package's data
        return day.weekday() < 5


def add_working_days(start: datetime, days: int) -> datetime:
    """End (24:00 China time) of the ``days``-th working day after ``start``'s day."""
    local = start.astimezone(CHINA).date()
    counted = 0
    while counted < days:
        local += timedelta(days=1)
        if is_working_day(local):
            counted += 1
    end = datetime.combine(local + timedelta(days=1), time(0, 0), tzinfo=CHINA)
    return end.astimezone(UTC)


def due_at(kind: str, start: datetime, extended: bool = False) -> datetime:
    """When a ticket of ``kind`` (finding, public_report, reply) started at ``start`` is due."""
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    if kind == "public_report":
        return add_working_days(start, PUBLIC_REPORT_DAYS)
    if kind == "reply":
        return add_working_days(start, REPLY_EXTENDED_DAYS if extended else REPLY_DAYS)
    return start + timedelta(hours=FINDING_HOURS)


def met(due: datetime | None, done: datetime | None, now: datetime | None = None) -> bool | None:
    """Whether the SLA was met: done before due (None while still open and not yet due)."""
    if due is None:
        return None
    due = due if due.tzinfo else due.replace(tzinfo=UTC)
    if done is not None:
        done = done if done.tzinfo else done.replace(tzinfo=UTC)
        return done <= due
    now = now or datetime.now(UTC)
    return False if now > due else None
