"""The official holiday calendar entered by administrators (节假日安排).

Each year the State Council publishes its notice (国务院办公厅关于XXXX年部分节假日安排的
通知). An administrator enters its holidays and make-up working days (调休上班) as
:class:`CalendarDay` rows, then marks the year complete on its :class:`CalendarYear`
row. Only a complete year is used to count working days; for such a year it takes
precedence over the ``chinesecalendar`` package (see :mod:`app.core.timeutil`).
"""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .enums import EnumType, LabelledEnum
from .timeutil import register_entered_source, utcnow
from .transitions import TransitionTable
from .types import UTCDateTime

# Years an administrator may enter; a date outside is refused as input, not stored.
MIN_YEAR, MAX_YEAR = 2000, 2099
NAME_MAX = 32
SOURCE_MAX = 300


class DayKind(LabelledEnum):
    HOLIDAY = "holiday", _l("放假")
    WORKDAY = "workday", _l("调休上班")


class CalendarYearState(LabelledEnum):
    DRAFT = "draft", _l("录入中")
    COMPLETE = "complete", _l("已完成")


class CalendarYear(db.Model):
    """One year's schedule: being entered (draft) or complete (used for working days)."""

    __tablename__ = "calendar_years"
    __transitions__ = (
        TransitionTable(CalendarYearState)
        .add(CalendarYearState.DRAFT, CalendarYearState.COMPLETE, ["admin"])
        .add(CalendarYearState.COMPLETE, CalendarYearState.DRAFT, ["admin"], reason_required=True)
    )
    __table_args__ = (
        sa.CheckConstraint(f"year >= {MIN_YEAR} AND year <= {MAX_YEAR}", name="year_range"),
        sa.CheckConstraint(
            "(state = 'complete') = (completed_at IS NOT NULL AND completed_by_id IS NOT NULL)",
            name="complete_has_time",
        ),
        sa.CheckConstraint("state <> 'complete' OR length(source) > 0", name="complete_has_source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(sa.Integer, unique=True)
    state: Mapped[CalendarYearState] = mapped_column(
        EnumType(CalendarYearState, "calendar_year_state"), default=CalendarYearState.DRAFT, nullable=False
    )
    # The notice the days come from (title and 文号), or a note on where they came from.
    source: Mapped[str] = mapped_column(sa.String(SOURCE_MAX), default="", nullable=False)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    completed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    completed_at = mapped_column(UTCDateTime, nullable=True)

    created_by = db.relationship("User", foreign_keys=[created_by_id])
    completed_by = db.relationship("User", foreign_keys=[completed_by_id])

    @property
    def is_complete(self) -> bool:
        return self.state is CalendarYearState.COMPLETE


class CalendarDay(db.Model):
    """One date of the official schedule: a day off (放假) or a make-up working day."""

    __tablename__ = "calendar_days"
    __table_args__ = (
        sa.CheckConstraint("length(name) > 0", name="has_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(sa.ForeignKey("calendar_years.id", ondelete="RESTRICT"), index=True)
    day = mapped_column(sa.Date, unique=True, nullable=False)
    kind: Mapped[DayKind] = mapped_column(EnumType(DayKind, "calendar_day_kind"), nullable=False)
    name: Mapped[str] = mapped_column(sa.String(NAME_MAX))
    entered_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    entered_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    calendar_year = db.relationship("CalendarYear", backref=db.backref("days", order_by="CalendarDay.day"))
    entered_by = db.relationship("User", foreign_keys=[entered_by_id])


def _entered_schedule(year: int):
    """(holidays, workdays) of ``year`` when its entered schedule is complete, else None."""
    year_id = db.session.execute(
        db.select(CalendarYear.id).where(CalendarYear.year == year,
                                         CalendarYear.state == CalendarYearState.COMPLETE)
    ).scalar_one_or_none()
    if year_id is None:
        return None
    rows = db.session.execute(
        db.select(CalendarDay.day, CalendarDay.kind).where(CalendarDay.year_id == year_id)).all()
    return ([d for d, kind in rows if kind is DayKind.HOLIDAY],
            [d for d, kind in rows if kind is DayKind.WORKDAY])


register_entered_source(_entered_schedule)
