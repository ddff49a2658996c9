"""Time helpers: store UTC, show and judge in Asia/Shanghai, count working days.

Working days follow the official State Council holiday and make-up-workday
calendar. For a year an administrator has entered and marked complete at
节假日安排 (``/admin/calendar``, tables ``calendar_years`` / ``calendar_days``) the
entered schedule is used; otherwise the maintained ``chinesecalendar`` package,
which covers the years it has published data for. A year covered by neither is
refused with :class:`CalendarNotCovered` naming the year -- never guessed.

Counting loads each year once (two small queries) per call, and once per request
inside a request; the calendar operations clear the request's copy when they
change a year.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import chinese_calendar
from flask import g, has_app_context, has_request_context
from flask_babel import gettext as _

from .errors import StateConflict

SHANGHAI = ZoneInfo("Asia/Shanghai")

# The years the installed chinesecalendar package has official data for.
PACKAGE_FIRST_YEAR = min(chinese_calendar.holidays).year
PACKAGE_LAST_YEAR = max(chinese_calendar.holidays).year


class CalendarNotCovered(StateConflict, ValueError):
    """Neither an entered (complete) schedule nor the package covers this year.

    ``status`` 409: the request is valid but the system is not ready to answer it
    until an administrator enters the year (maps onto the core StateConflict)."""

    status = 409

    def __init__(self, day: date):
        self.day = day
        self.year = day.year
        super().__init__(_(
            "%(year)s 年的法定节假日安排尚未录入，无法计算工作日（请管理员在“节假日安排”中录入）",
            year=day.year))


def package_covers(year: int) -> bool:
    return PACKAGE_FIRST_YEAR <= year <= PACKAGE_LAST_YEAR


@dataclass(frozen=True)
class YearRules:
    """One year's official schedule: the days off and the make-up working days."""

    year: int
    origin: str  # "entered" (administrator, complete) or "package" (chinesecalendar)
    holidays: frozenset
    workdays: frozenset

    def is_workday(self, day: date) -> bool:
        return day in self.workdays or (day.weekday() < 5 and day not in self.holidays)


def _package_rules(year: int) -> YearRules:
    return YearRules(
        year, "package",
        frozenset(d for d in chinese_calendar.holidays if d.year == year),
        frozenset(d for d in chinese_calendar.workdays if d.year == year),
    )


# The admin-entered schedules live in the database (core.calendar_models registers the
# reader at import), so this low-level module imports no models.
_entered_source = None


def register_entered_source(fn) -> None:
    """``fn(year) -> (holidays, workdays) | None``: a year's complete entered schedule."""
    global _entered_source
    _entered_source = fn


def _entered_rules(year: int) -> YearRules | None:
    """The year's complete entered schedule, or None (none, still being entered, or no
    database at hand outside an application context)."""
    if not has_app_context() or _entered_source is None:
        return None
    found = _entered_source(year)
    if found is None:
        return None
    holidays, workdays = found
    return YearRules(year, "entered", frozenset(holidays), frozenset(workdays))


def year_rules(year: int) -> YearRules | None:
    """Entered data first, then the package; None when neither covers ``year``."""
    entered = _entered_rules(year)
    if entered is not None:
        return entered
    return _package_rules(year) if package_covers(year) else None


class WorkingCalendar:
    """Answers "is this a working day?" for many dates, loading each year once."""

    def __init__(self):
        self._years: dict[int, YearRules] = {}

    def rules(self, day: date) -> YearRules:
        rules = self._years.get(day.year)
        if rules is None:
            rules = year_rules(day.year)
            if rules is None:
                raise CalendarNotCovered(day)
            self._years[day.year] = rules
        return rules

    def is_workday(self, day: date) -> bool:
        if isinstance(day, datetime):
            day = day.date()
        return self.rules(day).is_workday(day)


_REQUEST_KEY = "_working_calendar"


def working_calendar() -> WorkingCalendar:
    """The request's calendar (years loaded once per request), or a fresh one."""
    if not has_request_context():
        return WorkingCalendar()
    calendar = g.get(_REQUEST_KEY)
    if calendar is None:
        calendar = WorkingCalendar()
        setattr(g, _REQUEST_KEY, calendar)
    return calendar


def forget_working_calendar() -> None:
    """Drop the request's loaded years (called when the entered calendar changes)."""
    if has_request_context():
        g.pop(_REQUEST_KEY, None)


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
    return working_calendar().is_workday(day)


def add_working_days(start: date, days: int) -> date:
    """The date that is ``days`` working days after ``start`` (``start`` not counted)."""
    if days < 0:
        raise ValueError("days must be >= 0")
    calendar = working_calendar()
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if calendar.is_workday(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days in (start, end]."""
    calendar = working_calendar()
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if calendar.is_workday(current):
            count += 1
    return count


def end_of_local_day(day: date) -> datetime:
    """23:59:59 Asia/Shanghai on ``day``, as an aware UTC datetime."""
    return local_to_utc(datetime.combine(day, time(23, 59, 59)))
