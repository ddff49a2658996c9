"""The outbox: messages exist only if their transaction committed, are delivered once,
retried with back-off by ``jobs run`` when the handler fails, and a claimed message is
never delivered by a second dispatcher."""
from __future__ import annotations

import os
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app.core import outbox
from app.core.models import OutboxMessage
from app.core.timeutil import frozen_time
from app.core.uow import unit_of_work
from app.extensions import db

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)
ON_POSTGRES = (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql")


class Recorder:
    """An outbox handler that records each delivery and fails while ``failures`` > 0."""

    def __init__(self, failures: int = 0, delay: float = 0.0):
        self.failures = failures
        self.delay = delay
        self.calls: list[int] = []
        self._lock = threading.Lock()

    def __call__(self, message):
        if self.delay:
            time.sleep(self.delay)
        with self._lock:
            self.calls.append(message.id)
            if self.failures > 0:
                self.failures -= 1
                raise ConnectionError("mail relay unreachable")


@pytest.fixture
def handler(monkeypatch):
    recorder = Recorder()
    monkeypatch.setitem(outbox._HANDLERS, "test.outbox", recorder)
    return recorder


def _message(message_id) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))


def _enqueue_committed(payload=None) -> int:
    """A committed message, not yet delivered (as if the process died after the commit)."""
    message_id = outbox.enqueue("test.outbox", payload or {"n": 1}).id
    db.session.commit()
    db.session.info.pop(outbox.SESSION_KEY, None)
    return message_id


def test_rolled_back_message_does_not_exist_and_is_not_delivered(handler):
    message = outbox.enqueue("test.outbox", {"n": 1})
    assert message.id is not None  # flushed into the transaction ...
    db.session.rollback()           # ... which then rolls back
    outbox.dispatch_after_commit()
    assert outbox.dispatch_due() == {"due": 0, "delivered": 0}
    assert _count() == 0 and handler.calls == []


def test_committed_message_is_delivered_exactly_once(handler):
    with frozen_time(T0):
        with unit_of_work():
            message_id = outbox.enqueue("test.outbox", {"n": 1}, recipients=[7, 8]).id
        assert handler.calls == [message_id]
        stored = _message(message_id)
        assert stored.sent_at == T0 and stored.attempts == 0 and stored.last_error is None
        assert stored.payload == {"n": 1} and stored.recipients == [7, 8]
        # nothing left for the scheduler, and a late second dispatcher gets nothing
        assert outbox.dispatch_due() == {"due": 0, "delivered": 0}
        assert outbox.deliver(message_id) is False
    assert handler.calls == [message_id]


def test_failing_handler_is_retried_with_backoff_by_dispatch_due(handler):
    handler.failures = 2
    with frozen_time(T0):
        with unit_of_work():
            message_id = outbox.enqueue("test.outbox", {"n": 1}).id
    stored = _message(message_id)
    assert handler.calls == [message_id]
    assert stored.sent_at is None and stored.attempts == 1
    assert stored.last_error == "ConnectionError: mail relay unreachable"
    assert stored.next_attempt_at == T0 + timedelta(minutes=1)
    assert stored.claimed_until is None

    with frozen_time(T0 + timedelta(seconds=59)):  # not due yet
        assert outbox.dispatch_due() == {"due": 0, "delivered": 0}
    assert len(handler.calls) == 1

    t1 = T0 + timedelta(minutes=1)
    with frozen_time(t1):  # second failure: the wait doubles
        assert outbox.dispatch_due() == {"due": 1, "delivered": 0}
    stored = _message(message_id)
    assert stored.attempts == 2 and stored.next_attempt_at == t1 + timedelta(minutes=2)

    with frozen_time(t1 + timedelta(minutes=1, seconds=59)):
        assert outbox.dispatch_due() == {"due": 0, "delivered": 0}
    t2 = t1 + timedelta(minutes=2)
    with frozen_time(t2):
        assert outbox.dispatch_due() == {"due": 1, "delivered": 1}
        assert outbox.dispatch_due() == {"due": 0, "delivered": 0}
    stored = _message(message_id)
    assert stored.sent_at == t2 and stored.last_error is None and stored.attempts == 2
    assert handler.calls == [message_id] * 3


def test_rows_a_failing_handler_wrote_are_rolled_back(monkeypatch):
    from app.auth.models import Organisation, OrgType

    def half_done(message):
        db.session.add(Organisation(name="投递一半的单位", org_type=OrgType.ENTERPRISE,
                                    credit_code="91350100M000100Y43"))
        db.session.flush()
        raise RuntimeError("failed after writing")

    monkeypatch.setitem(outbox._HANDLERS, "test.outbox", half_done)
    message_id = _enqueue_committed()
    assert outbox.deliver(message_id) is False
    assert Organisation.query.count() == 0
    assert _message(message_id).attempts == 1


def test_unknown_kind_is_kept_and_reported():
    with frozen_time(T0):
        with unit_of_work():
            message_id = outbox.enqueue("test.nobody-handles-this", {"n": 1}).id
    stored = _message(message_id)
    assert stored.sent_at is None and stored.attempts == 1 and "no outbox handler" in stored.last_error


