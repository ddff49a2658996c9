"""Issue 9, what new users tripped over: review facts, KPI directions, wording after
withdraw and after the deadline, 我要揭榜 said up front, consortium members, lost
updates and unchanged resubmissions."""
from __future__ import annotations

import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from app.auth import operations as auth_ops
from app.auth.models import OrgType, Role
from app.bids import operations as ops
from app.bids import rules
from app.bids.models import Bid, BidState, FormalReview
from app.challenges.rules import KpiData
from app.core.models import OutboxMessage
from app.extensions import db
from app.notifications.models import Notification

from .conftest import after_deadline
from .test_bidding import form_of


@pytest.mark.parametrize("comparator,target,value,misses", [
    ("ge", "50", "45", True), ("ge", "50", "50", False), ("gt", "50", "50", True), ("gt", "50", "50.1", False),
    ("le", "0.5", "0.6", True), ("le", "0.5", "0.5", False), ("lt", "0.5", "0.5", True),
    ("eq", "3", "3.0", False), ("eq", "3", "2.9", True),
])
def test_a_kpi_commitment_is_judged_in_the_kpi_direction(comparator, target, value, misses):
    assert rules.misses_target(comparator, Decimal(target), Decimal(value)) is misses


# -- item 2: formal review does not certify what the system knows is false -----------------------

def test_review_page_shows_facts_and_pass_is_refused_without_a_signed_page(make, challenge, as_user):
    bid = make.bid(challenge, state="opened")  # no attachment at all
    bureau = as_user(make.user(role=Role.BUREAU))
    url = f"/manage/bids/{bid.public_id}/review"
    page = bureau.get(url).get_data(as_text=True)
    assert "已上传签字盖章页" in page and "提交的版本中没有“签字盖章页”类附件" in page
    r = bureau.post(url, {"outcome": "pass", "is_complete": "y", "is_eligible": "y"}, token_from=url)
    text = r.get_data(as_text=True)
    assert r.status_code == 400 and "系统核对未通过" in text and 'id="facts"' in text
    assert db.session.scalar(db.select(db.func.count(FormalReview.id))) == 0
    # Failing it records the fact as the system knows it.
    r = bureau.post(url, {"outcome": "fail", "reason": "缺少签字盖章页"}, token_from=url)
    assert r.status_code == 302
    db.session.expire_all()
    review = db.session.get(Bid, bid.id).review
    assert not review.has_signatures
    page = as_user(bid.created_by).get(f"/bids/{bid.public_id}").get_data(as_text=True)
    assert "签字盖章页：未上传" in page


def test_pass_is_refused_when_a_kpi_added_by_an_amendment_is_unanswered(make, challenge):
    bid = make.bid(challenge, state="opened", signed=True)
    from app.challenges.models import ChallengeKpi

    db.session.add(ChallengeKpi(challenge_id=challenge.id, position=9, name="新增指标", comparator="ge",
                                target_value=Decimal(1), unit="", verification_method=""))
    db.session.commit()
    db.session.expire_all()
    from app.bids import formal_review as review_ops

    bid = db.session.get(Bid, bid.id)
    with pytest.raises(ops.BidInvalid, match="新增指标"):
        review_ops.review_bid(bid, actor=make.user(role=Role.BUREAU), is_complete=True, is_eligible=True,
                              is_passed=True, reason=None)
    db.session.rollback()


# -- item 3: KPI commitments that miss the target ---------------------------------------------------

