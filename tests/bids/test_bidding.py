"""The bidder's actions through the web: draft, submit, resubmit, withdraw, re-confirm;
eligibility (rules 1, 8, 10) and server-side re-validation of the budget."""
from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from app.auth import operations as auth_ops
from app.auth.models import OrgType, Role
from app.bids.models import Bid, BidState, BidVersion
from app.challenges import operations as ch_ops
from app.challenges.rules import ChallengeData, KpiData, MilestoneData
from app.bids.seal import bid_history
from app.core.audit import visible_events_select
from app.extensions import db

from .conftest import after_deadline


def form_of(bid, make, action="save", **overrides):
    """The edit form's fields for ``bid`` filled with complete, valid content."""
    data = make.bid_data(bid, **{k: v for k, v in overrides.items() if k in {
        "fiscal_support_fen", "issuer_funding_fen", "self_funding_fen", "title", "member_ids"}})
    form = {
        "title": data.title, "leader_name": data.leader_name, "leader_title": data.leader_title,
        "leader_phone": data.leader_phone, "leader_email": data.leader_email,
        "technical_plan": overrides.get("technical_plan", data.technical_plan),
        "fiscal_support": str(data.fiscal_support_fen / 100), "issuer_funding": str(data.issuer_funding_fen / 100),
        "self_funding": str(data.self_funding_fen / 100), "base_version": str(bid.current_version_no),
        "revision": str(bid.revision), "action": action,
    }
    if data.member_ids:
        form["member_ids"] = [str(i) for i in data.member_ids]
    for n, kpi in enumerate(bid.challenge.kpis):
        form[f"kpis-{n}-kpi_id"] = str(kpi.id)
        form[f"kpis-{n}-proposed_value"] = str(kpi.target_value)
        form[f"kpis-{n}-verification"] = "第三方检测报告"
    for n, m in enumerate(bid.milestones):
        form[f"milestones-{n}-due_on"] = m.due_on.isoformat()
        form[f"milestones-{n}-tranche_percent"] = str(m.tranche_percent)
        form[f"milestones-{n}-deliverable"] = f"{m.name}成果"
    form.update({k: v for k, v in overrides.items() if k not in {
        "fiscal_support_fen", "issuer_funding_fen", "self_funding_fen", "title", "member_ids", "technical_plan"}})
    return form


def started(b, challenge):
    response = b.post(f"/bids/start/{challenge.id}")
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalar(db.select(Bid).where(Bid.organisation_id == b.user.organisation_id))


def test_draft_submit_resubmit_keeps_versions(make, challenge, applicant, as_user):
    b = as_user(applicant)
    bid = started(b, challenge)
    assert [a.kpi_id for a in bid.kpi_answers] == [k.id for k in challenge.kpis]
    assert [m.tranche_percent for m in bid.milestones] == [30, 40, 30]

    r = b.post(f"/bids/{bid.public_id}/edit", form_of(bid, make, technical_plan="<p>路线</p><script>alert(1)</script>"
                                                "<img src=x onerror=alert(2)><strong>重点</strong>"),
               token_from=f"/bids/{bid.public_id}/edit")
    assert r.status_code == 302
    db.session.expire_all()
    assert bid.state is BidState.DRAFT and bid.current_version_no == 0
    assert bid.technical_plan == "<p>路线</p><strong>重点</strong>"   # nh3: no script, no img handler

    r = b.post(f"/bids/{bid.public_id}/submit", {"base_version": "0"}, token_from=f"/bids/{bid.public_id}")
    assert r.status_code == 302
    db.session.expire_all()
    assert bid.state is BidState.SUBMITTED and bid.current_version_no == 1
    v1 = bid.latest_version
    assert v1.snapshot["budget"]["total_fen"] == bid.total_fen

    # Edit and resubmit in one step: version 2, version 1 untouched.
    r = b.post(f"/bids/{bid.public_id}/edit", form_of(bid, make, action="submit", title="改进后的方案"),
               token_from=f"/bids/{bid.public_id}/edit")
    assert r.status_code == 302
    db.session.expire_all()
    assert [v.version_no for v in bid.versions] == [1, 2]
    assert bid.versions[0].snapshot["title"] != "改进后的方案" and bid.versions[1].snapshot["title"] == "改进后的方案"
    page = b.get(f"/bids/{bid.public_id}/versions/1/diff/2").get_data(as_text=True)
    assert "改进后的方案" in page and "项目名称" in page


