"""Round, draw (with exclusions), replay, recusal and 补抽, scoring and reopening,
and what an expert may see."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.auth.models import OrgType, Role
from app.challenges.models import ChallengeState
from app.core.timeutil import utcnow
from app.core.uow import unit_of_work
from app.extensions import db
from app.notifications.models import Notification
from app.reviews import operations as ops
from app.reviews.models import ExpertReview, ReviewDraw, ReviewRating, ReviewRound, ReviewState

from .conftest import make_expert, make_review_challenge, open_round, score


def test_opening_moves_the_challenge_to_review(make):
    challenge, _bids, _bureau = make_review_challenge(make, bids=1)
    assert challenge.state is ChallengeState.UNDER_REVIEW


def test_round_refuses_weights_not_summing_to_100_over_http(make, as_user):
    challenge, _bids, bureau = make_review_challenge(make, bids=2)
    b = as_user(bureau)
    url = f"/manage/reviews/challenge/{challenge.id}/round"
    page = b.get(url)
    assert page.status_code == 200 and "技术路线" in page.get_data(as_text=True)
    data = {"panel_size": "5", "scoring_deadline_at": (utcnow() + timedelta(days=9)).strftime("%Y-%m-%dT%H:%M"),
            "criteria-0-name": "技术路线", "criteria-0-weight": "60", "criteria-0-max_score": "60",
            "criteria-1-name": "团队能力", "criteria-1-weight": "30", "criteria-1-max_score": "30"}
    response = b.post(url, data, token_from=url)
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "各项权重之和应为100，当前为90" in body
    assert 'value="团队能力"' in body  # nothing typed is lost
    assert db.session.scalar(sa.select(sa.func.count(ReviewRound.id))) == 0
    for bad in ("1e999999", "NaN", "abc", "0", "26"):
        response = b.post(url, {**data, "panel_size": bad}, token_from=url)
        assert response.status_code == 400, bad
    data["criteria-1-weight"] = "40"
    response = b.post(url, {**data, "criteria-1-max_score": "40"}, token_from=url)
    assert response.status_code == 302
    assert db.session.scalar(sa.select(ReviewRound)).criteria[0].name == "技术路线"


def test_draw_excludes_conflicted_experts_with_reasons_and_replays(make, app):
    lead_org = make.org(org_type=OrgType.UNIVERSITY, name="河南理工大学")
    namesake = make.org(name="河南理工大学（同名单位）")
    challenge, bids, bureau = make_review_challenge(make, bids=2, bid_orgs=[lead_org, make.org(org_type=OrgType.UNIVERSITY)])
    conflicted = make_expert(make, employer=lead_org, name="冲突专家")
    past = make_expert(make, past=[(challenge.issuer, 2020, utcnow().year - 1)], name="曾在发榜单位")
    declared = make_expert(make, declared=[(lead_org, "与项目负责人为师生关系")], name="声明关系")
    old = make_expert(make, past=[(lead_org, 1990, 2000)], name="早年任职")  # beyond the look-back
    make_expert(make, field="生物医药")  # another field: not in the pool
    make_expert(make, active=False)       # not active: not in the pool
    same_name = make_expert(make, employer=namesake, name="同名不同码")
    others = [make_expert(make) for _ in range(3)]
    round_ = open_round(challenge, bureau, panel_size=5)
    with unit_of_work():
        draw = ops.draw_experts(round_, actor=bureau, seed="00" * 16)
    excluded = {e["id"]: e["reasons"] for e in draw.exclusions}
    assert set(excluded) == {conflicted.id, past.id, declared.id}
    assert "牵头单位" in excluded[conflicted.id][0] and lead_org.credit_code in excluded[conflicted.id][0]
    assert "发榜单位" in excluded[past.id][0]
    assert "师生关系" in excluded[declared.id][0]
    assert set(draw.selected) == {old.id, same_name.id, *(o.id for o in others)}
    assert len(draw.candidates) == 8  # field and active filter
    reviews = db.session.scalars(sa.select(ExpertReview)).all()
    assert len(reviews) == 5 * 2 and {r.expert_id for r in reviews} == set(draw.selected)
    replay = ops.replay_draw(draw)
    assert replay.identical and replay.panel == draw.selected
    # the same seed and pool give the same panel
    assert ops.rules.draw_panel(draw.seed, [c["id"] for c in draw.candidates], excluded, 5) == draw.selected
    # every drawn expert was told (once, through the outbox)
    told = db.session.scalars(sa.select(Notification.user_id).where(Notification.kind == "review.assigned")).all()
    assert sorted(told) == sorted(draw.selected)
    with pytest.raises(ops.ReviewConflict):
        ops.draw_experts(round_, actor=bureau)


def test_replay_command_says_identical(make, app):
    challenge, _bids, bureau = make_review_challenge(make, bids=1)
    [make_expert(make) for _ in range(5)]
    round_ = open_round(challenge, bureau)
    draw = ops.draw_experts(round_, actor=bureau)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["reviews", "replay-draw", str(draw.id)])
    assert result.exit_code == 0 and "一致（identical）" in result.output
    assert app.test_cli_runner().invoke(args=["reviews", "replay-draw", "999999"]).exit_code != 0


def test_too_small_a_pool_is_refused_and_nothing_is_drawn(make, as_user):
    lead = make.org(org_type=OrgType.UNIVERSITY)
    challenge, _bids, bureau = make_review_challenge(make, bids=1, bid_orgs=[lead])
    [make_expert(make) for _ in range(4)]
    make_expert(make, employer=lead)
    round_ = open_round(challenge, bureau, panel_size=5)
    b = as_user(bureau)
    response = b.post(f"/manage/reviews/round/{round_.id}/draw", token_from=f"/manage/reviews/round/{round_.id}")
    body = response.get_data(as_text=True)
    assert response.status_code == 409 and "只有4名" in body and "不足所需的5名" in body
    assert db.session.scalar(sa.select(sa.func.count(ReviewDraw.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(ExpertReview.id))) == 0


def _drawn(make, *, bids=2, experts=6, panel=5):
    challenge, made, bureau = make_review_challenge(make, bids=bids)
    pool = [make_expert(make) for _ in range(experts)]
    round_ = open_round(challenge, bureau, panel_size=panel)
    draw = ops.draw_experts(round_, actor=bureau)
    db.session.commit()
    by_id = {u.id: u for u in pool}
    return challenge, made, bureau, round_, [by_id[i] for i in draw.selected], [u for u in pool if u.id not in draw.selected]


def _review(bid, expert):
    return db.session.scalar(sa.select(ExpertReview).where(ExpertReview.bid_id == bid.id,
                                                           ExpertReview.expert_id == expert.id))


def test_expert_sees_only_assigned_confirmed_bids(make, as_user):
    _c, bids, _bureau, _round, panel, spare = _drawn(make)
    mine = _review(bids[0], panel[0])
    b = as_user(panel[0])
    assert b.get("/reviews/").status_code == 200
    assert b.get(f"/reviews/{mine.id}/score").status_code == 404       # not yet confirmed: hidden
    confirm = b.get(f"/reviews/{mine.id}/confirm")
    assert confirm.status_code == 200 and "技术方案" not in confirm.get_data(as_text=True)
    assert b.post(f"/reviews/{mine.id}/confirm", token_from="/reviews/").status_code == 302
    assert b.get(f"/reviews/{mine.id}/score").status_code == 200
    other = _review(bids[0], panel[1])
    for url in (f"/reviews/{other.id}/score", f"/reviews/{other.id}/confirm"):
        assert b.get(url).status_code == 404
    assert b.post(f"/reviews/{other.id}/score", {"action": "save"}, token_from="/reviews/").status_code == 404
    outsider = as_user(spare[0])  # an expert not on the panel
    assert outsider.get(f"/reviews/{mine.id}/score").status_code == 404
    assert outsider.post(f"/reviews/{mine.id}/recuse", {"reason": "x"}, token_from="/reviews/").status_code == 404
    assert b.get(f"/manage/reviews/round/{mine.round_id}/ranking").status_code == 403  # nobody else's scores


def test_scores_out_of_range_or_not_numbers_are_400_and_nothing_is_stored(make, as_user):
    _c, bids, _bureau, round_, panel, _spare = _drawn(make)
    review = _review(bids[0], panel[0])
    ops.confirm_no_conflict(review, actor=panel[0])
    db.session.commit()
    b = as_user(panel[0])
    url = f"/reviews/{review.id}/score"
    c1 = round_.criteria[0]
    good = {f"score_{c.id}": "10" for c in round_.criteria}
    for bad in ("31", "-1", "abc", "NaN", "1e999999", "Infinity", "10.123", "9" * 50):
        response = b.post(url, {**good, f"score_{c1.id}": bad, "action": "submit"}, token_from=url)
        assert response.status_code == 400, bad
        assert bad[:20] in response.get_data(as_text=True) or bad == "9" * 50  # what was typed stays
    assert db.session.scalar(sa.select(sa.func.count(ReviewRating.id))) == 0
    # the operation refuses too (not only the form)
    with pytest.raises(ops.ReviewInvalid):
        ops.save_scores(review, actor=panel[0], scores={c1.id: Decimal(31)}, comments={}, comment="", submit=False)
    db.session.rollback()
    # a draft may be partial; submitting needs every criterion
    assert b.post(url, {f"score_{c1.id}": "20", "action": "save"}, token_from=url).status_code == 302
    response = b.post(url, {f"score_{c1.id}": "20", "action": "submit"}, token_from=url)
    assert response.status_code == 400 and "请为“团队能力”打分" in response.get_data(as_text=True)
    assert b.post(url, {**good, "action": "submit"}, token_from=url).status_code == 302
    db.session.expire_all()
    assert _review(bids[0], panel[0]).state is ReviewState.SUBMITTED
    assert b.post(url, {**good, "action": "submit"}, token_from=url).status_code == 409  # no second submit


def test_recusal_and_replacement_draw(make, as_user):
    _c, bids, bureau, round_, panel, spare = _drawn(make, experts=7)
    review = _review(bids[1], panel[2])
    e = as_user(panel[2])
    response = e.post(f"/reviews/{review.id}/recuse", {"reason": ""}, token_from="/reviews/")
    assert response.status_code == 400
    assert e.post(f"/reviews/{review.id}/recuse", {"reason": "曾与牵头单位合作发表论文"},
                  token_from="/reviews/").status_code == 302
    db.session.expire_all()
    review = db.session.get(ExpertReview, review.id)
    assert review.state is ReviewState.RECUSED and review.recusal_reason == "曾与牵头单位合作发表论文"
    assert e.get(f"/reviews/{review.id}/confirm").status_code == 404   # never sees that bid again
    assert _review(bids[0], panel[2]).state is ReviewState.ASSIGNED   # only that bid
    b = as_user(bureau)
    round_url = f"/manage/reviews/round/{round_.id}"
    assert "曾与牵头单位合作发表论文" in b.get(round_url).get_data(as_text=True)
    response = b.post(f"/manage/reviews/review/{review.id}/replace", token_from=round_url)
    assert response.status_code == 302
    draw = db.session.scalar(sa.select(ReviewDraw).where(ReviewDraw.sequence == 2))
    new = db.session.scalar(sa.select(ExpertReview).where(ExpertReview.draw_id == draw.id))
    assert draw.kind.value == "replacement" and new.replaces_review_id == review.id and new.bid_id == review.bid_id
    assert draw.selected[0] in {u.id for u in spare}
    excluded = {x["id"]: x["reasons"] for x in draw.exclusions}
    assert panel[2].id in excluded and all(p.id in excluded for p in panel)
    assert ops.replay_draw(draw).identical
    page = b.get(f"/manage/reviews/draw/{draw.id}").get_data(as_text=True)
    assert "identical" in page and draw.seed in page
    # a double click cannot fill the vacancy twice
    assert b.post(f"/manage/reviews/review/{review.id}/replace", token_from=round_url).status_code == 409
    # a pending review cannot be "replaced"
    other = _review(bids[0], panel[0])
    assert b.post(f"/manage/reviews/review/{other.id}/replace", token_from=round_url).status_code == 409


def test_decline_and_reopen(make, as_user):
    _c, bids, bureau, round_, panel, _spare = _drawn(make, experts=7)
    e = as_user(panel[4])
    assert e.post(f"/reviews/round/{round_.id}/decline", {"reason": "出差"}, token_from="/reviews/").status_code == 302
    db.session.expire_all()
    assert {_review(b, panel[4]).state for b in bids} == {ReviewState.DECLINED}
    score(_review(bids[0], panel[0]), panel[0])
    review = _review(bids[0], panel[0])
    b = as_user(bureau)
    url = f"/manage/reviews/review/{review.id}/reopen"
    assert b.post(url, {"reason": ""}, token_from="/dashboard").status_code == 400
    assert b.post(url, {"reason": "技术路线一项评语与分数不符"}, token_from="/dashboard").status_code == 302
    db.session.expire_all()
    review = db.session.get(ExpertReview, review.id)
    assert review.state is ReviewState.SCORING and review.submitted_at is None
    assert len(review.ratings) == 5  # raw scores kept for the expert to revise


def test_reminders_are_sent_once(make, app):
    from app.reviews.jobs import remind_experts

    _c, bids, _bureau, round_, panel, _spare = _drawn(make, bids=2)
    score(_review(bids[0], panel[0]), panel[0])
    score(_review(bids[1], panel[0]), panel[0])
    assert remind_experts(utcnow()) == {"due_soon": 0, "overdue": 0}
    soon = round_.scoring_deadline_at - timedelta(days=1)
    with unit_of_work():
        assert remind_experts(soon) == {"due_soon": 4, "overdue": 0}
    assert remind_experts(soon) == {"due_soon": 0, "overdue": 0}
    late = round_.scoring_deadline_at + timedelta(minutes=1)
    with unit_of_work():
        assert remind_experts(late) == {"due_soon": 0, "overdue": 4}
    assert remind_experts(late)["overdue"] == 0
    kinds = db.session.scalars(sa.select(Notification.kind).where(Notification.user_id == panel[0].id)).all()
    assert "review.overdue" not in kinds  # the expert who finished is not reminded


def test_all_scores_in_notifies_the_bureau(make):
    _c, bids, bureau, _round, panel, _spare = _drawn(make, bids=1)
    for expert in panel:
        score(_review(bids[0], expert), expert)
    kinds = db.session.scalars(sa.select(Notification.kind).where(Notification.user_id == bureau.id)).all()
    assert kinds.count("review.all_in") == 1


def test_round_needs_review_state_and_finished_formal_review(make):
    bureau = make.user(role=Role.BUREAU)
    challenge = make.challenge(state="closed", actor=bureau)
    with pytest.raises(ops.ReviewConflict):
        ops.open_review_round(challenge, actor=bureau, panel_size=5, scoring_deadline_at=utcnow() + timedelta(days=3),
                              criteria=ops.default_criteria())
    challenge2 = make.challenge(state="published", actor=bureau)
    make.bid(challenge2, state="opened", bureau=bureau)
    db.session.refresh(challenge2)
    with pytest.raises(ops.ReviewConflict, match="未完成形式审查"):
        ops.open_review_round(challenge2, actor=bureau, panel_size=5,
                              scoring_deadline_at=utcnow() + timedelta(days=3), criteria=ops.default_criteria())


def test_replacement_excludes_an_employee_of_a_competing_bidder(make):
    """The 补抽 for bid B keeps out the expert a rival bidder A employs, as the initial
    draw did: only the one unconflicted spare can be drawn, whatever the seed."""
    rival, other = make.org(org_type=OrgType.UNIVERSITY), make.org(org_type=OrgType.UNIVERSITY)
    challenge, bids, bureau = make_review_challenge(make, bid_orgs=[rival, other])
    pool = [make_expert(make) for _ in range(6)]
    employee = make_expert(make, employer=rival)
    round_ = open_round(challenge, bureau)
    draw = ops.draw_experts(round_, actor=bureau)
    assert employee.id not in draw.selected
    spare = next(u for u in pool if u.id not in draw.selected)
    review = _review(bids[1], db.session.get(type(employee), draw.selected[0]))
    ops.confirm_no_conflict(review, actor=review.expert)
    ops.recuse(review, actor=review.expert, reason="曾与牵头单位合作")
    db.session.commit()
    for n in range(8):
        replacement = ops.draw_replacement(review, actor=bureau, seed=f"seed-{n}")
        assert replacement.selected == [spare.id]
        reasons = {x["id"]: x["reasons"] for x in replacement.exclusions}
        assert any("申报牵头单位" in r for r in reasons[employee.id])
        db.session.rollback()
        review = db.session.get(ExpertReview, review.id)
