"""Expert profiles: the conflict employers (rule 11), year checks, audit old -> new,
the pages of the bureau and of the expert, and who may do what."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError

from app.auth.expert_models import ExpertEmployment, ExpertProfile
from app.auth.expert_operations import (ExpertData, ExpertForbidden, ExpertInvalid, save_expert_profile,
                                        set_expert_active)
from app.auth.expert_rules import declared_org_ids, employers_within, parse_history, split_fields, year_problem
from app.auth.models import OrgType
from app.core.audit import history
from app.core.models import AuditEvent
from app.core.timeutil import local_today
from app.extensions import db

THIS_YEAR = local_today().year


def _errors(response) -> list[str]:
    return re.findall(r'class="(?:flash flash-error|error)"[^>]*>([^<]*)<', response.get_data(as_text=True))


@pytest.fixture
def orgs(make):
    return {k: make.org(name=n, org_type=OrgType.UNIVERSITY) for k, n in
            [("now", "现单位大学"), ("recent", "近年单位大学"), ("old", "早年单位大学"), ("rel", "关系单位大学")]}


def _profile(make, orgs, **overrides):
    expert = make.user(role="expert")
    values = dict(title="教授", employer_code=orgs["now"].credit_code, fields=["新材料", "节能环保"],
                  employments=[(orgs["recent"].credit_code, 2015, 2023), (orgs["old"].credit_code, 2001, 2010)],
                  relationships=[(orgs["rel"].credit_code, "配偶在该校任职")])
    values.update(overrides)
    profile = save_expert_profile(expert, ExpertData(**values), actor=None)
    db.session.commit()
    return profile


# --- pure rules ------------------------------------------------------------------------------

def test_employers_within_counts_the_current_and_recent_employers(make, orgs):
    profile = _profile(make, orgs)
    on = date(2026, 6, 1)
    assert employers_within(profile, 3, on=on) == {orgs["now"].id, orgs["recent"].id}  # 2023 >= 2026 - 3
    assert employers_within(profile, 2, on=on) == {orgs["now"].id}  # 2023 < 2024
    assert employers_within(profile, 20, on=on) == {orgs["now"].id, orgs["recent"].id, orgs["old"].id}
    # judged on an earlier day (a replayed draw), a job that started later does not count
    assert employers_within(profile, 3, on=date(2012, 1, 1)) == {orgs["now"].id, orgs["old"].id}
    assert declared_org_ids(profile) == {orgs["rel"].id}


def test_employers_within_without_current_employer(make, orgs):
    profile = _profile(make, orgs, employer_code=None, employments=[], relationships=[])
    assert employers_within(profile, 3) == set() and declared_org_ids(profile) == set()


@pytest.mark.parametrize("start, end, ok", [
    (2010, 2015, True), (2015, 2015, True), (THIS_YEAR, THIS_YEAR, True),
    (2016, 2015, False), (2010, THIS_YEAR + 1, False), (THIS_YEAR + 1, THIS_YEAR + 2, False),
    (1949, 1960, False), (None, 2010, False), (2010, None, False), (10**9, 10**9, False),
])
def test_year_problem(start, end, ok, app):
    with app.test_request_context():
        assert (year_problem(start, end, THIS_YEAR) is None) is ok


def test_split_fields_and_parse_history():
    assert split_fields("新材料、超硬材料;新材料 ；节能环保") == ["新材料", "超硬材料", "节能环保"]
    employers, problems = parse_history("91410800abc:2015-2020； 12410800XYZ：2020—2023;")
    assert [(e.credit_code, e.start_year, e.end_year) for e in employers] == [
        ("91410800ABC", 2015, 2020), ("12410800XYZ", 2020, 2023)]
    assert problems == []


@pytest.mark.parametrize("text", ["91410800ABC", "91410800ABC:2015", "91410800ABC:1e999999-2020",
                                  "91410800ABC:NaN-Infinity", "x:2015-20201", "中文:2015-2020"])
def test_parse_history_refuses_bad_items(text, app):
    with app.test_request_context():
        employers, problems = parse_history(text)
    assert employers == [] and len(problems) == 1 and "格式不正确" in problems[0]


# --- operations --------------------------------------------------------------------------------

def test_profile_created_with_audit_and_unchanged_save_records_nothing(make, orgs):
    bureau = make.user(role="bureau")
    expert = make.user(role="expert")
    data = ExpertData(title="研究员", employer_code=orgs["now"].credit_code.lower(), fields=["新材料"],
                      employments=[(orgs["recent"].credit_code, 2018, 2022)])
    profile = save_expert_profile(expert, data, actor=bureau, is_active=True)
    db.session.commit()
    (event,) = history(profile)
    assert event.action == "expert_profile_created" and event.actor_id == bureau.id
    assert event.data["changes"]["employer"] == [None, orgs["now"].credit_code]
    assert event.data["changes"]["employments"] == [[], [f"{orgs['recent'].credit_code}:2018-2022"]]

    save_expert_profile(expert, data, actor=bureau, is_active=True)
    db.session.commit()
    assert len(history(profile)) == 1  # nothing changed, nothing recorded

    data.title = "正高级工程师"
    data.fields = ["新材料", "超硬材料"]
    save_expert_profile(expert, data, actor=expert)
    db.session.commit()
    last = history(profile)[-1]
    assert last.action == "expert_profile_updated" and last.actor_id == expert.id
    assert last.data["changes"] == {"title": ["研究员", "正高级工程师"],
                                    "fields": [["新材料"], ["新材料", "超硬材料"]]}


def test_saving_replaces_rows_with_the_same_keys(make, orgs):
    profile = _profile(make, orgs)
    expert = profile.user
    data = ExpertData(employments=[(orgs["recent"].credit_code, 2015, 2024)],
                      relationships=[(orgs["rel"].credit_code, "兼职")])
    save_expert_profile(expert, data, actor=None)
    db.session.commit()
    db.session.refresh(profile)
    assert [(e.start_year, e.end_year) for e in profile.employments] == [(2015, 2024)]
    assert [r.reason for r in profile.relationships] == ["兼职"]
    assert profile.employer is None and profile.fields == []


@pytest.mark.parametrize("overrides, fragment", [
    ({"employer_code": "91350100M000100Y44"}, "校验位错误"),
    ({"employer_code": "91350100M000100Y43"}, "尚未登记"),
    ({"fields": ["量子计算"]}, "未知的专业领域"),
    ({"employments": [("91350100M000100Y43", 2015, 2016)]}, "尚未登记"),
    ({"employments": [("ORG", 2016, 2015)]}, "结束年份不能早于起始年份"),
    ({"employments": [("ORG", 2015, THIS_YEAR + 1)]}, "不能晚于今年"),
    ({"employments": [("ORG", 2015, 2016), ("ORG", 2015, 2018)]}, "重复"),
    ({"relationships": [("ORG", "  ")]}, "请填写关系说明"),
    ({"relationships": [("ORG", "x" * 501)]}, "500"),
    ({"title": "x" * 65}, "64"),
])
def test_invalid_profile_is_refused_and_nothing_saved(make, orgs, overrides, fragment):
    code = orgs["recent"].credit_code
    for key in ("employments", "relationships"):
        if key in overrides:
            overrides[key] = [tuple(code if v == "ORG" else v for v in row) for row in overrides[key]]
    expert = make.user(role="expert")
    with pytest.raises(ExpertInvalid) as exc:
        save_expert_profile(expert, ExpertData(**overrides), actor=None)
    assert fragment in str(exc.value)
    db.session.rollback()
    assert ExpertProfile.query.count() == 0


def test_only_experts_have_profiles_and_only_staff_set_the_pool_flag(make):
    with pytest.raises(ExpertInvalid, match="只有评审专家"):
        save_expert_profile(make.user(role="applicant"), ExpertData(), actor=None)
    expert, other = make.user(role="expert"), make.user(role="expert")
    with pytest.raises(ExpertForbidden):
        save_expert_profile(expert, ExpertData(), actor=other)
    with pytest.raises(ExpertForbidden):
        save_expert_profile(expert, ExpertData(), actor=expert, is_active=False)
    profile = save_expert_profile(expert, ExpertData(), actor=expert)
    with pytest.raises(ExpertForbidden):
        set_expert_active(profile, False, actor=expert)
    bureau = make.user(role="bureau")
    set_expert_active(profile, False, actor=bureau, reason="退休")
    set_expert_active(profile, False, actor=bureau)  # already out: no second event
    db.session.commit()
    events = [e for e in history(profile) if e.action == "expert_disabled"]
    assert len(events) == 1 and events[0].reason == "退休"
    assert events[0].data == {"changes": {"is_active": [True, False]}}


def test_database_refuses_end_before_start(make, orgs):
    profile = _profile(make, orgs, employments=[])
    db.session.add(ExpertEmployment(profile_id=profile.id, organisation_id=orgs["old"].id,
                                    start_year=2020, end_year=2019))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


# --- pages ------------------------------------------------------------------------------------

def _form(orgs, **overrides):
    data = {"title": "教授", "employer_code": orgs["now"].credit_code, "fields": ["新材料", "节能环保"],
            "employments-0-credit_code": orgs["recent"].credit_code, "employments-0-start_year": "2015",
            "employments-0-end_year": "2023",
            "relationships-0-credit_code": orgs["rel"].credit_code, "relationships-0-reason": "兼职"}
    data.update(overrides)
    return data


def test_expert_fills_in_own_profile_from_the_home_page(login_as, orgs):
    expert = login_as("expert")
    home = expert.get("/dashboard").get_data(as_text=True)
    assert 'href="/my/expert-profile"' in home
    assert "尚未建立专家档案" in expert.get("/my/expert-profile").get_data(as_text=True)
    page = expert.get("/my/expert-profile?view=edit").get_data(as_text=True)
    assert 'name="is_active"' not in page  # the pool flag is the bureau's
    response = expert.post("/my/expert-profile", _form(orgs, is_active=""), token_from="/my/expert-profile?view=edit")
    assert response.status_code == 302
    profile = ExpertProfile.query.one()
    assert profile.user_id == expert.user.id and profile.is_active is True
    assert profile.fields == ["新材料", "节能环保"] and profile.employer_id == orgs["now"].id
    html = expert.get("/my/expert-profile").get_data(as_text=True)
    assert "近年单位大学" in html and "关系单位大学" in html and "兼职" in html


@pytest.mark.parametrize("overrides, message", [
    ({"employments-0-end_year": "1e999999"}, "不是有效的整数"),
    ({"employments-0-end_year": "NaN"}, "不是有效的整数"),
    ({"employments-0-start_year": "Infinity"}, "不是有效的整数"),
    ({"employments-0-end_year": str(THIS_YEAR + 1)}, "不能晚于今年"),
    ({"employments-0-end_year": "2010"}, "结束年份不能早于起始年份"),
    ({"employer_code": "91350100M000100Y43"}, "尚未登记"),
    ({"employer_code": "9135\x000100M000100Y4"}, "空字符（NUL）"),
    ({"fields": ["不存在的领域"]}, "不是有效的选择"),
    ({"title": "职" * 100}, ""),
])
def test_bad_input_is_400_and_changes_nothing(login_as, orgs, overrides, message):
    expert = login_as("expert")
    expert.post("/my/expert-profile", _form(orgs), token_from="/my/expert-profile?view=edit")
    before = ExpertProfile.query.one()
    snapshot = (before.title, before.employer_id, before.fields, len(before.employments))
    events = AuditEvent.query.count()
    response = expert.post("/my/expert-profile", _form(orgs, **overrides), token_from="/my/expert-profile?view=edit")
    assert response.status_code == 400
    if message:
        assert any(message in e for e in _errors(response)), _errors(response)
    db.session.expire_all()
    after = ExpertProfile.query.one()
    assert (after.title, after.employer_id, after.fields, len(after.employments)) == snapshot
    assert AuditEvent.query.count() == events


def test_bureau_lists_filters_edits_and_takes_experts_out_of_the_pool(login_as, make, orgs):
    a = _profile(make, orgs, fields=["新材料"])
    b = _profile(make, orgs, fields=["超硬材料"])
    bureau = login_as("bureau")
    html = bureau.get("/experts?field=超硬材料").get_data(as_text=True)
    assert b.user.email in html and a.user.email not in html
    assert a.user.email in bureau.get("/experts?field=<script>").get_data(as_text=True)  # unknown: ignored
    detail = bureau.get(f"/experts/{a.user.id}").get_data(as_text=True)
    assert "现单位大学" in detail and "近年单位大学" in detail and "早年单位大学" in detail
    response = bureau.post(f"/experts/{a.user.id}/active", {"reason": "本人申请"}, token_from=f"/experts/{a.user.id}")
    assert response.status_code == 302
    db.session.refresh(a)
    assert a.is_active is False
    html = bureau.get("/experts?active=1").get_data(as_text=True)
    assert b.user.email in html and a.user.email not in html
    assert a.user.email in bureau.get("/experts?active=0").get_data(as_text=True)
    # edit through the bureau page (pool flag checked = back in the pool)
    response = bureau.post(f"/experts/{a.user.id}/edit", _form(orgs, title="研究员", is_active="y"),
                           token_from=f"/experts/{a.user.id}/edit")
    assert response.status_code == 302
    db.session.refresh(a)
    assert a.title == "研究员" and a.is_active is True
    detail = bureau.get(f"/experts/{a.user.id}").get_data(as_text=True)
    assert "教授 → 研究员" in detail and "修改专家档案" in detail


def test_list_is_paginated(login_as, make, app):
    for _ in range(app.config["PAGE_SIZE"] + 1):
        make.user(role="expert")
    bureau = login_as("bureau")
    html = bureau.get("/experts").get_data(as_text=True)
    assert "第 1 / 2 页" in html
    assert bureau.get("/experts?page=99999999999999").status_code == 200


def test_expert_cannot_reach_another_experts_pages(login_as, make, orgs):
    other = _profile(make, orgs)
    expert = login_as("expert")
    assert expert.get(f"/experts/{other.user.id}/edit").status_code == 403
    response = expert.post(f"/experts/{other.user.id}/edit", _form(orgs, title="篡改"),
                           token_from="/my/expert-profile?view=edit")
    assert response.status_code == 403
    db.session.refresh(other)
    assert other.title == "教授"


def test_get_pages_write_nothing(login_as, make, orgs):
    expert = login_as("expert")
    bureau = login_as("bureau")
    target = make.user(role="expert")
    count = AuditEvent.query.count()
    for browser, url in [(expert, "/my/expert-profile"), (expert, "/my/expert-profile?view=edit"),
                         (bureau, f"/experts/{target.id}"), (bureau, f"/experts/{target.id}/edit"),
                         (bureau, "/experts")]:
        assert browser.get(url).status_code == 200
    assert ExpertProfile.query.count() == 0 and AuditEvent.query.count() == count


def test_double_submission_records_one_change(login_as, orgs):
    expert = login_as("expert")
    for _ in range(2):
        assert expert.post("/my/expert-profile", _form(orgs), token_from="/my/expert-profile?view=edit").status_code == 302
    profile = ExpertProfile.query.one()
    assert [e.action for e in history(profile)] == ["expert_profile_created"]