def test_saving_edits_does_not_change_the_submitted_version(make, challenge, applicant, as_user):
    bid = make.bid(challenge, user=applicant)
    b = as_user(applicant)
    r = b.post(f"/bids/{bid.public_id}/edit", form_of(bid, make, title="草稿中的新名称"), token_from=f"/bids/{bid.public_id}/edit")
    assert r.status_code == 302
    db.session.expire_all()
    assert bid.title == "草稿中的新名称" and bid.latest_version.snapshot["title"] != "草稿中的新名称"


def test_budget_is_revalidated_on_the_server(make, challenge, applicant, as_user):
    b = as_user(applicant)
    bid = started(b, challenge)
    form = form_of(bid, make, action="submit", self_funding_fen=100_000_000)  # 1:1 needs 2,000,000
    r = b.post(f"/bids/{bid.public_id}/edit", form, token_from=f"/bids/{bid.public_id}/edit")
    assert r.status_code == 400
    assert "规则6" in r.get_data(as_text=True)
    db.session.expire_all()
    assert bid.current_version_no == 0 and bid.self_funding_fen is None      # nothing saved
    r = b.post(f"/bids/{bid.public_id}/edit", form_of(bid, make, **{"fiscal_support": "abc"}),
               token_from=f"/bids/{bid.public_id}/edit")
    assert r.status_code == 400 and "金额格式不正确" in r.get_data(as_text=True)


def test_missing_kpi_answer_and_percent_sum_are_refused(make, challenge, applicant, as_user):
    b = as_user(applicant)
    bid = started(b, challenge)
    form = form_of(bid, make, action="submit", **{"kpis-1-proposed_value": "", "milestones-2-tranche_percent": "31"})
    r = b.post(f"/bids/{bid.public_id}/edit", form, token_from=f"/bids/{bid.public_id}/edit")
    text = r.get_data(as_text=True)
    assert r.status_code == 400 and "规则9" in text and "101%" in text
    assert db.session.scalar(db.select(db.func.count(BidVersion.id))) == 0


def test_enterprise_lead_needs_two_to_one(make, challenge, as_user):
    user = make.user(role=Role.APPLICANT, organisation=make.org(org_type=OrgType.ENTERPRISE))
    b = as_user(user)
    bid = started(b, challenge)
    r = b.post(f"/bids/{bid.public_id}/edit", form_of(bid, make, action="submit", self_funding_fen=399_999_999),
               token_from=f"/bids/{bid.public_id}/edit")
    assert r.status_code == 400 and "企业牵头" in r.get_data(as_text=True)
    r = b.post(f"/bids/{bid.public_id}/edit", form_of(bid, make, action="submit", self_funding_fen=400_000_000),
               token_from=f"/bids/{bid.public_id}/edit")
    assert r.status_code == 302


def test_consortium_limits(make, challenge, applicant, as_user):
    b = as_user(applicant)
    bid = started(b, challenge)
    six = [make.org(org_type=OrgType.ENTERPRISE).id for _ in range(6)]
    r = b.post(f"/bids/{bid.public_id}/edit", form_of(bid, make, member_ids=six), token_from=f"/bids/{bid.public_id}/edit")
    assert r.status_code == 400 and "最多5家" in r.get_data(as_text=True)
    r = b.post(f"/bids/{bid.public_id}/edit", form_of(bid, make, member_ids=[six[0], six[0]]),
               token_from=f"/bids/{bid.public_id}/edit")
    assert r.status_code == 400 and "两次" in r.get_data(as_text=True)
    r = b.post(f"/bids/{bid.public_id}/edit", form_of(bid, make, member_ids=six[:5]), token_from=f"/bids/{bid.public_id}/edit")
    assert r.status_code == 302
    db.session.expire_all()
    assert [m.organisation_id for m in bid.members] == six[:5]
    # The lead cannot also be a member (a tampered form: not even among the choices).
    r = b.post(f"/bids/{bid.public_id}/edit", form_of(bid, make, member_ids=[applicant.organisation_id]),
               token_from=f"/bids/{bid.public_id}/edit")
    assert r.status_code == 400


