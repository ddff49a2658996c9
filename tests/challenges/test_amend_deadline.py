"""Issue 9, item 2: an amendment can never break the seal early or void bids by
leaving no time to re-confirm. After publication the deadline only moves later; every
amendment leaves bidders ``reconfirm_min_days`` before the deadline (extended
automatically, and the amendment says so)."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from app.challenges import operations as ops
from app.challenges.models import Amendment, Challenge
from app.challenges.rules import ChallengeData, KpiData, MilestoneData, reconfirm_deadline
from app.core.timeutil import utcnow
from app.extensions import db

from .conftest import local_input


def _data(c, **changes) -> ChallengeData:
    values = {name: getattr(c, name) for name in ChallengeData.SCALARS}
    values.update(changes)
    return ChallengeData(**values,
                         kpis=[KpiData(k.name, k.comparator.value, k.target_value, k.unit, k.verification_method)
                               for k in c.kpis],
                         milestone_template=[MilestoneData(m.name, m.month_offset, m.tranche_percent,
                                                           m.is_race_checkpoint) for m in c.milestone_template])


def test_the_deadline_cannot_be_pulled_forward_after_publication(bureau, make):
    c = make.challenge("published", bid_deadline_at=utcnow() + timedelta(days=60),
                       published_at=utcnow() - timedelta(days=30))
    old = c.bid_deadline_at
    with pytest.raises(ops.ChallengeInvalid, match="只能推迟，不能提前"):
        ops.amend_challenge(c, _data(c, bid_deadline_at=utcnow() + timedelta(minutes=2)),
                            reason="提前截止", actor=bureau.user)
    db.session.rollback()
    assert db.session.get(Challenge, c.id).bid_deadline_at == old
    assert db.session.query(Amendment).count() == 0


def test_the_attack_through_the_form_is_refused_and_nothing_changes(bureau, make):
    c = make.challenge("published", bid_deadline_at=utcnow() + timedelta(days=60),
                       published_at=utcnow() - timedelta(days=30))
    old = c.bid_deadline_at
    page = bureau.get(f"/manage/challenges/{c.id}/amend").get_data(as_text=True)
    assert "name=\"bid_deadline_at\"" in page
    from .conftest import challenge_form

    data = challenge_form(c.issuer_id, title=c.title, field=c.field, problem_statement=c.problem_statement,
                          support="3,000,000", issuer_funding="3,000,000", ip_terms=c.ip_terms,
                          eligibility=c.eligibility, contact_name=c.contact_name,
                          contact_phone=c.contact_phone,
                          kpis=[{"name": k.name, "comparator": k.comparator.value,
                                 "target_value": str(k.target_value), "unit": k.unit,
                                 "verification_method": k.verification_method} for k in c.kpis],
                          milestones=[{"name": m.name, "month_offset": str(m.month_offset),
                                       "tranche_percent": str(m.tranche_percent)} for m in c.milestone_template])
    data["bid_opens_at"] = local_input(c.bid_opens_at)
    data["bid_deadline_at"] = local_input(utcnow() + timedelta(minutes=2))
    data["reason"] = "提前截止"
    response = bureau.post(f"/manage/challenges/{c.id}/amend", data)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "只能推迟，不能提前" in body and "提前截止" in body  # the reason typed is kept
    db.session.expire_all()
    assert db.session.get(Challenge, c.id).bid_deadline_at == old


def test_an_amendment_close_to_the_deadline_extends_it_and_says_so(bureau, make):
    now = utcnow()
    c = make.challenge("published", bid_deadline_at=now + timedelta(days=3),
                       published_at=now - timedelta(days=30))
    data = _data(c, title=c.title + "（修订）")
    amendment = ops.amend_challenge(c, data, reason="修订名称", actor=bureau.user, now=now)
    db.session.commit()
    assert c.bid_deadline_at >= now + timedelta(days=15)
    assert c.bid_deadline_at < now + timedelta(days=16)
    change = next(ch for ch in amendment.changes if ch["field"] == "bid_deadline_at")
    assert "自动顺延" in change["note"] and "15天" in change["note"]


def test_the_minimum_follows_the_policy(bureau, make, app):
    from app.core.operations import set_policy

    set_policy("reconfirm_min_days", 30, actor=make.user(role="admin"))
    now = utcnow()
    c = make.challenge("published", bid_deadline_at=now + timedelta(days=20),
                       published_at=now - timedelta(days=30))
    ops.amend_challenge(c, _data(c, title=c.title + "改"), reason="r", actor=bureau.user, now=now)
    assert c.bid_deadline_at >= now + timedelta(days=30)


def test_a_far_deadline_is_left_alone(bureau, make):
    now = utcnow()
    c = make.challenge("published", bid_deadline_at=now + timedelta(days=40))
    old = c.bid_deadline_at
    amendment = ops.amend_challenge(c, _data(c, title=c.title + "改"), reason="r", actor=bureau.user, now=now)
    assert c.bid_deadline_at == old
    assert [ch["field"] for ch in amendment.changes] == ["title"]


def test_an_opened_window_keeps_its_opening_time(bureau, make):
    c = make.challenge("published")
    with pytest.raises(ops.ChallengeInvalid, match="开始时间不能再修改"):
        ops.amend_challenge(c, _data(c, bid_opens_at=utcnow() + timedelta(days=1)), reason="r",
                            actor=bureau.user)


def test_reconfirm_deadline_keeps_the_time_of_day():
    now = utcnow().replace(microsecond=0)
    deadline = now + timedelta(days=2, hours=3)
    moved = reconfirm_deadline(deadline, now=now, min_days=15)
    assert moved >= now + timedelta(days=15)
    assert (moved - deadline) % timedelta(days=1) == timedelta(0)
    assert moved - timedelta(days=1) < now + timedelta(days=15)
    assert reconfirm_deadline(now + timedelta(days=20), now=now, min_days=15) == now + timedelta(days=20)


def test_a_submitted_bid_is_not_voided_by_a_last_minute_amendment(make, bureau):
    """The bids domain marks bids for re-confirmation; they keep 15 days to do it."""
    from app.bids.models import BidState

    now = utcnow()
    c = make.challenge("published", bid_deadline_at=now + timedelta(hours=1),
                       published_at=now - timedelta(days=30))
    bid = make.bid(c)
    data = _data(c)
    data.kpis.append(KpiData("新增指标", "ge", Decimal("5"), "项", "专家评审"))
    ops.amend_challenge(c, data, reason="补充指标", actor=bureau.user, now=now)
    db.session.commit()
    db.session.expire_all()
    assert bid.state is BidState.NEEDS_RECONFIRM
    assert not c.is_past_deadline(now + timedelta(days=14))
