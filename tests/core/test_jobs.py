"""``jobs run``: never two runs at once (lock row), a stale lock is taken over, a
failing job neither stops the others nor keeps its half-done writes, and the CLI
exits 1 when a job failed. (GET pages never closing a challenge while ``jobs run``
does is tests/challenges/test_deadline.py.)"""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.auth.models import Organisation, OrgType
from app.challenges.models import Challenge, ChallengeState
from app.core import jobs
from app.core.models import JobLock
from app.core.timeutil import frozen_time, utcnow
from app.extensions import db


@pytest.fixture
def due_challenge(make):
    """A published challenge whose deadline has passed (a job will close it)."""
    c = make.challenge("published")
    db.session.execute(sa.update(Challenge).where(Challenge.id == c.id)
                       .values(bid_deadline_at=utcnow() - timedelta(minutes=5)))
    db.session.commit()
    return c.id


def _state(challenge_id):
    db.session.expire_all()
    return db.session.get(Challenge, challenge_id).state


def _lock():
    db.session.expire_all()
    return db.session.get(JobLock, jobs.LOCK_NAME)


def _run(app, *args):
    return app.test_cli_runner().invoke(args=["jobs", "run", *args])


def _add_job(monkeypatch, name, fn, order):
    monkeypatch.setitem(jobs._JOBS, name, jobs.Job(name, fn, order))


def test_jobs_are_listed_in_order(app):
    result = app.test_cli_runner().invoke(args=["jobs", "list"])
    names = result.output.split()
    assert names[0] == "challenges.close_due" and names[-1] == "outbox.deliver"


def test_a_run_takes_and_releases_the_lock(app, due_challenge):
    result = _run(app)
    assert result.exit_code == 0, result.output
    assert "challenges.close_due: {'closed': 1}" in result.output
    assert "outbox.deliver:" in result.output
    assert _state(due_challenge) is ChallengeState.CLOSED
    lock = _lock()
    assert lock.holder is None and lock.locked_until is None
    assert _run(app).exit_code == 0  # released: the next run is not refused


def test_a_second_run_is_refused_while_the_lock_is_held(app, due_challenge):
    assert jobs.acquire_lock(utcnow(), "other-host:4242") is True  # another machine is running
    result = _run(app)
    assert result.exit_code == 0
    assert "另一个 jobs run 正在运行，本次跳过" in result.output
    assert "close_due" not in result.output
    assert _state(due_challenge) is ChallengeState.PUBLISHED
    assert _lock().holder == "other-host:4242"  # the refused run did not release someone else's lock


def test_overlapping_runs_in_this_process(app, monkeypatch, due_challenge):
    """A run that is still going when the next one starts (cron every minute)."""
    inner = {}

    def slow_job(now):
        inner["result"] = jobs.run_jobs()  # the next cron tick, while this run holds the lock
        return {}

    _add_job(monkeypatch, "test.slow", slow_job, order=1)
    result = _run(app)
    assert result.exit_code == 0, result.output
    assert inner["result"] is None
    assert _state(due_challenge) is ChallengeState.CLOSED  # by the first run only
    assert _lock().holder is None


def test_an_expired_lock_is_taken_over(app, due_challenge):
    crashed_at = utcnow() - timedelta(seconds=jobs.LOCK_SECONDS + 60)
    assert jobs.acquire_lock(crashed_at, "crashed-host:1") is True  # that run died long ago
    result = _run(app)
    assert result.exit_code == 0, result.output
    assert "challenges.close_due: {'closed': 1}" in result.output
    assert _state(due_challenge) is ChallengeState.CLOSED


def test_a_lock_expires_after_lock_seconds(app):
    start = utcnow()
    assert jobs.acquire_lock(start, "a:1")
    assert not jobs.acquire_lock(start + timedelta(seconds=jobs.LOCK_SECONDS - 1), "b:2")
    assert jobs.acquire_lock(start + timedelta(seconds=jobs.LOCK_SECONDS + 1), "b:2")
    assert _lock().holder == "b:2"
    jobs.release_lock("a:1")  # a late release by the old holder does not free b's lock
    assert _lock().holder == "b:2"


def test_a_failing_job_does_not_stop_the_others_and_exits_1(app, monkeypatch, due_challenge):
    def broken(now):
        db.session.add(Organisation(name="任务写了一半的单位", org_type=OrgType.ENTERPRISE,
                                    credit_code="91350100M000100Y43"))
        db.session.flush()
        raise RuntimeError("upstream unavailable")

    ran_after = []
    _add_job(monkeypatch, "test.broken", broken, order=1)
    _add_job(monkeypatch, "test.after", lambda now: ran_after.append(now) or {"ok": 1}, order=20)
    result = _run(app)
    assert result.exit_code == 1
    assert "test.broken: {'error': 'RuntimeError: upstream unavailable'}" in result.output
    assert "challenges.close_due: {'closed': 1}" in result.output
    assert "test.after: {'ok': 1}" in result.output and len(ran_after) == 1
    assert _state(due_challenge) is ChallengeState.CLOSED
    assert Organisation.query.filter_by(name="任务写了一半的单位").count() == 0
    assert _lock().holder is None  # released despite the failure


def test_only_runs_the_named_jobs(app, due_challenge):
    result = _run(app, "--only", "outbox.deliver")
    assert result.exit_code == 0 and "close_due" not in result.output
    assert _state(due_challenge) is ChallengeState.PUBLISHED


def test_jobs_see_the_frozen_clock(app, monkeypatch):
    seen = []
    _add_job(monkeypatch, "test.clock", lambda now: seen.append(now) or {}, order=1)
    moment = utcnow() + timedelta(days=3)
    with frozen_time(moment):
        assert _run(app, "--only", "test.clock").exit_code == 0
    assert seen == [moment]