def test_issuer_cannot_bid_alone_or_through_a_consortium(make, challenge, applicant, as_user):
    issuer_user = make.user(role=Role.APPLICANT, organisation=challenge.issuer)
    r = as_user(issuer_user).post(f"/bids/start/{challenge.id}")
    assert r.status_code == 403 and "规则1" in r.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Bid.id))) == 0

    b = as_user(applicant)
    bid = started(b, challenge)
    r = b.post(f"/bids/{bid.public_id}/edit", form_of(bid, make, action="submit", member_ids=[challenge.issuer_id],
                                                      title="输入的项目名称不会丢失"),
               token_from=f"/bids/{bid.public_id}/edit")
    # The form comes back (400) with the message and everything typed.
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and "联合体成员" in page and "输入的项目名称不会丢失" in page
    db.session.expire_all()
    assert bid.members == [] and bid.current_version_no == 0


def test_rule1_compares_credit_codes_not_records():
    """Another organisation record carrying the issuer's credit code is the issuer."""
    from types import SimpleNamespace

    from app.bids import operations as ops
    from app.bids.rules import BidLimits

    def org(code):
        return SimpleNamespace(name=code, credit_code=code, is_active=True, bad_credit_within=lambda years: [],
                               org_type=OrgType.ENTERPRISE)

    challenge = SimpleNamespace(issuer=org("91410800MA40000001"))
    limits = BidLimits(1, 1, 2, 1, 5, 3)
    problems = ops.eligibility_problems(challenge, org("91410800MA40000009"), [org("91410800ma40000001")], limits)
    assert problems and "规则1" in problems[0][1]
    assert ops.eligibility_problems(challenge, org("91410800MA40000009"), [], limits) == []


def test_bad_credit_within_window_blocks_lead_and_member(make, challenge, applicant, as_user):
    auth_ops.add_bad_credit_record(applicant.organisation, recorded_on=date.today() - timedelta(days=30),
                                   reason="合同违约", actor=None)
    db.session.commit()
    r = as_user(applicant).post(f"/bids/start/{challenge.id}")
    assert r.status_code == 403 and "失信" in r.get_data(as_text=True)

    other = make.user(role=Role.APPLICANT, organisation=make.org(org_type=OrgType.INSTITUTE))
    member = make.org(org_type=OrgType.ENTERPRISE, name="失信成员公司")
    auth_ops.add_bad_credit_record(member, recorded_on=date.today() - timedelta(days=365 * 2), reason="x",
                                   actor=None)
    db.session.commit()
    b = as_user(other)
    bid = started(b, challenge)
    picker = b.get(f"/bids/{bid.public_id}/edit").get_data(as_text=True)
    assert re.search(r'data-bad-credit="1"[^>]*>失信成员公司（企业）【近3年有失信记录', picker) or \
        re.search(r'<option[^>]*data-bad-credit="1"[^>]*>失信成员公司', picker)
    r = b.post(f"/bids/{bid.public_id}/edit", form_of(bid, make, action="submit", member_ids=[member.id],
                                                      title="我们输入的名称"),
               token_from=f"/bids/{bid.public_id}/edit")
    # Rule 8 on submit: the form again (400), the message next to the member picker,
    # nothing typed lost, nothing saved.
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and "失信成员公司" in page and "我们输入的名称" in page
    assert re.search(r'has-error[^>]*>\s*<label for="member_ids"', page)
    db.session.expire_all()
    assert bid.members == [] and bid.current_version_no == 0 and bid.title != "我们输入的名称"


