"""Automatic, idempotent closing at the deadline: cron command and every read."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.orm.exc import StaleDataError

from app.challenges import operations as ops
from app.challenges import signals
from app.challenges.models import Challenge, ChallengeState
from app.core.audit import history
from app.core.timeutil import frozen_time
from app.extensions import db


@pytest.fixture
def closed_signals():
    received = []

    def on_closed(sender, **kw):
        received.append(sender.id)

    with signals.challenge_closed.connected_to(on_closed):  # other domains' receivers stay connected
        yield received


def _state(challenge_id):
    db.session.expire_all()
    return db.session.get(Challenge, challenge_id).state


def test_no_bid_slips_in_even_before_the_close_is_stored(make):
    c = make.challenge("published")
    with frozen_time(c.bid_deadline_at - timedelta(seconds=1)):
        assert c.is_open_for_bids() and not c.is_past_deadline()
    with frozen_time(c.bid_deadline_at):  # the deadline instant itself is already too late
        assert not c.is_open_for_bids() and c.is_past_deadline()
        assert c.state is ChallengeState.PUBLISHED  # nothing stored yet, still refused


def test_not_open_before_the_window_opens(make):
    c = make.challenge("published")
    with frozen_time(c.bid_opens_at - timedelta(seconds=1)):
        assert not c.is_open_for_bids()


def test_close_due_is_idempotent_and_signals_once(make, closed_signals):
    due, later = make.challenge("published"), make.challenge("published")
    later_deadline = later.bid_deadline_at + timedelta(days=5)
    db.session.execute(text("UPDATE challenges SET bid_deadline_at = :d WHERE id = :id"),
                       {"d": later_deadline.replace(tzinfo=None), "id": later.id})
    db.session.commit()
    with frozen_time(due.bid_deadline_at + timedelta(minutes=1)):
        assert [c.id for c in ops.close_due_challenges()] == [due.id]
        db.session.commit()
        assert ops.close_due_challenges() == []
        db.session.commit()
    assert _state(due.id) is ChallengeState.CLOSED and _state(later.id) is ChallengeState.PUBLISHED
    assert closed_signals == [due.id]
    events = [e for e in history(db.session.get(Challenge, due.id)) if e.action == "transition"]
    assert [(e.from_state, e.to_state, e.actor_id, e.actor_role) for e in events] == [
        ("published", "closed", None, "system")]
    assert db.session.get(Challenge, due.id).closed_at is not None


def test_a_concurrent_closer_cannot_close_twice(make):
    c = make.challenge("published")
    with frozen_time(c.bid_deadline_at + timedelta(minutes=1)):
        assert c.state is ChallengeState.PUBLISHED
        # another process closes it meanwhile (its UPDATE bumps the version)
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE challenges SET state = 'closed', closed_at = bid_deadline_at, "
                              "version = version + 1 WHERE id = :id"), {"id": c.id})
        with pytest.raises(StaleDataError):  # this session still believes it is published: no row matches
            ops.close_if_due(c)
            db.session.flush()
        db.session.rollback()
    assert [e.action for e in history(db.session.get(Challenge, c.id))].count("transition") == 0


def test_cli_close_due(app, make):
    c = make.challenge("published")
    runner = app.test_cli_runner()
    with frozen_time(c.bid_deadline_at + timedelta(hours=1)):
        first = runner.invoke(args=["challenges", "close-due"])
        second = runner.invoke(args=["challenges", "close-due"])
    assert first.exit_code == 0 and f"#{c.id}" in first.output and "本次截止 1 个榜单" in first.output
    assert "本次截止 0 个榜单" in second.output
    assert _state(c.id) is ChallengeState.CLOSED


@pytest.mark.parametrize("url", ["/challenges", "/challenges/{id}"])
def test_public_reads_show_closed_without_writing(client, make, url):
    c = make.challenge("published")
    with frozen_time(c.bid_deadline_at + timedelta(seconds=1)):
        response = client.get(url.format(id=c.id))
    assert response.status_code == 200
    assert "已截止" in response.get_data(as_text=True)  # computed from the clock ...
    assert _state(c.id) is ChallengeState.PUBLISHED     # ... a GET never writes


def test_bureau_reads_show_closed_and_jobs_run_stores_it(app, login_as, make):
    c = make.challenge("published")
    bureau = login_as("bureau")
    with frozen_time(c.bid_deadline_at + timedelta(seconds=1)):
        assert bureau.get(f"/manage/challenges/{c.id}").status_code == 200
        assert "已截止" in bureau.get("/manage/challenges/?state=closed").get_data(as_text=True)
        assert _state(c.id) is ChallengeState.PUBLISHED
        result = app.test_cli_runner().invoke(args=["jobs", "run"])
    assert result.exit_code == 0, result.output
    assert "challenges.close_due: {'closed': 1}" in result.output
    assert _state(c.id) is ChallengeState.CLOSED


def test_later_stages_move_in_order_only(make):
    c = make.challenge("closed")
    bureau = make.user(role="bureau")
    with pytest.raises(ops.ChallengeConflict):
        ops.award_challenge(c, actor=bureau)
    for step, state in ((ops.start_review, "under_review"), (ops.award_challenge, "awarded"),
                        (ops.start_execution, "in_progress"), (ops.finish_challenge, "finished")):
        step(c, actor=bureau)
        db.session.commit()
        assert c.state.value == state
    with pytest.raises(ops.ChallengeConflict):
        ops.cancel_challenge(c, actor=bureau, reason="已结束的榜单不能撤")
    assert c.cancel_reason is None


def test_applicants_cannot_move_challenges(make):
    from app.challenges.models import CHALLENGE_TRANSITIONS

    c = make.challenge("closed")
    with pytest.raises(ops.ChallengeConflict, match="无权"):
        ops.start_review(c, actor=make.user(role="applicant"))
    # every edge is made by the bureau or the system, never by anyone else
    assert {role for _f, _t, roles in CHALLENGE_TRANSITIONS.edges() for role in roles} == {"bureau", "system"}
