"""The 节假日安排 admin pages: entering days, marking a year complete, withdrawing the
mark, refusals with Chinese messages and the right status, audit events."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy.exc import IntegrityError

from app.core.audit import action_label
from app.core.calendar_models import CalendarDay, CalendarYear, CalendarYearState, DayKind
from app.core.models import AuditEvent
from app.core.timeutil import add_working_days, frozen_time
from app.extensions import db


def _days() -> list[tuple[date, str, str]]:
    db.session.expire_all()
    return [(d.day, d.kind.value, d.name) for d in CalendarDay.query.order_by(CalendarDay.day)]


def _year(year: int) -> CalendarYear | None:
    db.session.expire_all()
    return CalendarYear.query.filter_by(year=year).first()


def _events(action: str | None = None) -> list[AuditEvent]:
    db.session.expire_all()
    query = AuditEvent.query.filter_by(entity_type="calendar_years")
    if action:
        query = query.filter_by(action=action)
    return query.order_by(AuditEvent.id).all()


@pytest.fixture
def admin(login_as):
    return login_as("admin")


def test_admin_lists_years_and_opens_one(admin):
    with frozen_time(datetime(2026, 12, 2, 4, 0, tzinfo=timezone.utc)):
        html = admin.get("/admin/calendar").get_data(as_text=True)
    assert "节假日安排" in html
    assert 'id="year-2026"' in html and 'id="year-2027"' in html and 'id="year-2028"' in html
    assert "软件包内置数据" in html and "未录入，无法计算" in html
    response = admin.get("/admin/calendar?year=2030")
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/calendar/2030")
    for bad in ("1e999999", "NaN", "Infinity", "-1", "２０２７", "1999", "2100", "2027\x00"):
        assert admin.get("/admin/calendar", query_string={"year": bad}).status_code == 400, bad
    # GET never writes: opening a year page creates nothing.
    assert admin.get("/admin/calendar/2031").status_code == 200
    assert _year(2031) is None and _events() == []


def test_enter_a_day_then_remove_it_audited(admin):
    response = admin.post("/admin/calendar/2027/days", {"day": "2027-01-01", "kind": "holiday", "name": "元旦"})
    assert response.status_code == 302
    assert _days() == [(date(2027, 1, 1), "holiday", "元旦")]
    row = CalendarDay.query.one()
    assert row.entered_by_id == admin.user.id and row.entered_at is not None
    page = admin.get("/admin/calendar/2027").get_data(as_text=True)
    assert "元旦" in page and "周五" in page and admin.user.name in page
    assert [e.action for e in _events()] == ["calendar_year_opened", "calendar_day_added"]
    added = _events("calendar_day_added")[0]
    assert added.actor_id == admin.user.id
    assert added.data == {"day": "2027-01-01", "kind": "holiday", "name": "元旦"}

    response = admin.post(f"/admin/calendar/2027/days/{row.id}/delete", {})
    assert response.status_code == 302
    assert _days() == []
    removed = _events("calendar_day_removed")[0]
    assert removed.data == {"day": "2027-01-01", "kind": "holiday", "name": "元旦"}
    assert action_label("calendar_day_removed") == "删除节假日安排日期"
    audit = admin.get("/admin/audit").get_data(as_text=True)
    assert "录入节假日安排日期" in audit and "删除节假日安排日期" in audit and "节假日安排" in audit


@pytest.mark.parametrize("form, message", [
    ({"day": "2027-02-30", "kind": "holiday", "name": "春节"}, "不存在"),
    ({"day": "1e999999", "kind": "holiday", "name": "春节"}, "格式不正确"),
    ({"day": "NaN", "kind": "holiday", "name": "春节"}, "格式不正确"),
    ({"day": "Infinity", "kind": "holiday", "name": "春节"}, "格式不正确"),
    ({"day": "2027-01-01\x00", "kind": "holiday", "name": "元旦"}, "格式不正确"),
    ({"day": "2027-01-01", "kind": "holiday", "name": "元\x00旦"}, "空字符（NUL）"),
    ({"day": "2027-01-01", "kind": "holiday", "name": "元" * 33}, "不能超过 32 个字符"),
    ({"day": "2027-01-01", "kind": "holiday", "name": ""}, "请填写节日名称"),
    ({"day": "2027-01-01", "kind": "rest", "name": "元旦"}, "类型无效"),
    ({"day": "2028-01-01", "kind": "holiday", "name": "元旦"}, "不属于 2027 年"),
    ({"day": "2027-01-04", "kind": "workday", "name": "元旦"}, "调休上班日应为周六或周日"),
    ({"day": "x" * 100_000, "kind": "holiday", "name": "元旦"}, "格式不正确"),
])
def test_bad_day_input_is_refused_and_nothing_changes(admin, form, message):
    response = admin.post("/admin/calendar/2027/days", form)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _days() == [] and _year(2027) is None and _events() == []


def test_out_of_range_year_is_404(admin):
    assert admin.post("/admin/calendar/1999/days", {"day": "1999-01-01", "kind": "holiday", "name": "元旦"}).status_code == 404
    assert admin.get("/admin/calendar/2100").status_code == 404


def test_double_submission_of_a_day_is_a_conflict(admin):
    form = {"day": "2027-01-01", "kind": "holiday", "name": "元旦"}
    assert admin.post("/admin/calendar/2027/days", form).status_code == 302
    response = admin.post("/admin/calendar/2027/days", {**form, "name": "新年"})
    assert response.status_code == 409
    assert "2027-01-01 已录入为“放假·元旦”" in response.get_data(as_text=True)
    assert _days() == [(date(2027, 1, 1), "holiday", "元旦")]


def test_mark_complete_needs_a_source_and_a_holiday(admin):
    response = admin.post("/admin/calendar/2027/complete", {"source": "国办发明电〔2026〕1号"})
    assert response.status_code == 400 and "尚未录入任何放假日期" in response.get_data(as_text=True)
    admin.post("/admin/calendar/2027/days", {"day": "2027-01-03", "kind": "workday", "name": "元旦"})
    response = admin.post("/admin/calendar/2027/complete", {"source": "国办发明电〔2026〕1号"})
    assert response.status_code == 400 and "尚未录入任何放假日期" in response.get_data(as_text=True)
    admin.post("/admin/calendar/2027/days", {"day": "2027-01-01", "kind": "holiday", "name": "元旦"})
    response = admin.post("/admin/calendar/2027/complete", {"source": ""})
    assert response.status_code == 400 and "请填写依据" in response.get_data(as_text=True)
    response = admin.post("/admin/calendar/2027/complete", {"source": "通知" * 151})
    assert response.status_code == 400 and "不能超过 300 个字符" in response.get_data(as_text=True)
    assert _year(2027).state is CalendarYearState.DRAFT

    response = admin.post("/admin/calendar/2027/complete", {"source": "国办发明电〔2026〕1号"})
    assert response.status_code == 302
    year = _year(2027)
    assert year.is_complete and year.source == "国办发明电〔2026〕1号"
    assert year.completed_by_id == admin.user.id and year.completed_at is not None
    event = _events("transition")[-1]
    assert (event.from_state, event.to_state) == ("draft", "complete")
    assert event.data == {"holidays": 1, "workdays": 1, "source": "国办发明电〔2026〕1号"}
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 3)
    # Marked twice (a double click): a conflict, nothing changes.
    assert admin.post("/admin/calendar/2027/complete", {"source": "另一个"}).status_code == 409
    assert _year(2027).source == "国办发明电〔2026〕1号"


def test_a_complete_year_cannot_change_until_reopened_with_a_reason(admin):
    admin.post("/admin/calendar/2027/days", {"day": "2027-01-01", "kind": "holiday", "name": "元旦"})
    admin.post("/admin/calendar/2027/complete", {"source": "国办发明电〔2026〕1号"})
    day_id = CalendarDay.query.one().id

    response = admin.post("/admin/calendar/2027/days", {"day": "2027-02-05", "kind": "holiday", "name": "春节"})
    assert response.status_code == 409 and "已标记完成，不能修改" in response.get_data(as_text=True)
    assert admin.post(f"/admin/calendar/2027/days/{day_id}/delete", {}).status_code == 409
    assert len(_days()) == 1

    response = admin.post("/admin/calendar/2027/reopen", {"reason": "   "})
    assert response.status_code == 400 and "请填写撤销完成标记的理由" in response.get_data(as_text=True)
    assert _year(2027).is_complete

    assert admin.post("/admin/calendar/2027/reopen", {"reason": "国务院发布补充通知"}).status_code == 302
    year = _year(2027)
    assert not year.is_complete and year.completed_at is None and year.completed_by_id is None
    event = _events("transition")[-1]
    assert (event.from_state, event.to_state, event.reason) == ("complete", "draft", "国务院发布补充通知")
    assert admin.post("/admin/calendar/2027/reopen", {"reason": "再次"}).status_code == 409
    assert admin.post(f"/admin/calendar/2027/days/{day_id}/delete", {}).status_code == 302


def test_day_of_another_year_cannot_be_removed_through_this_year(admin):
    admin.post("/admin/calendar/2027/days", {"day": "2027-01-01", "kind": "holiday", "name": "元旦"})
    day_id = CalendarDay.query.one().id
    assert admin.post(f"/admin/calendar/2028/days/{day_id}/delete", {}).status_code == 404
    assert admin.post("/admin/calendar/2027/days/99999999999999999999/delete", {}).status_code == 404
    assert admin.post("/admin/calendar/2027/days/424242/delete", {}).status_code == 404
    assert len(_days()) == 1


def test_other_roles_cannot_change_the_calendar(login_as):
    for role in ("bureau", "finance", "expert", "applicant"):
        browser = login_as(role)
        response = browser.post("/admin/calendar/2027/days", {"day": "2027-01-01", "kind": "holiday", "name": "元旦"})
        assert response.status_code == 403
    assert _days() == []


def test_year_page_in_english(admin):
    admin.post("/admin/calendar/2027/days", {"day": "2027-01-01", "kind": "holiday", "name": "元旦"})
    admin.client.get("/lang/en")
    html = admin.get("/admin/calendar/2027").get_data(as_text=True)
    assert "Holiday schedule 2027" in html and "Day off" in html
    assert "元旦" in html  # data stays as entered
    assert "节假日安排" not in html


def test_db_refuses_a_complete_year_without_completion_fields(app, make):
    user = make.user(role="admin")
    db.session.add(CalendarYear(year=2027, state=CalendarYearState.COMPLETE, source="x", created_by_id=user.id))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add(CalendarYear(year=1999, state=CalendarYearState.DRAFT, source="", created_by_id=user.id))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    year = CalendarYear(year=2027, state=CalendarYearState.DRAFT, source="", created_by_id=user.id)
    db.session.add(year)
    db.session.commit()
    db.session.add(CalendarDay(year_id=year.id, day=date(2027, 1, 1), kind=DayKind.HOLIDAY, name="", entered_by_id=user.id))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_concurrent_duplicate_meets_the_unique_index_and_is_a_409(admin, monkeypatch):
    from app.core import calendar_operations as ops

    admin.post("/admin/calendar/2027/days", {"day": "2027-01-01", "kind": "holiday", "name": "元旦"})
    # As if another request inserted the day between our check and our insert.
    monkeypatch.setattr(ops, "_existing", lambda day: None)
    response = admin.post("/admin/calendar/2027/days", {"day": "2027-01-01", "kind": "holiday", "name": "元旦"})
    assert response.status_code == 409
    assert "可能是重复提交" in response.get_data(as_text=True)
    assert _days() == [(date(2027, 1, 1), "holiday", "元旦")]
    assert len(_events("calendar_day_added")) == 1


def test_source_with_control_characters_is_refused(admin):
    admin.post("/admin/calendar/2027/days", {"day": "2027-01-01", "kind": "holiday", "name": "元旦"})
    response = admin.post("/admin/calendar/2027/complete", {"source": "国办发明电\x07〔2026〕1号"})
    assert response.status_code == 400 and "不可见的控制字符" in response.get_data(as_text=True)
    assert not _year(2027).is_complete