def test_submit_one_second_after_deadline_is_refused_and_changes_nothing(make, challenge, applicant, as_user):
    bid = make.bid(challenge, user=applicant, state="draft")
    b = as_user(applicant)
    token = b.token(f"/bids/{bid.public_id}")
    with after_deadline(challenge, 1):
        r = b.post(f"/bids/{bid.public_id}/submit", {"base_version": "0", "csrf_token": token})
        text = r.get_data(as_text=True)
        assert r.status_code == 409 and "北京时间" in text and "截止" in text
        assert b.post(f"/bids/{bid.public_id}/withdraw", {"csrf_token": token}).status_code == 409
        assert b.get(f"/bids/{bid.public_id}/edit").status_code == 409
    db.session.expire_all()
    assert bid.state is BidState.DRAFT and bid.current_version_no == 0 and bid.versions == []


def test_withdraw_and_reopen_before_deadline(make, challenge, applicant, as_user):
    bid = make.bid(challenge, user=applicant)
    b = as_user(applicant)
    r = b.post(f"/bids/{bid.public_id}/withdraw", {"reason": "方案调整"}, token_from=f"/bids/{bid.public_id}")
    assert r.status_code == 302
    db.session.expire_all()
    assert bid.state is BidState.WITHDRAWN and bid.withdrawn_at is not None
    assert not any(e.reason == "方案调整" for e in db.session.scalars(visible_events_select(None)))  # sealed
    assert any(e.reason == "方案调整" for e in bid_history(bid))
    r = b.post(f"/bids/{bid.public_id}/reopen", {}, token_from=f"/bids/{bid.public_id}")
    assert r.status_code == 302
    db.session.expire_all()
    assert bid.state is BidState.DRAFT and bid.withdrawn_at is None and bid.current_version_no == 1
    r = b.post(f"/bids/{bid.public_id}/submit", {"base_version": "1"}, token_from=f"/bids/{bid.public_id}")
    assert r.status_code == 302
    db.session.expire_all()
    assert bid.state is BidState.SUBMITTED and bid.current_version_no == 2


def test_amendment_requires_reconfirmation(make, challenge, applicant, as_user):
    bid = make.bid(challenge, user=applicant)
    draft = make.bid(challenge, state="draft")
    bureau = make.user(role=Role.BUREAU)
    data = ChallengeData(**{name: getattr(challenge, name) for name in ChallengeData.SCALARS},
                         kpis=[KpiData(k.name, k.comparator.value, k.target_value, k.unit, k.verification_method)
                               for k in challenge.kpis] + [KpiData("新增指标", "ge", Decimal("5"), "项", "专家评审")],
                         milestone_template=[MilestoneData(m.name, m.month_offset, m.tranche_percent,
                                                           m.is_race_checkpoint) for m in challenge.milestone_template])
    ch_ops.amend_challenge(challenge, data, reason="补充考核指标", actor=bureau)
    db.session.commit()
    db.session.expire_all()
    assert bid.state is BidState.NEEDS_RECONFIRM and draft.state is BidState.DRAFT

    b = as_user(applicant)
    assert "重新确认" in b.get(f"/bids/{bid.public_id}").get_data(as_text=True)
    # The new KPI is not answered yet: re-confirming is refused with the reason, on the
    # edit form itself (the place to answer it), not on a dead-end error page.
    r = b.post(f"/bids/{bid.public_id}/reconfirm", {"base_version": "1"}, token_from=f"/bids/{bid.public_id}")
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and "新增指标" in page
    assert 'name="kpis-' in page and "保存并提交" in page  # the bid form, ready to fix
    r = b.post(f"/bids/{bid.public_id}/edit", form_of(bid, make), token_from=f"/bids/{bid.public_id}/edit")
    assert r.status_code == 302
    r = b.post(f"/bids/{bid.public_id}/reconfirm", {"base_version": "1"}, token_from=f"/bids/{bid.public_id}")
    assert r.status_code == 302
    db.session.expire_all()
    assert bid.state is BidState.SUBMITTED and bid.current_version_no == 2
    assert [k["name"] for k in bid.latest_version.snapshot["kpis"]][-1] == "新增指标"


