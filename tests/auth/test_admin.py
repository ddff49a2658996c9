"""Admin pages: users and organisations, bad-credit records, access, tampered ids."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pytest

from app.auth.models import BadCreditRecord, Organisation, OrgType, User
from app.auth.operations import AccountError, add_bad_credit_record, create_organisation
from app.core.models import AuditEvent
from app.core.timeutil import frozen_time
from app.extensions import db
from tests.conftest import csrf_from

VALID_CODE = "91350100M000100Y43"


def _errors(response) -> list[str]:
    return re.findall(r'class="(?:flash flash-error|error)"[^>]*>([^<]*)<', response.get_data(as_text=True))


def _user_form(**overrides):
    data = {"email": "li.si@example.cn", "name": "李四", "phone": "", "role": "expert",
            "organisation_id": "0", "password": "Start-Pass-2026"}
    data.update(overrides)
    return data


def _org_form(**overrides):
    data = {"name": "焦作市测试新材料有限公司", "short_name": "测试新材", "org_type": "enterprise",
            "credit_code": VALID_CODE, "district": "高新区", "field": "新材料"}
    data.update(overrides)
    return data


# --- users -----------------------------------------------------------------------------

def test_admin_creates_a_user(login_as):
    admin = login_as("admin")
    response = admin.post("/admin/users/new", _user_form(email="  Li.Si@Example.CN "), token_from="/admin/users/new")
    assert response.status_code == 302
    user = User.query.filter_by(email="li.si@example.cn").one()
    assert user.role.value == "expert" and user.check_password("Start-Pass-2026")
    event = AuditEvent.query.filter_by(action="user_created", entity_id=user.id).one()
    assert event.actor_id == admin.user.id
    assert "li.si@example.cn" in admin.get("/admin/users?q=li.si").get_data(as_text=True)


def test_duplicate_email_is_refused_case_insensitively(login_as, make):
    make.user(role="expert", email="wang.wu@example.cn")
    admin = login_as("admin")
    count = User.query.count()
    response = admin.post("/admin/users/new", _user_form(email="WANG.Wu@example.CN"), token_from="/admin/users/new")
    assert response.status_code == 400
    assert _errors(response) == ["该电子邮箱已被注册"]
    assert User.query.count() == count


def test_applicant_without_organisation_is_refused(login_as):
    admin = login_as("admin")
    count = User.query.count()
    response = admin.post("/admin/users/new", _user_form(role="applicant"), token_from="/admin/users/new")
    assert response.status_code == 400
    assert "单位用户必须选择所属单位" in _errors(response)
    assert User.query.count() == count


def test_applicant_with_organisation_is_created(login_as, make):
    org = make.org()
    admin = login_as("admin")
    response = admin.post("/admin/users/new", _user_form(role="applicant", organisation_id=str(org.id)),
                          token_from="/admin/users/new")
    assert response.status_code == 302
    assert User.query.filter_by(email="li.si@example.cn").one().organisation_id == org.id


@pytest.mark.parametrize("overrides, message", [
    ({"email": "not-an-email"}, "电子邮箱格式不正确"),
    ({"password": "short1"}, "密码至少需要10个字符"),
    ({"role": "superuser"}, "不是有效的选择。"),
    ({"organisation_id": "999999"}, "不是有效的选择。"),  # tampered organisation id
    ({"name": "   "}, "请输入姓名"),
])
def test_invalid_user_form_is_400_and_creates_nothing(login_as, overrides, message):
    admin = login_as("admin")
    count = User.query.count()
    response = admin.post("/admin/users/new", _user_form(**overrides), token_from="/admin/users/new")
    assert response.status_code == 400
    assert message in _errors(response)
    assert User.query.count() == count


def test_operation_refuses_duplicate_email_too(make):
    from app.auth.operations import create_user

    make.user(role="expert", email="zhao@example.cn")
    with pytest.raises(AccountError, match="该电子邮箱已被注册"):
        create_user(email="ZHAO@example.cn", name="x", role="expert", password="Start-Pass-2026")


def test_admin_disables_and_enables_a_user(login_as, make, app):
    target = make.user(role="expert")
    admin = login_as("admin")
    response = admin.post(f"/admin/users/{target.id}/active", {"reason": "离职"}, token_from="/admin/users")
    assert response.status_code == 302
    db.session.refresh(target)
    assert target.is_active_flag is False
    event = AuditEvent.query.filter_by(action="user_disabled").one()
    assert (event.entity_id, event.reason) == (target.id, "离职")
    admin.post(f"/admin/users/{target.id}/active", {}, token_from="/admin/users")
    db.session.refresh(target)
    assert target.is_active_flag is True


def test_admin_cannot_disable_themselves(login_as):
    admin = login_as("admin")
    response = admin.post(f"/admin/users/{admin.user.id}/active", {}, token_from="/admin/users")
    assert response.status_code == 409
    db.session.refresh(admin.user)
    assert admin.user.is_active_flag is True


def test_user_list_filters_and_confirmation(login_as, make):
    make.user(role="finance", name="钱财务")
    admin = login_as("admin")
    html = admin.get("/admin/users?role=finance").get_data(as_text=True)
    assert "钱财务" in html and admin.user.name not in html.split("<tbody>")[-1]
    assert "data-confirm=" in html


# --- organisations ---------------------------------------------------------------------

def test_admin_registers_an_organisation_with_lowercase_code(login_as):
    admin = login_as("admin")
    response = admin.post("/admin/organisations/new", _org_form(credit_code=VALID_CODE.lower()),
                          token_from="/admin/organisations/new")
    assert response.status_code == 302
    org = Organisation.query.filter_by(name="焦作市测试新材料有限公司").one()
    assert org.credit_code == VALID_CODE and org.org_type is OrgType.ENTERPRISE
    assert response.headers["Location"] == f"/admin/organisations/{org.id}"
    assert VALID_CODE in admin.get(f"/admin/organisations?q={VALID_CODE}").get_data(as_text=True)


@pytest.mark.parametrize("code, message", [
    ("91350100M000100Y44", "统一社会信用代码校验位错误"),
    ("91350100M000100Y4", "统一社会信用代码应为18位"),
    ("91350100M0001O0Y43", "统一社会信用代码含有不允许的字符：O"),
    ("", "请输入统一社会信用代码"),
])
def test_invalid_credit_code_is_refused(login_as, code, message):
    admin = login_as("admin")
    response = admin.post("/admin/organisations/new", _org_form(credit_code=code), token_from="/admin/organisations/new")
    assert response.status_code == 400
    assert message in _errors(response)
    assert Organisation.query.count() == 0


@pytest.mark.parametrize("overrides, message", [
    ({"name": "另一家公司"}, "该统一社会信用代码已登记"),
    ({"credit_code": "91440300708461136T"}, "该单位名称已登记"),
])
def test_duplicate_organisation_is_refused(login_as, make, overrides, message):
    make.org(name="焦作市测试新材料有限公司", credit_code=VALID_CODE)
    admin = login_as("admin")
    response = admin.post("/admin/organisations/new", _org_form(**overrides), token_from="/admin/organisations/new")
    assert response.status_code == 400
    assert _errors(response) == [message]
    assert Organisation.query.count() == 1


def test_operation_validates_credit_code():
    with pytest.raises(AccountError, match="校验位错误"):
        create_organisation(name="x", org_type=OrgType.ENTERPRISE, credit_code="91350100M000100Y44")


def test_bad_credit_record_dated_today_in_shanghai_is_accepted(login_as, make):
    org = make.org()
    admin = login_as("admin")
    url = f"/admin/organisations/{org.id}"
    with frozen_time(datetime(2026, 11, 21, 17, 0, tzinfo=timezone.utc)):  # already 22 November in Shanghai
        response = admin.post(url, {"recorded_on": "2026-11-22", "reason": "当日认定"}, token_from=url)
    assert response.status_code == 302
    assert BadCreditRecord.query.one().recorded_on == date(2026, 11, 22)


def test_admin_adds_a_bad_credit_record(login_as, make):
    org = make.org()
    admin = login_as("admin")
    url = f"/admin/organisations/{org.id}"
    response = admin.post(url, {"recorded_on": "2025-06-01", "reason": "虚报项目材料", "source": "市信用办"},
                          token_from=url)
    assert response.status_code == 302
    (record,) = BadCreditRecord.query.all()
    assert (record.organisation_id, record.recorded_on, record.created_by_id) == (org.id, date(2025, 6, 1), admin.user.id)
    assert AuditEvent.query.filter_by(action="bad_credit_recorded", entity_id=org.id).count() == 1
    assert "虚报项目材料" in admin.get(url).get_data(as_text=True)


@pytest.mark.parametrize("data, message", [
    ({"recorded_on": "2025-13-01", "reason": "x"}, "不是有效的日期值。"),
    ({"recorded_on": "2025-06-01", "reason": " "}, "请填写失信情形"),
    ({"recorded_on": "2026-11-23", "reason": "x"}, "认定日期不能晚于今天"),
    ({"recorded_on": "", "reason": "x"}, "请输入认定日期"),
])
def test_bad_credit_record_invalid_input(login_as, make, data, message):
    org = make.org()
    admin = login_as("admin")
    url = f"/admin/organisations/{org.id}"
    with frozen_time(datetime(2026, 11, 22, 3, 0, tzinfo=timezone.utc)):  # 11:00 on 22 November in Shanghai
        response = admin.post(url, data, token_from=url)
    assert response.status_code == 400
    assert message in _errors(response)
    assert BadCreditRecord.query.count() == 0


def test_bad_credit_within_respects_the_three_year_window(make):
    org = make.org()
    for day in (date(2023, 11, 20), date(2023, 11, 21), date(2026, 11, 21), date(2026, 11, 22)):
        add_bad_credit_record(org, recorded_on=day, reason=str(day), actor=None)
    db.session.commit()
    on = date(2026, 11, 21)
    assert [r.recorded_on for r in org.bad_credit_within(3, on=on)] == [date(2026, 11, 21), date(2023, 11, 21)]
    assert org.bad_credit_within(3, on=date(2026, 11, 23)) == org.bad_credit_within(3, on=date(2026, 11, 22))
    assert [r.recorded_on for r in org.bad_credit_within(3, on=date(2026, 11, 23))] == [date(2026, 11, 22), date(2026, 11, 21)]
    assert org.bad_credit_within(3, on=date(2023, 11, 19)) == []


def test_bad_credit_window_on_29_february(make):
    org = make.org()
    add_bad_credit_record(org, recorded_on=date(2025, 2, 28), reason="x", actor=None)
    add_bad_credit_record(org, recorded_on=date(2025, 2, 27), reason="y", actor=None)
    db.session.commit()
    assert [r.reason for r in org.bad_credit_within(3, on=date(2028, 2, 29))] == ["x"]


def test_admin_disables_an_organisation(login_as, make):
    org = make.org()
    member = make.user(role="applicant", organisation=org)
    admin = login_as("admin")
    url = f"/admin/organisations/{org.id}"
    assert admin.post(url + "/active", {"reason": "注销"}, token_from=url).status_code == 302
    db.session.refresh(org)
    assert org.is_active is False
    db.session.refresh(member)
    assert member.is_active is False


# --- access, tampered ids, CSRF --------------------------------------------------------

@pytest.mark.parametrize("url", ["/admin/users", "/admin/users/new", "/admin/organisations", "/admin/policy"])
def test_applicant_opening_admin_url_gets_403(login_as, url):
    applicant = login_as("applicant")
    response = applicant.get(url)
    assert response.status_code == 403
    assert "无权访问" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/admin/organisations/999999", "/admin/organisations/0", "/admin/organisations/-1",
                                 "/admin/organisations/abc", "/admin/organisations/1.5",
                                 "/admin/organisations/99999999999999999999", "/admin/organisations/%31"])
def test_missing_or_tampered_ids_are_404(login_as, make, url):
    make.org()
    admin = login_as("admin")
    response = admin.get(url)
    if url.endswith("%31"):  # percent-encoded "1" is the real organisation
        assert response.status_code == 200
        return
    assert response.status_code == 404
    assert "页面不存在" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/admin/users/999999/active", "/admin/users/99999999999999999999/active",
                                 "/admin/organisations/999999/active"])
def test_posts_to_missing_ids_are_404(login_as, url):
    admin = login_as("admin")
    assert admin.post(url, {}, token_from="/admin/users").status_code == 404


def test_load_or_404_refuses_out_of_range_ids(app):
    from werkzeug.exceptions import NotFound

    from app.core.permissions import load_or_404

    with pytest.raises(NotFound):
        load_or_404(Organisation, 2**70)


MISSING_CSRF = [
    ("/login", {"email": "x@example.cn", "password": "Passw0rd-123"}),
    ("/logout", {}),
    ("/account/password", {"current_password": "Passw0rd-123", "new_password": "Neues-Pass-99", "confirm": "Neues-Pass-99"}),
    ("/admin/users/new", _user_form()),
    ("/admin/users/{self_id}/active", {}),
    ("/admin/organisations/new", _org_form()),
    ("/admin/organisations/{org_id}", {"recorded_on": "2025-06-01", "reason": "x"}),
    ("/admin/organisations/{org_id}/active", {}),
    ("/admin/policy", {"key": "max_time_limit_months", "value": "12"}),
]


@pytest.mark.parametrize("url, data", MISSING_CSRF, ids=[u for u, _d in MISSING_CSRF])
@pytest.mark.parametrize("token", ["missing", "forged"])
def test_missing_csrf_token_is_400_and_changes_nothing(login_as, make, url, data, token):
    org = make.org()
    admin = login_as("admin")

    def snapshot():
        db.session.expire_all()
        return (User.query.count(), Organisation.query.count(), BadCreditRecord.query.count(),
                AuditEvent.query.count(), [(u.is_active_flag, u.password_hash) for u in User.query.order_by(User.id)],
                [o.is_active for o in Organisation.query.order_by(Organisation.id)])

    before = snapshot()
    payload = dict(data)
    if token == "forged":
        payload["csrf_token"] = csrf_from(admin.get("/dashboard").get_data(as_text=True))[:-4] + "AAAA"
    response = admin.client.post(url.format(self_id=admin.user.id, org_id=org.id), data=payload)
    assert response.status_code == 400
    assert "安全令牌（CSRF）" in response.get_data(as_text=True)
    assert snapshot() == before
    assert admin.get("/dashboard").status_code == 200  # logout without a token did nothing
