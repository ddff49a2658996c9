"""UTC storage, Asia/Shanghai display, working days with the official calendar."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.exc import StatementError

from app.core.audit import append_event
from app.core.models import AuditEvent
from app.notifications.models import Notification
from app.core.timeutil import (
    CalendarNotCovered,
    add_working_days,
    chinese_date,
    end_of_local_day,
    frozen_time,
    format_local,
    is_workday,
    local_to_utc,
    to_local,
    working_days_between,
)
from app.extensions import db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _event(created_at=None):
    if created_at is None:
        event = append_event("t", 1, "note")
    else:
        with frozen_time(created_at.astimezone(timezone.utc)):
            event = append_event("t", 1, "note")
    db.session.commit()
    return event.id


def test_utc_datetime_round_trip_through_the_database():
    local = datetime(2026, 11, 22, 0, 30, tzinfo=SHANGHAI)
    event_id = _event(created_at=local)
    db.session.remove()
    loaded = db.session.get(AuditEvent, event_id)
    assert loaded.created_at == local
    assert loaded.created_at.tzinfo == timezone.utc
    assert loaded.created_at == datetime(2026, 11, 21, 16, 30, tzinfo=timezone.utc)
    raw = db.session.execute(text("SELECT created_at FROM audit_events WHERE id = :i"), {"i": event_id}).scalar()
    if isinstance(raw, str):  # SQLite returns text
        raw = datetime.fromisoformat(raw)
    assert raw.replace(tzinfo=None) == datetime(2026, 11, 21, 16, 30)  # stored as UTC wall time


def test_naive_datetime_is_refused_by_the_column():
    db.session.add(Notification(user_id=1, kind="k", category="c", title="t", body="b",
                                created_at=datetime(2026, 1, 1)))
    with pytest.raises(StatementError, match="naive datetime"):
        db.session.flush()
    db.session.rollback()
    assert Notification.query.count() == 0


def test_default_created_at_is_aware_utc_now():
    event_id = _event()
    db.session.remove()
    created = db.session.get(AuditEvent, event_id).created_at
    assert created.tzinfo == timezone.utc
    assert abs((datetime.now(timezone.utc) - created).total_seconds()) < 60


def test_display_in_shanghai_with_zone():
    value = datetime(2026, 11, 21, 16, 5, tzinfo=timezone.utc)
    assert format_local(value) == "2026-11-22 00:05（北京时间 UTC+8）"
    assert format_local(value, with_zone=False) == "2026-11-22 00:05"
    assert format_local(None) == ""
    assert to_local(value).utcoffset().total_seconds() == 8 * 3600


def test_naive_values_are_not_displayed_silently():
    with pytest.raises(ValueError):
        format_local(datetime(2026, 1, 1))


def test_local_to_utc_and_end_of_day():
    assert local_to_utc(datetime(2026, 10, 8, 9, 0)) == datetime(2026, 10, 8, 1, 0, tzinfo=timezone.utc)
    assert end_of_local_day(date(2026, 10, 8)) == datetime(2026, 10, 8, 15, 59, 59, tzinfo=timezone.utc)


def test_chinese_date_has_no_leading_zeros():
    assert chinese_date(date(2026, 1, 5)) == "2026年1月5日"
    assert chinese_date(date(2026, 11, 21)) == "2026年11月21日"


# 2026 National Day: 1-7 October off; Sunday 20 September and Saturday 10 October are
# make-up workdays (调休上班). Mid-autumn: 25-27 September off.
@pytest.mark.parametrize("day, workday", [
    (date(2026, 9, 20), True),    # Sunday, make-up workday
    (date(2026, 9, 25), False),   # Friday, Mid-autumn
    (date(2026, 10, 1), False),
    (date(2026, 10, 5), False),   # Monday inside the holiday
    (date(2026, 10, 8), True),
    (date(2026, 10, 10), True),   # Saturday, make-up workday
    (date(2026, 10, 11), False),  # ordinary Sunday
])
def test_official_calendar(day, workday):
    assert is_workday(day) is workday


def test_working_days_across_national_day_2026():
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)  # make-up Saturday counts
    assert add_working_days(date(2026, 9, 30), 4) == date(2026, 10, 12)
    # A 7-working-day publicity window starting the day before the holiday (rule 14).
    assert add_working_days(date(2026, 9, 29), 7) == date(2026, 10, 14)
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 11)) == 3
    assert add_working_days(date(2026, 9, 19), 1) == date(2026, 9, 20)  # make-up Sunday
    assert add_working_days(date(2026, 10, 8), 0) == date(2026, 10, 8)


def test_negative_working_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 10, 8), -1)


def test_dates_the_calendar_does_not_cover_raise_a_clear_error():
    with pytest.raises(CalendarNotCovered) as info:
        add_working_days(date(2026, 12, 29), 5)
    assert info.value.day.year == 2027
    message = str(info.value)
    assert message == "2027 年的法定节假日安排尚未录入，无法计算工作日（请管理员在“节假日安排”中录入）"
    assert info.value.status == 409
    with pytest.raises(CalendarNotCovered):
        working_days_between(date(2026, 12, 30), date(2027, 1, 5))
