"""Admin edits of users and organisations: audited old -> new, nothing recorded when
nothing changed; bureau/finance staff belong to government organisations."""
from __future__ import annotations

import pytest

from app.auth.models import Organisation, OrgType, Role, User
from app.auth.operations import AccountError, create_user, update_organisation, update_user
from app.core import credit_code
from app.core.audit import history
from app.core.models import AuditEvent
from app.extensions import db

VALID_CODE = "91350100M000100Y43"


def _user_form(user, **overrides):
    data = {"name": user.name, "phone": user.phone or "", "role": user.role.value,
            "organisation_id": str(user.organisation_id or 0), "reason": ""}
    data.update(overrides)
    return data


def test_admin_edits_a_user_with_old_and_new_values(login_as, make):
    target = make.user(role="expert", name="张三")
    org = make.org(org_type=OrgType.UNIVERSITY)
    admin = login_as("admin")
    assert "张三" in admin.get(f"/admin/users/{target.id}/edit").get_data(as_text=True)
    response = admin.post(f"/admin/users/{target.id}/edit",
                          _user_form(target, name="张三丰", organisation_id=str(org.id), reason="调入"),
                          token_from=f"/admin/users/{target.id}/edit")
    assert response.status_code == 302
    event = AuditEvent.query.filter_by(action="user_updated").one()
    assert event.actor_id == admin.user.id and event.reason == "调入"
    assert event.data == {"changes": {"name": ["张三", "张三丰"], "organisation_id": [None, org.id]}}
    db.session.refresh(target)
    # the same values again: no audit entry
    response = admin.post(f"/admin/users/{target.id}/edit", _user_form(target), token_from=f"/admin/users/{target.id}/edit")
    assert response.status_code == 302
    assert AuditEvent.query.filter_by(action="user_updated").count() == 1


@pytest.mark.parametrize("overrides, message, status", [
    ({"role": "bureau"}, "科技局、财政局工作人员必须属于政府机关单位", 400),
    ({"role": "applicant", "organisation_id": "0"}, "单位用户必须选择所属单位", 400),
    ({"organisation_id": "99999999"}, "不是有效的选择", 400),
    ({"role": "god"}, "不是有效的选择", 400),
    ({"name": "x" * 101}, "", 400),
    ({"name": "  "}, "请输入姓名", 400),
])
def test_invalid_user_edits_change_nothing(login_as, make, overrides, message, status):
    target = make.user(role="expert", name="李四")
    admin = login_as("admin")
    events = AuditEvent.query.count()
    response = admin.post(f"/admin/users/{target.id}/edit", _user_form(target, **overrides),
                          token_from=f"/admin/users/{target.id}/edit")
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert (target.name, target.role) == ("李四", Role.EXPERT) and AuditEvent.query.count() == events


def test_admin_cannot_change_own_role(make):
    admin = make.user(role="admin")
    with pytest.raises(AccountError, match="不能修改自己的角色"):
        update_user(admin, name=admin.name, phone=None, role=Role.EXPERT, organisation=None, actor=admin)


def test_expert_with_profile_keeps_the_expert_role(make):
    from app.auth.expert_operations import ExpertData, save_expert_profile

    expert = make.user(role="expert")
    save_expert_profile(expert, ExpertData(), actor=None)
    with pytest.raises(AccountError, match="专家档案"):
        update_user(expert, name=expert.name, phone=None, role=Role.ADMIN, organisation=None,
                    actor=make.user(role="admin"))


def test_admin_resets_a_password(login_as, make):
    target = make.user(role="expert")
    admin = login_as("admin")
    url = f"/admin/users/{target.id}/password"
    bad = admin.post(url, {"password": "short", "confirm": "short"}, token_from=f"/admin/users/{target.id}/edit")
    assert bad.status_code == 400 and "密码至少需要10个字符" in bad.get_data(as_text=True)
    mismatch = admin.post(url, {"password": "New-Pass-2026", "confirm": "New-Pass-2027"},
                          token_from=f"/admin/users/{target.id}/edit")
    assert mismatch.status_code == 400
    ok = admin.post(url, {"password": "New-Pass-2026", "confirm": "New-Pass-2026", "reason": "忘记密码"},
                    token_from=f"/admin/users/{target.id}/edit")
    assert ok.status_code == 302
    db.session.refresh(target)
    assert target.check_password("New-Pass-2026")
    event = AuditEvent.query.filter_by(action="password_reset").one()
    assert (event.entity_id, event.actor_id, event.reason) == (target.id, admin.user.id, "忘记密码")
    assert "New-Pass" not in (event.data_json or "")