def test_missed_kpi_is_marked_warned_on_submit_and_summarised_for_review(make, as_user):
    challenge = make.challenge(state="published", kpis=[KpiData("抗压强度", "ge", Decimal("50"), "MPa", "检测"),
                                                        KpiData("吸水率", "le", Decimal("5"), "%", "检测")])
    applicant = make.user(role=Role.APPLICANT, organisation=make.org(org_type=OrgType.UNIVERSITY))
    bid = make.bid(challenge, user=applicant, state="draft", signed=True)
    b = as_user(applicant)
    url = f"/bids/{bid.public_id}/edit"
    form = form_of(bid, make, action="submit", title="指标未达标的方案")
    form["kpis-0-proposed_value"] = "45"
    r = b.post(url, form, token_from=url)
    page = r.get_data(as_text=True)
    # A warning to confirm, not a refusal: the form again with the misses and a checkbox.
    assert r.status_code == 400 and "承诺45 MPa，未达到榜单要求（≥ 50 MPa）" in page
    assert 'id="confirm-misses"' in page and "指标未达标的方案" in page and "吸水率" not in re.findall(
        r"未达到榜单要求（[^）]*）", page)[0]
    db.session.expire_all()
    assert db.session.get(Bid, bid.id).current_version_no == 0
    form = form_of(db.session.get(Bid, bid.id), make, action="submit", title="指标未达标的方案")
    form["kpis-0-proposed_value"] = "45"
    form["accept_kpi_misses"] = "y"
    r = b.post(url, form, token_from=url)
    assert r.status_code == 302
    db.session.expire_all()
    bid = db.session.get(Bid, bid.id)
    assert bid.current_version_no == 1
    detail = b.get(f"/bids/{bid.public_id}").get_data(as_text=True)
    assert "未达榜单要求" in detail
    with after_deadline(challenge, 5):
        from app.bids import formal_review as review_ops

        review_ops.open_bids(challenge, actor=make.user(role=Role.BUREAU))
        db.session.commit()
        bureau = as_user(make.user(role=Role.BUREAU))
        listing = bureau.get(f"/manage/bids/challenge/{challenge.id}").get_data(as_text=True)
        assert "1项指标未达要求" in listing
        review = bureau.get(f"/manage/bids/{bid.public_id}/review").get_data(as_text=True)
        assert "抗压强度：承诺45 MPa，榜单要求≥ 50 MPa" in review
        # A warning, not a required fact: the bureau may still pass the bid.
        r = bureau.post(f"/manage/bids/{bid.public_id}/review",
                        {"outcome": "pass", "is_complete": "y", "is_eligible": "y"},
                        token_from=f"/manage/bids/{bid.public_id}/review")
        assert r.status_code == 302


# -- item 4: wording after withdraw -> edit, and after the deadline ------------------------------------

def test_withdraw_then_edit_says_the_old_version_lapsed(make, challenge, applicant, as_user):
    bid = make.bid(challenge, user=applicant)
    b = as_user(applicant)
    b.post(f"/bids/{bid.public_id}/withdraw", {}, token_from=f"/bids/{bid.public_id}")
    r = b.post(f"/bids/{bid.public_id}/reopen", {}, token_from=f"/bids/{bid.public_id}")
    page = b.get(r.headers["Location"]).get_data(as_text=True)
    assert "撤回前提交的版本已失效" in page and "已随撤回失效" in page
    assert "以已提交的版本为准" not in page
    with after_deadline(challenge, 5):
        detail = b.get(f"/bids/{bid.public_id}").get_data(as_text=True)
        assert "截止时未提交（草稿），未参与本榜单揭榜" in detail
        assert "截止时未提交，未参与" in b.get("/bids/").get_data(as_text=True)


def test_after_the_deadline_a_submitted_bid_says_it_took_part(make, challenge, applicant, as_user):
    bid = make.bid(challenge, user=applicant)
    with after_deadline(challenge, 5):
        detail = as_user(applicant).get(f"/bids/{bid.public_id}").get_data(as_text=True)
        assert "本申报以提交的第1版参与本榜单揭榜" in detail


# -- item 6: 我要揭榜 said up front ------------------------------------------------------------------

def test_portal_says_why_instead_of_offering_a_refused_take_up(app, make, login_as, as_user):
    challenge = make.challenge(state="published")
    issuer_user = make.user(role=Role.APPLICANT, organisation=challenge.issuer)
    page = as_user(issuer_user).get(f"/challenges/{challenge.id}").get_data(as_text=True)
    assert "我要揭榜" not in page and "规则1" in page
    bad = make.org(org_type=OrgType.UNIVERSITY, name="有失信记录的大学")
    auth_ops.add_bad_credit_record(bad, recorded_on=date.today() - timedelta(days=10), reason="x", actor=None)
    db.session.commit()
    bad_user = make.user(role=Role.APPLICANT, organisation=bad)
    page = as_user(bad_user).get(f"/challenges/{challenge.id}").get_data(as_text=True)
    assert "我要揭榜" not in page and "失信记录" in page and "本单位不能揭榜该榜单" in page
    index = as_user(bad_user).get("/bids/").get_data(as_text=True)
    assert "不能揭榜：" in index
    ok = login_as("applicant")
    assert "我要揭榜" in ok.get(f"/challenges/{challenge.id}").get_data(as_text=True)