def test_bidder_sees_only_its_own_organisations_bids(make, challenge, applicant, as_user):
    mine = make.bid(challenge, user=applicant)
    colleague = make.user(role=Role.APPLICANT, organisation=applicant.organisation)
    theirs = make.bid(challenge)
    b = as_user(colleague)
    assert b.get(f"/bids/{mine.public_id}").status_code == 200            # same organisation
    for url in (f"/bids/{theirs.public_id}", f"/bids/{theirs.public_id}/edit", f"/bids/{theirs.public_id}/versions/1"):
        assert b.get(url).status_code == 404
    listing = b.get("/bids/").get_data(as_text=True)
    assert mine.title in listing and theirs.title not in listing
    r = b.post(f"/bids/{theirs.public_id}/withdraw", {}, token_from="/bids/")
    assert r.status_code == 404
    db.session.expire_all()
    assert theirs.state is BidState.SUBMITTED


def test_start_twice_returns_the_same_bid(make, challenge, applicant, as_user):
    b = as_user(applicant)
    first = started(b, challenge)
    second = started(b, challenge)
    assert first.id == second.id
    assert db.session.scalar(db.select(db.func.count(Bid.id))) == 1


def test_absurd_numbers_are_400_not_a_database_error(make, challenge, applicant, as_user):
    b = as_user(applicant)
    bid = started(b, challenge)
    for field, value in (("fiscal_support", "9" * 30), ("kpis-0-proposed_value", "1" + "0" * 20), ("kpis-1-proposed_value", "NaN"),
                         ("milestones-0-tranche_percent", "101"), ("milestones-0-due_on", "9999-99-99")):
        r = b.post(f"/bids/{bid.public_id}/edit", form_of(bid, make, **{field: value}), token_from=f"/bids/{bid.public_id}/edit")
        assert r.status_code == 400, field
    db.session.expire_all()
    assert bid.fiscal_support_fen is None


@pytest.mark.parametrize("field, value", [
    ("fiscal_support", "1e30"), ("fiscal_support", "Infinity"), ("self_funding", "sNaN"),
    ("kpis-0-proposed_value", "1e999999"), ("kpis-0-proposed_value", "sNaN"), ("kpis-0-proposed_value", "-Infinity"),
    ("milestones-0-due_on", "0001-01-01"), ("milestones-0-due_on", "9999-12-31"),
    ("milestones-0-tranche_percent", "1e18"), ("member_ids", "9" * 25), ("member_ids", "1e3"),
])
def test_one_hostile_value_in_a_valid_bid_form_is_400_and_saves_nothing(make, challenge, applicant, as_user,
                                                                        field, value):
    b = as_user(applicant)
    bid = started(b, challenge)
    url = f"/bids/{bid.public_id}/edit"
    assert b.post(url, form_of(bid, make), token_from=url).status_code == 302  # control: the form is valid
    db.session.expire_all()
    before = (bid.fiscal_support_fen, bid.updated_at if hasattr(bid, "updated_at") else None)
    r = b.post(url, form_of(bid, make, **{field: value}), token_from=url)
    assert r.status_code == 400, field
    db.session.expire_all()
    assert (bid.fiscal_support_fen, bid.updated_at if hasattr(bid, "updated_at") else None) == before


@pytest.mark.parametrize("value", ["²", "99999999999999999999999", "1e3", "-1"])
def test_tampered_base_version_is_refused_not_a_500(make, challenge, applicant, as_user, value):
    b = as_user(applicant)
    bid = started(b, challenge)
    url = f"/bids/{bid.public_id}/edit"
    r = b.post(url, form_of(bid, make, action="submit", base_version=value), token_from=url)
    assert r.status_code in (400, 409)
    db.session.expire_all()
    assert bid.state is BidState.DRAFT