def test_gives_up_after_max_attempts(handler, monkeypatch):
    monkeypatch.setattr(outbox, "MAX_ATTEMPTS", 3)
    handler.failures = 99
    with frozen_time(T0):
        message_id = _enqueue_committed()
    now = T0
    for _attempt in range(3):
        with frozen_time(now):
            outbox.dispatch_due()
        now = now + timedelta(hours=7)
    stored = _message(message_id)
    assert stored.attempts == 3 and stored.next_attempt_at is None and stored.sent_at is None
    with frozen_time(now + timedelta(days=30)):
        assert outbox.dispatch_due() == {"due": 0, "delivered": 0}
    assert len(handler.calls) == 3


def test_backoff_doubles_and_is_capped():
    assert [outbox.backoff(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert outbox.backoff(30) == timedelta(hours=6)


def test_messages_enqueued_by_a_handler_are_delivered_in_the_same_dispatch(handler, monkeypatch):
    def fan_out(message):
        for n in (1, 2):
            outbox.enqueue("test.outbox", {"child": n})

    monkeypatch.setitem(outbox._HANDLERS, "test.parent", fan_out)
    with unit_of_work():
        outbox.enqueue("test.parent", {})
    assert len(handler.calls) == 2
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))
                             .where(OutboxMessage.sent_at.is_(None))) == 0


def test_a_second_dispatcher_does_not_deliver(handler):
    message_id = _enqueue_committed()
    assert outbox.deliver(message_id) is True
    assert outbox.deliver(message_id) is False
    assert handler.calls == [message_id]


def test_a_claimed_message_is_left_to_its_claimant_until_the_claim_expires(handler):
    message_id = _enqueue_committed()
    with frozen_time(T0):
        assert outbox._claim(message_id) is True  # another dispatcher claimed it, then stalled
        assert outbox.deliver(message_id) is False
        assert outbox.dispatch_due()["delivered"] == 0
    assert handler.calls == []
    with frozen_time(T0 + timedelta(seconds=outbox.CLAIM_SECONDS - 1)):
        assert outbox.deliver(message_id) is False
    with frozen_time(T0 + timedelta(seconds=outbox.CLAIM_SECONDS + 1)):  # the claimant died
        assert outbox.deliver(message_id) is True
    assert handler.calls == [message_id]


@pytest.mark.parametrize("dispatchers", [8])
def test_concurrent_dispatchers_deliver_once(app, handler, dispatchers):
    """Threads, each with its own app context, session and connection, race to deliver.
    On SQLite the write lock serialises the claims; on PostgreSQL (TEST_DATABASE_URL)
    they really run in parallel and only the conditional UPDATE decides."""
    handler.delay = 0.05
    ids = [_enqueue_committed({"n": n}) for n in range(3)]
    barrier = threading.Barrier(dispatchers)
    results: list[tuple[int, bool]] = []
    errors: list[BaseException] = []

    def dispatcher():
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                for message_id in ids:
                    results.append((message_id, outbox.deliver(message_id)))
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=dispatcher) for _ in range(dispatchers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert sorted(handler.calls) == ids
    for message_id in ids:
        wins = [ok for mid, ok in results if mid == message_id]
        assert len(wins) == dispatchers and wins.count(True) == 1
        assert _message(message_id).sent_at is not None


@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (TEST_DATABASE_URL)")
def test_postgres_claims_are_atomic_while_the_handler_runs(app, monkeypatch):
    """While one dispatcher is inside the handler, every other dispatcher's claim fails."""
    inside = threading.Event()
    release = threading.Event()
    calls = []

    def slow(message):
        calls.append(message.id)
        inside.set()
        assert release.wait(timeout=10)

    monkeypatch.setitem(outbox._HANDLERS, "test.outbox", slow)
    message_id = _enqueue_committed()
    outcome = {}

    def first():
        with app.app_context():
            outcome["first"] = outbox.deliver(message_id)
            db.session.remove()

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert inside.wait(timeout=10)
        others = []

        def other():
            with app.app_context():
                others.append(outbox.deliver(message_id))
                db.session.remove()

        racers = [threading.Thread(target=other) for _ in range(6)]
        for t in racers:
            t.start()
        for t in racers:
            t.join(timeout=10)
        assert others == [False] * 6
    finally:
        release.set()
        thread.join(timeout=10)
    assert outcome["first"] is True and calls == [message_id]


def test_a_failing_sibling_does_not_hold_back_what_an_earlier_handler_enqueued(handler, monkeypatch):
    """Two messages of one transaction: the first fans out a child, the second fails.
    The failure's rollback must not make the dispatcher forget the child."""
    def fan_out(message):
        outbox.enqueue("test.outbox", {"child": 1})

    def broken(message):
        raise RuntimeError("this one fails")

    monkeypatch.setitem(outbox._HANDLERS, "test.parent", fan_out)
    monkeypatch.setitem(outbox._HANDLERS, "test.broken", broken)
    with unit_of_work():
        outbox.enqueue("test.parent", {})
        outbox.enqueue("test.broken", {})
    assert len(handler.calls) == 1  # the child went out right after the commit
    kinds = dict(db.session.execute(sa.select(OutboxMessage.kind, OutboxMessage.sent_at.is_not(None))).all())
    assert kinds == {"test.parent": True, "test.broken": False, "test.outbox": True}
