"""Every change of the entered holiday calendar. Nothing here commits; the view
commits once. Each change writes an audit event on the year (the rows of deleted
days are gone, the year's trail keeps what they were).
"""
from __future__ import annotations

import unicodedata
from collections import defaultdict
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from .errors import AppError, StateConflict
from ..extensions import db
from .audit import record_event, register_labels
from .calendar_models import SOURCE_MAX, CalendarDay, CalendarYear, CalendarYearState, DayKind
from .calendar_rules import CalendarInputError, DayEntry, check_year, parse_csv
from .timeutil import forget_working_calendar, utcnow
from .transitions import TransitionError, transition

register_labels(
    actions={
        "calendar_year_opened": _l("新增节假日安排年度"),
        "calendar_day_added": _l("录入节假日安排日期"),
        "calendar_day_removed": _l("删除节假日安排日期"),
        "calendar_imported": _l("导入节假日安排"),
    },
    entities={"calendar_years": _l("节假日安排")},
)


class CalendarError(AppError):
    """A refused calendar change; ``str(exc)`` is shown to the user (HTTP ``status``)."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message, [(field, message)] if field else None)
        self.field = field


class CalendarConflict(CalendarError, StateConflict):
    """The year or date is in the wrong state for this change (HTTP 409)."""

    status = 409


class CalendarImportRejected(CalendarError):
    """A CSV with bad rows: ``problems`` are (line number, message); nothing was saved."""

    def __init__(self, problems: list[tuple[int, str]]):
        super().__init__(_("导入失败：%(n)s 行有错误，未保存任何数据", n=len(problems)))
        self.problems = sorted(problems)


def _describe(day: date, kind: DayKind, name: str) -> dict:
    return {"day": day.isoformat(), "kind": kind.value, "name": name}


def _year_locked_message(year: int) -> str:
    return _("%(year)s 年的节假日安排已标记完成，不能修改；如需更正，请先撤销完成标记", year=year)


def find_year(year: int) -> CalendarYear | None:
    return db.session.execute(db.select(CalendarYear).where(CalendarYear.year == year)).scalar_one_or_none()


def open_year(year: int, *, actor) -> CalendarYear:
    """The year's record, created (as being entered) when it does not exist yet."""
    try:
        check_year(year)
    except CalendarInputError as exc:
        raise CalendarError(str(exc), field="day") from None
    row = find_year(year)
    if row is None:
        row = CalendarYear(year=year, state=CalendarYearState.DRAFT, source="", created_by_id=actor.id)
        db.session.add(row)
        db.session.flush()
        record_event(row, "calendar_year_opened", actor=actor, data={"year": year})
    return row


def _existing(day: date) -> CalendarDay | None:
    return db.session.execute(db.select(CalendarDay).where(CalendarDay.day == day)).scalar_one_or_none()


def _conflict_with(existing: CalendarDay) -> CalendarConflict:
    return CalendarConflict(
        _("%(day)s 已录入为“%(kind)s·%(name)s”；如需更改，请先删除该日期",
          day=existing.day.isoformat(), kind=existing.kind.label, name=existing.name), field="day")


def add_day(entry: DayEntry, *, actor) -> CalendarDay:
    year = open_year(entry.day.year, actor=actor)
    if year.is_complete:
        raise CalendarConflict(_year_locked_message(year.year))
    existing = _existing(entry.day)
    if existing is not None:
        raise _conflict_with(existing)
    row = CalendarDay(year_id=year.id, day=entry.day, kind=entry.kind, name=entry.name, entered_by_id=actor.id)
    db.session.add(row)
    try:
        db.session.flush()  # a concurrent double submission meets the unique index here
    except IntegrityError:  # the caller rolls back (the session is unusable until then)
        raise CalendarConflict(_("%(day)s 已被录入（可能是重复提交），请刷新页面查看", day=entry.day.isoformat()),
                               field="day") from None
    record_event(year, "calendar_day_added", actor=actor, data=_describe(entry.day, entry.kind, entry.name))
    forget_working_calendar()
    return row


def remove_day(row: CalendarDay, *, actor) -> None:
    year = row.calendar_year
    if year.is_complete:
        raise CalendarConflict(_year_locked_message(year.year))
    record_event(year, "calendar_day_removed", actor=actor, data=_describe(row.day, row.kind, row.name))
    db.session.delete(row)
    db.session.flush()
    forget_working_calendar()