def test_admin_disables_from_the_list_still_works(login_as, make):
    target = make.user(role="finance")
    admin = login_as("admin")
    assert admin.post(f"/admin/users/{target.id}/active", {}, token_from="/admin/users").status_code == 302
    db.session.refresh(target)
    assert target.is_active_flag is False


# --- organisations -----------------------------------------------------------------------

def _org_form(org, **overrides):
    data = {"name": org.name, "short_name": org.short_name or "", "org_type": org.org_type.value,
            "credit_code": org.credit_code, "district": org.district or "", "field": org.field or "", "reason": ""}
    data.update(overrides)
    return data


def test_admin_edits_an_organisation_with_old_and_new_values(login_as, make):
    org = make.org(name="旧名称有限公司", district="武陟县")
    old_code = org.credit_code
    admin = login_as("admin")
    assert "旧名称有限公司" in admin.get(f"/admin/organisations/{org.id}/edit").get_data(as_text=True)
    response = admin.post(f"/admin/organisations/{org.id}/edit",
                          _org_form(org, name="新名称有限公司", credit_code=VALID_CODE.lower(), district=""),
                          token_from=f"/admin/organisations/{org.id}/edit")
    assert response.status_code == 302
    db.session.refresh(org)
    assert (org.name, org.credit_code, org.district) == ("新名称有限公司", VALID_CODE, None)
    (event,) = [e for e in history(org) if e.action == "organisation_updated"]
    assert event.data == {"changes": {"name": ["旧名称有限公司", "新名称有限公司"],
                                      "credit_code": [old_code, VALID_CODE], "district": ["武陟县", None]}}
    admin.post(f"/admin/organisations/{org.id}/edit", _org_form(org), token_from=f"/admin/organisations/{org.id}/edit")
    assert len([e for e in history(org) if e.action == "organisation_updated"]) == 1


@pytest.mark.parametrize("overrides, message", [
    ({"credit_code": "91350100M000100Y44"}, "统一社会信用代码校验位错误"),
    ({"credit_code": "9135010\x000M00100Y4"}, "空字符"),
    ({"credit_code": "OTHER"}, "该统一社会信用代码已登记"),
    ({"name": "OTHER"}, "该单位名称已登记"),
    ({"org_type": "company"}, "不是有效的选择"),
])
def test_invalid_organisation_edits_change_nothing(login_as, make, overrides, message):
    org = make.org(name="原单位有限公司")
    other = make.org(name="另一单位有限公司")
    overrides = {k: (other.credit_code if k == "credit_code" else other.name) if v == "OTHER" else v
                 for k, v in overrides.items()}
    admin = login_as("admin")
    response = admin.post(f"/admin/organisations/{org.id}/edit", _org_form(org, **overrides),
                          token_from=f"/admin/organisations/{org.id}/edit")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert org.name == "原单位有限公司"
    assert not [e for e in history(org) if e.action == "organisation_updated"]


def test_government_org_with_staff_keeps_its_type(make):
    bureau = make.user(role="bureau")
    org = bureau.organisation
    assert org.org_type is OrgType.GOVERNMENT and org.credit_code.startswith("11")
    with pytest.raises(AccountError, match="政府机关"):
        update_organisation(org, name=org.name, short_name=None, org_type=OrgType.ENTERPRISE,
                            credit_code=org.credit_code, district=None, field=None, actor=None)


@pytest.mark.parametrize("role", ["bureau", "finance"])
def test_bureau_and_finance_staff_belong_to_a_government_organisation(make, role):
    with pytest.raises(AccountError, match="政府机关"):
        create_user(email=f"{role}@example.cn", name="x", role=role, password="Start-Pass-2026")
    with pytest.raises(AccountError, match="政府机关"):
        create_user(email=f"{role}@example.cn", name="x", role=role, password="Start-Pass-2026",
                    organisation=make.org(org_type=OrgType.ENTERPRISE))
    gov = make.org(name="焦作市某局", org_type=OrgType.GOVERNMENT,
                   credit_code=credit_code.synthetic("焦作市某局", kind="11"))
    user = create_user(email=f"{role}@example.cn", name="x", role=role, password="Start-Pass-2026", organisation=gov)
    assert user.organisation is gov
    assert User.query.filter_by(role=Role(role)).count() == 1


def test_factory_gives_staff_the_government_bureaus(make):
    assert make.user(role="bureau").organisation.name == "焦作市科学技术局"
    assert make.user(role="finance").organisation.name == "焦作市财政局"
    assert Organisation.query.filter_by(org_type=OrgType.GOVERNMENT).count() == 2