# -- item 9: consortium members --------------------------------------------------------------------------

def test_member_organisation_is_told_and_reads_the_submitted_version_only(make, challenge, applicant, as_user):
    member_org = make.org(org_type=OrgType.ENTERPRISE, name="联合体成员企业")
    member_user = make.user(role=Role.APPLICANT, organisation=member_org)
    bid = make.bid(challenge, user=applicant, members=[member_org])
    told = [json.loads(m.recipients_json) for m in db.session.scalars(db.select(OutboxMessage))
            if json.loads(m.payload_json)["kind"] == "bid.member_named"]
    told += [[n.user_id] for n in db.session.scalars(db.select(Notification).where(
        Notification.kind == "bid.member_named"))]
    assert told and all(ids == [member_user.id] for ids in told)
    # The lead keeps editing without resubmitting: the member sees the submitted version.
    ops.save_bid(bid, make.bid_data(bid, [member_org], title="未提交的新名称"), actor=applicant)
    db.session.commit()
    m = as_user(member_user)
    page = m.get(f"/bids/{bid.public_id}").get_data(as_text=True)
    assert 'id="member-view"' in page and "未提交的新名称" not in page and "办理记录" not in page
    assert member_org.credit_code in page
    assert m.get(f"/bids/{bid.public_id}/edit").status_code in (403, 404)
    assert m.post(f"/bids/{bid.public_id}/withdraw", {}, token_from="/bids/").status_code in (403, 404)
    assert f"/bids/{bid.public_id}" in m.get("/bids/").get_data(as_text=True)
    # Another organisation, not named, does not see it.
    stranger = make.user(role=Role.APPLICANT, organisation=make.org())
    assert as_user(stranger).get(f"/bids/{bid.public_id}").status_code == 404


def test_leading_one_bid_and_member_of_another_is_warned(make, challenge, applicant, as_user):
    mine = make.bid(challenge, user=applicant, state="draft")
    make.bid(challenge, members=[applicant.organisation])
    page = as_user(applicant).get(f"/bids/{mine.public_id}/edit").get_data(as_text=True)
    assert "本单位同时被列为该榜单另一份申报" in page


def test_member_picker_is_searchable_and_works_without_javascript(app, make, challenge, applicant, as_user):
    bid = make.bid(challenge, user=applicant, state="draft")
    page = as_user(applicant).get(f"/bids/{bid.public_id}/edit").get_data(as_text=True)
    assert re.search(r'<select[^>]*data-member-picker="1"[^>]*multiple|<select[^>]*multiple[^>]*data-member-picker',
                     page)
    assert "/static/js/member_picker.js" in page and "按住 Ctrl" not in page
    js = app.test_client().get("/static/js/member_picker.js")
    assert js.status_code == 200 and b"data-member-picker" in js.data and b"http" not in js.data
    js.close()


# -- item 10: lost updates and unchanged resubmissions -------------------------------------------------------

def test_a_stale_tab_cannot_overwrite_a_newer_save(make, challenge, applicant, as_user):
    bid = make.bid(challenge, user=applicant, state="draft")
    url = f"/bids/{bid.public_id}/edit"
    first, second = as_user(applicant), as_user(applicant)
    stale = form_of(bid, make, title="第二个窗口输入的名称")
    assert first.post(url, form_of(bid, make, title="第一个窗口保存的名称"), token_from=url).status_code == 302
    r = second.post(url, stale, token_from=url)
    page = r.get_data(as_text=True)
    assert r.status_code == 409 and "内容已被他人修改，请刷新后再保存" in page and "第二个窗口输入的名称" in page
    db.session.expire_all()
    assert db.session.get(Bid, bid.id).title == "第一个窗口保存的名称"


def test_resubmitting_unchanged_content_creates_no_version(make, challenge, applicant, as_user):
    bid = make.bid(challenge, user=applicant)
    b = as_user(applicant)
    r = b.post(f"/bids/{bid.public_id}/submit", {"base_version": "1"}, token_from=f"/bids/{bid.public_id}")
    assert r.status_code == 302
    assert "内容无变化" in b.get(r.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    bid = db.session.get(Bid, bid.id)
    assert [v.version_no for v in bid.versions] == [1] and bid.state is BidState.SUBMITTED
