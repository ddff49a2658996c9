"""Working days past the package: an entered, complete year is used (and beats the
package), an uncovered year is refused naming it, each year is loaded once."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event

from app.core import calendar_operations as ops
from app.core.calendar_models import DayKind
from app.core.calendar_rules import DayEntry
from app.core.timeutil import (
    PACKAGE_LAST_YEAR,
    CalendarNotCovered,
    add_working_days,
    is_workday,
    package_covers,
    working_days_between,
)
from app.extensions import db


def enter_year(admin, days, *, year=None, complete=True, source="国务院办公厅关于2027年部分节假日安排的通知（测试）"):
    """Enter ``days`` [(date, kind, name)] and optionally mark their year complete."""
    for day, kind, name in days:
        ops.add_day(DayEntry(day, DayKind(kind), name), actor=admin)
    year = year or days[0][0].year
    if complete:
        ops.complete_year(ops.find_year(year), actor=admin, source=source)
    db.session.commit()


# A test schedule for 2027: 元旦 on Friday 1 January, and -- hypothetically, for the
# test only -- Sunday 3 January as a make-up working day.
NEW_YEAR_2027 = [(date(2027, 1, 1), "holiday", "元旦"), (date(2027, 1, 3), "workday", "元旦")]


@pytest.fixture
def admin(make):
    return make.user(role="admin")


def test_package_ends_with_2026_so_2027_needs_entering():
    assert PACKAGE_LAST_YEAR == 2026
    assert package_covers(2026) and not package_covers(2027)


def test_seven_working_days_from_late_december_2026_into_january_2027(admin):
    enter_year(admin, NEW_YEAR_2027)
    # Thu 24 Dec: 25, 28, 29, 30, 31 Dec (5; 2026 from the package), Fri 1 Jan off,
    # Sat 2 Jan off, Sun 3 Jan make-up working day (6), Mon 4 Jan (7).
    assert add_working_days(date(2026, 12, 24), 7) == date(2027, 1, 4)
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 3)
    assert working_days_between(date(2026, 12, 24), date(2027, 1, 4)) == 7
    assert is_workday(date(2027, 1, 1)) is False
    assert is_workday(date(2027, 1, 2)) is False   # ordinary Saturday
    assert is_workday(date(2027, 1, 3)) is True    # entered make-up Sunday
    assert is_workday(date(2027, 1, 4)) is True


def test_without_the_make_up_day_the_window_ends_a_day_later(admin):
    enter_year(admin, NEW_YEAR_2027[:1])
    assert add_working_days(date(2026, 12, 24), 7) == date(2027, 1, 5)


def test_an_unentered_year_is_refused_naming_the_year(admin):
    enter_year(admin, NEW_YEAR_2027)
    with pytest.raises(CalendarNotCovered) as info:
        add_working_days(date(2027, 12, 20), 10)
    assert info.value.year == 2028
    assert str(info.value) == "2028 年的法定节假日安排尚未录入，无法计算工作日（请管理员在“节假日安排”中录入）"
    with pytest.raises(CalendarNotCovered, match="2028 年"):
        is_workday(date(2028, 3, 1))
    with pytest.raises(CalendarNotCovered, match="2028 年"):
        working_days_between(date(2027, 12, 30), date(2028, 1, 3))


def test_a_year_still_being_entered_is_not_used(admin):
    enter_year(admin, NEW_YEAR_2027, complete=False)
    with pytest.raises(CalendarNotCovered, match="2027 年"):
        add_working_days(date(2026, 12, 24), 7)
    # A year withdrawn for correction is refused again until it is complete once more.
    ops.complete_year(ops.find_year(2027), actor=admin, source="通知")
    db.session.commit()
    assert add_working_days(date(2026, 12, 24), 7) == date(2027, 1, 4)
    ops.reopen_year(ops.find_year(2027), actor=admin, reason="国务院发布补充通知")
    db.session.commit()
    with pytest.raises(CalendarNotCovered, match="2027 年"):
        is_workday(date(2027, 1, 4))


def test_entered_data_takes_precedence_over_the_package(admin):
    # The package: 1 Oct 2026 off, Thu 8 Oct working, Sat 10 Oct make-up working day.
    assert (is_workday(date(2026, 10, 1)), is_workday(date(2026, 10, 8)), is_workday(date(2026, 10, 10))) == \
        (False, True, True)
    # An entered, complete 2026 is the whole truth for that year, not a patch on the package.
    enter_year(admin, [(date(2026, 10, 8), "holiday", "测试假日")], source="测试：覆盖软件包")
    assert is_workday(date(2026, 10, 8)) is False
    assert is_workday(date(2026, 10, 1)) is True     # not entered: an ordinary Thursday
    assert is_workday(date(2026, 10, 10)) is False   # not entered: an ordinary Saturday
    # Other years still come from the package.
    assert is_workday(date(2025, 10, 1)) is False


def test_each_year_is_loaded_once_per_call(app, admin):
    enter_year(admin, NEW_YEAR_2027)
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        # 2026 (package: one query finds no entered year) and 2027 (two queries), for
        # a count spanning ~250 days.
        assert add_working_days(date(2026, 12, 1), 200) > date(2027, 9, 1)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) <= 3, statements


def test_within_a_request_years_are_loaded_once(app, admin):
    enter_year(admin, NEW_YEAR_2027)
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    with app.test_request_context("/"):
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            add_working_days(date(2027, 1, 1), 10)
            first = len(statements)
            add_working_days(date(2027, 2, 1), 10)
            is_workday(date(2027, 3, 1))
            assert len(statements) == first  # the request's copy of 2027
            # A change in the same request clears that copy.
            ops.reopen_year(ops.find_year(2027), actor=admin, reason="更正")
            with pytest.raises(CalendarNotCovered):
                is_workday(date(2027, 3, 1))
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
            db.session.rollback()


def test_counting_still_refuses_negative_days(admin):
    with pytest.raises(ValueError):
        add_working_days(date(2026, 10, 8), -1)
