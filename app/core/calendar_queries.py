"""Read-only questions about the holiday calendar: which years are covered, and by
what (for the admin page and the admin home page warning)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from ..extensions import db
from .calendar_models import CalendarDay, CalendarYear, DayKind
from .timeutil import local_today, package_covers

# From this month on the admin home page warns when next year is not covered.
WARN_FROM_MONTH = 11


@dataclass(frozen=True)
class YearStatus:
    year: int
    row: CalendarYear | None
    holidays: int = 0
    workdays: int = 0

    @property
    def package(self) -> bool:
        return package_covers(self.year)

    @property
    def is_entered(self) -> bool:
        return self.row is not None and self.row.is_complete

    @property
    def is_draft(self) -> bool:
        return self.row is not None and not self.row.is_complete

    @property
    def used(self) -> str:
        """What working-day counts of this year use: "entered", "package" or "missing"."""
        if self.is_entered:
            return "entered"
        return "package" if self.package else "missing"


def _counts() -> dict[int, dict[DayKind, int]]:
    rows = db.session.execute(
        sa.select(CalendarDay.year_id, CalendarDay.kind, sa.func.count()).group_by(CalendarDay.year_id, CalendarDay.kind)
    ).all()
    counts: dict[int, dict[DayKind, int]] = {}
    for year_id, kind, n in rows:
        counts.setdefault(year_id, {})[kind] = n
    return counts


def year_status(year: int) -> YearStatus:
    row = db.session.execute(sa.select(CalendarYear).where(CalendarYear.year == year)).scalar_one_or_none()
    counts = _counts().get(row.id, {}) if row is not None else {}
    return YearStatus(year, row, counts.get(DayKind.HOLIDAY, 0), counts.get(DayKind.WORKDAY, 0))


def overview(today: date | None = None) -> list[YearStatus]:
    """Every entered year, plus this year and the next two, newest first."""
    today = today or local_today()
    rows = {r.year: r for r in db.session.execute(sa.select(CalendarYear)).scalars()}
    counts = _counts()
    years = set(rows) | {today.year, today.year + 1, today.year + 2}
    result = []
    for year in sorted(years, reverse=True):
        row = rows.get(year)
        c = counts.get(row.id, {}) if row is not None else {}
        result.append(YearStatus(year, row, c.get(DayKind.HOLIDAY, 0), c.get(DayKind.WORKDAY, 0)))
    return result


def missing_schedules(today: date | None = None) -> list[YearStatus]:
    """Years an administrator must enter now: this year when nothing covers it, and
    from 1 November next year when nothing covers it."""
    today = today or local_today()
    years = [today.year] + ([today.year + 1] if today.month >= WARN_FROM_MONTH else [])
    return [s for s in (year_status(y) for y in years) if s.used == "missing"]