def clean_source(raw: str | None) -> str:
    text = unicodedata.normalize("NFC", raw or "").strip()
    if not text:
        raise CalendarError(_("请填写依据（如 国务院办公厅关于2027年部分节假日安排的通知 及其文号）"), field="source")
    if any(unicodedata.category(ch)[0] == "C" for ch in text):
        raise CalendarError(_("依据中含有不可见的控制字符"), field="source")
    if len(text) > SOURCE_MAX:
        raise CalendarError(_("依据不能超过 %(n)s 个字符", n=SOURCE_MAX), field="source")
    return text


def complete_year(year: CalendarYear, *, actor, source: str) -> CalendarYear:
    """Mark the year's schedule complete: from now on working days of that year are
    counted with it (before the package)."""
    if year.is_complete:
        raise CalendarConflict(_("%(year)s 年的节假日安排已标记完成", year=year.year))
    source = clean_source(source)
    holidays = sum(1 for d in year.days if d.kind is DayKind.HOLIDAY)
    workdays = len(year.days) - holidays
    if holidays == 0:
        raise CalendarError(_("%(year)s 年尚未录入任何放假日期，不能标记为完成", year=year.year))
    try:
        transition(year, CalendarYearState.COMPLETE, actor,
                   data={"source": source, "holidays": holidays, "workdays": workdays})
    except TransitionError as exc:
        raise CalendarConflict(str(exc)) from None
    year.source = source
    year.completed_at = utcnow()
    year.completed_by_id = actor.id
    db.session.flush()
    forget_working_calendar()
    return year


def reopen_year(year: CalendarYear, *, actor, reason: str | None) -> CalendarYear:
    """Withdraw the complete mark to correct the year; until it is marked complete
    again, working days of that year fall back to the package or are refused."""
    if not year.is_complete:
        raise CalendarConflict(_("%(year)s 年的节假日安排尚未标记完成", year=year.year))
    if not (reason and reason.strip()):
        raise CalendarError(_("请填写撤销完成标记的理由"), field="reason")
    try:
        transition(year, CalendarYearState.DRAFT, actor, reason=reason.strip())
    except TransitionError as exc:  # pragma: no cover - the checks above cover the table
        raise CalendarConflict(str(exc)) from None
    year.completed_at = None
    year.completed_by_id = None
    db.session.flush()
    forget_working_calendar()
    return year


def import_csv(data: bytes, *, actor) -> dict[int, dict]:
    """Add every row of a ``date,kind,name`` CSV, or nothing: any bad row refuses the
    whole file with a per-row report. A row equal to an entered day is left as is (a
    file can be imported again after fixing it). Returns {year: {"added", "unchanged"}}."""
    try:
        rows, problems = parse_csv(data)
    except CalendarInputError as exc:
        raise CalendarImportRejected([(0, str(exc))]) from None
    years: dict[int, CalendarYear | None] = {}
    to_add: list[tuple[int, DayEntry]] = []
    summary: dict[int, dict] = defaultdict(lambda: {"added": [], "unchanged": 0})
    for line_no, entry in rows:
        year_no = entry.day.year
        if year_no not in years:
            years[year_no] = find_year(year_no)
        year = years[year_no]
        if year is not None and year.is_complete:
            problems.append((line_no, _year_locked_message(year_no)))
            continue
        existing = _existing(entry.day)
        if existing is None:
            to_add.append((line_no, entry))
        elif existing.kind is entry.kind and existing.name == entry.name:
            summary[year_no]["unchanged"] += 1
        else:
            problems.append((line_no, str(_conflict_with(existing))))
    if problems:
        raise CalendarImportRejected(problems)
    try:
        for _line, entry in to_add:
            year = open_year(entry.day.year, actor=actor)
            db.session.add(CalendarDay(year_id=year.id, day=entry.day, kind=entry.kind, name=entry.name,
                                       entered_by_id=actor.id))
            summary[entry.day.year]["added"].append(_describe(entry.day, entry.kind, entry.name))
        db.session.flush()
    except IntegrityError:  # a concurrent entry; the caller rolls back
        raise CalendarConflict(_("导入期间有日期已被他人录入，请刷新页面后重新导入")) from None
    for year_no, info in sorted(summary.items()):
        record_event(open_year(year_no, actor=actor), "calendar_imported", actor=actor,
                     data={"added": info["added"], "unchanged": info["unchanged"]})
    forget_working_calendar()
    return {y: {"added": len(i["added"]), "unchanged": i["unchanged"]} for y, i in summary.items()}
