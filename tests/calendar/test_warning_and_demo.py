"""The admin home page warns from 1 November when next year's schedule is missing;
the demo seed enters 2027 so the demo counts working days into 2027."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from app.core import calendar_operations as ops
from app.core.calendar_demo import DEMO_DAYS, DEMO_SOURCE, seed_calendar
from app.core.calendar_models import CalendarYear, DayKind
from app.core.calendar_rules import DayEntry
from app.core.timeutil import SHANGHAI, add_working_days, frozen_time, is_workday
from app.extensions import db


def _at(y, m, d, hh=9, mm=0) -> datetime:
    """A Shanghai wall-clock moment, as the aware UTC the clock returns."""
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI).astimezone(timezone.utc)


def _dashboard(browser, moment) -> str:
    with frozen_time(moment):
        response = browser.get("/dashboard")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.fixture
def admin(login_as):
    return login_as("admin")


def test_warning_starts_on_1_november_shanghai_time(admin):
    # The warning follows the Shanghai date (31 Oct 23:59 there is 15:59 UTC).
    assert 'id="calendar-warning"' not in _dashboard(admin, _at(2026, 10, 31, 23, 59))
    html = _dashboard(admin, _at(2026, 11, 1, 0, 1))
    assert 'id="calendar-warning"' in html
    assert "2027 年的法定节假日安排尚未录入" in html
    assert 'href="/admin/calendar/2027"' in html
    assert 'id="calendar-warning"' in _dashboard(admin, _at(2026, 12, 31, 23, 59))


def test_warning_goes_once_the_year_is_complete_not_before(admin):
    moment = _at(2026, 12, 2)
    admin.post("/admin/calendar/2027/days", {"day": "2027-01-01", "kind": "holiday", "name": "元旦"})
    html = _dashboard(admin, moment)
    assert 'id="calendar-warning"' in html and "尚未标记完成" in html
    admin.post("/admin/calendar/2027/complete", {"source": "国办发明电〔2026〕1号"})
    assert 'id="calendar-warning"' not in _dashboard(admin, moment)


def test_no_warning_when_the_package_covers_next_year(admin):
    assert 'id="calendar-warning"' not in _dashboard(admin, _at(2025, 11, 15))


def test_current_year_missing_is_warned_all_year(admin):
    html = _dashboard(admin, _at(2028, 3, 1))
    assert "本年度（2028 年）的法定节假日安排尚未录入" in html
    assert 'href="/admin/calendar/2028"' in html


def test_only_admins_see_the_warning(login_as):
    for role in ("bureau", "finance", "expert", "applicant"):
        assert 'id="calendar-warning"' not in _dashboard(login_as(role), _at(2026, 12, 2))


def test_dashboard_get_writes_nothing(admin):
    _dashboard(admin, _at(2026, 12, 2))
    db.session.expire_all()
    assert CalendarYear.query.count() == 0


def test_demo_seed_enters_2027_and_is_idempotent(make):
    make.user(role="admin", email="admin@jiebang.demo")
    lines = []
    seed_calendar({}, lines.append)
    db.session.commit()
    year = ops.find_year(2027)
    assert year.is_complete and year.source == DEMO_SOURCE and "须按国务院办公厅" in year.source
    assert len(year.days) == len(DEMO_DAYS) == 13
    assert all(d.kind is DayKind.HOLIDAY for d in year.days)  # no invented make-up days
    seed_calendar({}, lines.append)
    assert "未改动" in lines[-1]
    # The demo counts a 7-working-day publicity window into 2027.
    assert add_working_days(date(2026, 12, 28), 7) == date(2027, 1, 7)
    assert not is_workday(date(2027, 2, 8)) and is_workday(date(2027, 2, 9))


def test_demo_lunar_dates_agree_with_the_package_years_it_can_check():
    # The rule behind the demo days (statutory days only) applied to 2026, which the
    # package covers: every statutory day is a package holiday too.
    statutory_2026 = [date(2026, 1, 1), date(2026, 2, 16), date(2026, 2, 17), date(2026, 2, 18),
                      date(2026, 2, 19), date(2026, 4, 5), date(2026, 5, 1), date(2026, 5, 2),
                      date(2026, 6, 19), date(2026, 9, 25), date(2026, 10, 1), date(2026, 10, 2),
                      date(2026, 10, 3)]
    assert not any(is_workday(d) for d in statutory_2026)
    # 2027 days are one lunar year on: Spring Festival eve is the day before 正月初一.
    spring = [d for d, name in DEMO_DAYS if name == "春节"]
    assert spring == [date(2027, 2, 5) + timedelta(days=i) for i in range(4)]


def test_operations_refuse_out_of_range_years(make):
    admin = make.user(role="admin")
    with pytest.raises(ops.CalendarError):
        ops.open_year(1999, actor=admin)
    ops.add_day(DayEntry(date(2027, 1, 1), DayKind.HOLIDAY, "元旦"), actor=admin)
    with pytest.raises(ops.CalendarConflict) as info:
        ops.add_day(DayEntry(date(2027, 1, 1), DayKind.HOLIDAY, "新年"), actor=admin)
    assert info.value.status == 409 and info.value.field == "day"
