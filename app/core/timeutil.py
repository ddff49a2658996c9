"""Time helpers: store UTC, show and judge in Asia/Shanghai, count working days.

Working days follow the official State Council holiday and make-up-workday
calendar as published in the maintained ``chinesecalendar`` package. Dates the
package does not cover raise :class:`CalendarNotCovered` instead of guessing.
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import chinese_calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")


class CalendarNotCovered(ValueError):
    """The official holiday calendar for this date has not been published yet."""

    def __init__(self, day: date):
        self.day = day
        super().__init__(
            f"{day.year} 年的法定节假日安排尚未收录（chinesecalendar 覆盖范围之外），"
            f"无法计算工作日：{day.isoformat()}"
        )


_frozen: datetime | None = None


def utcnow() -> datetime:
    """The server clock (aware UTC). Tests move it with :func:`frozen_time`."""
    if _frozen is not None:
        return _frozen
    return datetime.now(timezone.utc)


@contextmanager
def frozen_time(moment: datetime):
    """Make :func:`utcnow` return ``moment`` (aware) inside the block — for tests and
    for replaying deadlines; every module reads the clock through this function."""
    global _frozen
    if moment.tzinfo is None:
        raise ValueError("frozen_time needs an aware datetime")
    previous, _frozen = _frozen, moment
    try:
        yield moment
    finally:
        _frozen = previous


def local_now() -> datetime:
    return utcnow().astimezone(SHANGHAI)


def to_local(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime: store and pass aware datetimes")
    return value.astimezone(SHANGHAI)


def local_to_utc(value: datetime) -> datetime:
    """Interpret a naive datetime as Asia/Shanghai wall time and return it in UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=SHANGHAI)
    return value.astimezone(timezone.utc)


def local_today() -> date:
    return local_now().date()


def format_local(value: datetime | None, with_zone: bool = True) -> str:
    if value is None:
        return ""
    text = to_local(value).strftime("%Y-%m-%d %H:%M")
    return f"{text}（北京时间 UTC+8）" if with_zone else text


def chinese_date(day: date) -> str:
    """成文日期 style: 2026年11月21日 (no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"


def is_workday(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        raise CalendarNotCovered(day) from None


def add_working_days(start: date, days: int) -> date:
    """The date that is ``days`` working days after ``start`` (``start`` not counted)."""
    if days < 0:
        raise ValueError("days must be >= 0")
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if is_workday(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days in (start, end]."""
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_workday(current):
            count += 1
    return count


def end_of_local_day(day: date) -> datetime:
    """23:59:59 Asia/Shanghai on ``day``, as an aware UTC datetime."""
    return local_to_utc(datetime.combine(day, time(23, 59, 59)))
