"""The audit trail is a hash chain: verify passes after real work, names the first
tampered or missing event, stays contiguous under concurrent writers, and its head
is public (GET /audit/head.json and the footer of every page)."""
from __future__ import annotations

import re
import threading

import pytest
import sqlalchemy as sa
from sqlalchemy import text

from app.core.append_only import create_triggers, drop_statements
from app.core.audit import GENESIS, append_event, chain_hash, chain_head, verify_chain
from app.core.models import AuditChainHead, AuditEvent
from app.extensions import db


@pytest.fixture
def flow(make):
    """A realistic history: accounts, a screened demand, a published challenge, bids
    submitted, opened and reviewed (each step through the operations)."""
    from app.bids import formal_review as review_ops

    make.demand("rejected")
    challenge = make.challenge("published")
    early = make.bid(challenge, "submitted")
    make.bid(challenge, "passed")  # moves the deadline, opens the bids, passes this one
    review_ops.review_bid(early, actor=make.user(role="bureau"), is_complete=True, is_eligible=True,
                          is_passed=False, reason="缺少签字盖章页")
    db.session.commit()
    db.session.expire_all()
    return challenge


def _heights() -> list[int]:
    return list(db.session.scalars(sa.select(AuditEvent.height).order_by(AuditEvent.height)))


def _event_at(height: int) -> AuditEvent:
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.height == height)).one()


def _bypassing_triggers(statement: str, **params) -> None:
    """What someone with a SQL prompt and enough privileges could do."""
    db.session.rollback()
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            conn.execute(text(statement), params)
        else:
            for drop in drop_statements("sqlite", "audit_events"):
                conn.execute(text(drop))
            conn.execute(text(statement), params)
            create_triggers(conn, "audit_events")
    db.session.expire_all()


def _verify_cli(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def test_chain_verifies_after_a_realistic_flow(app, flow):
    heights = _heights()
    assert len(heights) >= 20 and heights == list(range(1, len(heights) + 1))
    checked, problem = verify_chain()
    assert problem is None and checked == len(heights)
    # every event links to its predecessor
    events = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.height)).all()
    assert events[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:]))
    head = chain_head()
    assert (head.height, head.hash) == (heights[-1], events[-1].hash)

    result = _verify_cli(app)
    assert result.exit_code == 0, result.output
    assert f"{len(heights)} 条事件" in result.output and f"链头高度 {head.height}" in result.output
    assert head.hash in result.output


def test_verify_in_small_batches(flow):
    checked, problem = verify_chain(batch=3)
    assert problem is None and checked == len(_heights())


def test_empty_chain_verifies():
    assert verify_chain() == (0, None)
    assert chain_head().height == 0 and chain_head().hash == GENESIS


@pytest.mark.parametrize("column, value", [("reason", "篡改后的理由"), ("actor_id", None),
                                           ("data_json", '{"role": "admin"}')])
def test_an_edited_event_is_named(app, flow, column, value):
    target = len(_heights()) // 2
    event_id = _event_at(target).id
    _bypassing_triggers(f"UPDATE audit_events SET {column} = :v WHERE height = :h", v=value, h=target)

    checked, problem = verify_chain()
    assert problem is not None
    assert (problem.height, problem.event_id, checked) == (target, event_id, target - 1)
    assert "hash" in problem.reason

    result = _verify_cli(app)
    assert result.exit_code == 1
    assert f"高度 {target}" in result.output and f"事件 id {event_id}" in result.output


def test_an_edited_event_with_a_recomputed_hash_breaks_the_next_link(flow):
    target = len(_heights()) // 2
    event = _event_at(target)
    event.reason = "伪造的理由"
    forged = chain_hash(event.prev_hash, event)
    _bypassing_triggers("UPDATE audit_events SET reason = '伪造的理由', hash = :hash WHERE height = :h",
                        hash=forged, h=target)
    checked, problem = verify_chain()
    assert (problem.height, checked) == (target + 1, target)
    assert "prev_hash" in problem.reason


def test_a_deleted_event_in_the_middle_is_named(app, flow):
    target = len(_heights()) // 2
    _bypassing_triggers("DELETE FROM audit_events WHERE height = :h", h=target)
    checked, problem = verify_chain()
    assert problem is not None and (problem.height, checked) == (target, target - 1)
    assert "missing" in problem.reason
    result = _verify_cli(app)
    assert result.exit_code == 1 and f"高度 {target}" in result.output


def test_deleting_the_newest_events_is_detected_against_the_head(app, flow):
    """The head row remembers how long the chain was: cutting off its end is not a
    shorter valid chain."""
    last = len(_heights())
    _bypassing_triggers("DELETE FROM audit_events WHERE height > :h", h=last - 2)
    checked, problem = verify_chain()
    assert problem is not None and problem.height == last - 1 and checked == last - 2
    result = _verify_cli(app)
    assert result.exit_code == 1 and f"高度 {last - 1}" in result.output


def test_rewriting_the_newest_event_is_detected_against_the_head(flow):
    last = len(_heights())
    event = _event_at(last)
    event.reason = "伪造的理由"
    forged = chain_hash(event.prev_hash, event)
    _bypassing_triggers("UPDATE audit_events SET reason = '伪造的理由', hash = :hash WHERE height = :h",
                        hash=forged, h=last)
    checked, problem = verify_chain()
    assert problem is not None and problem.height == last and checked == last
    assert "head" in problem.reason


def test_the_chain_cannot_fork(make):
    make.user(role="bureau")
    first = _event_at(1)
    twin = AuditEvent(entity_type="users", entity_id=1, action="forged", actor_role="system",
                      created_at=first.created_at, height=first.height, prev_hash=first.prev_hash)
    twin.hash = chain_hash(twin.prev_hash, twin)
    db.session.add(twin)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert verify_chain()[1] is None


def test_rolled_back_events_leave_no_gap(make):
    make.user(role="bureau")
    height = chain_head().height
    append_event("users", 1, "rolled_back")
    db.session.rollback()
    append_event("users", 1, "kept")
    db.session.commit()
    assert _heights() == list(range(1, height + 2))
    assert _event_at(height + 1).action == "kept"
    assert verify_chain()[1] is None


@pytest.mark.parametrize("start", ["head row of migration 0005", "no head row yet"])
def test_concurrent_writers_keep_the_chain_contiguous(app, start):
    """8 threads x 25 events, each thread with its own app context, session and
    connection, committing each event. SQLite and PostgreSQL (TEST_DATABASE_URL).
    Without a head row (a database made by create_all) the first appenders also race
    to create it."""
    threads_n, per_thread = 8, 25
    if start.startswith("head row"):  # as the migration leaves an empty database
        db.session.execute(sa.insert(AuditChainHead).values(id=1, height=0, head_hash=GENESIS))
        db.session.commit()
    barrier = threading.Barrier(threads_n)
    errors: list[BaseException] = []

    def writer(n: int):
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                for i in range(per_thread):
                    append_event("test_writers", n, "concurrent_write", data={"i": i})
                    db.session.commit()
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert _heights() == list(range(1, threads_n * per_thread + 1))
    assert verify_chain() == (threads_n * per_thread, None)
    per_writer = db.session.execute(sa.select(AuditEvent.entity_id, sa.func.count())
                                    .group_by(AuditEvent.entity_id)).all()
    assert sorted(per_writer) == [(n, per_thread) for n in range(threads_n)]
    head = db.session.get(AuditChainHead, 1)
    assert (head.height, head.head_hash) == (chain_head().height, chain_head().hash)


def test_head_json_is_the_chain_head(client, flow):
    response = client.get("/audit/head.json")
    assert response.status_code == 200
    body = response.get_json()
    head = chain_head()
    assert body["height"] == head.height and body["hash"] == head.hash and body["algorithm"] == "sha256"
    assert response.headers["Cache-Control"] == "no-cache"


def test_footer_shows_the_head(client, flow):
    head = chain_head()
    html = client.get("/").get_data(as_text=True)
    footer = re.search(r'<p class="audit-head">(.*?)</p>', html, re.S).group(1)
    assert f"审计链高度 {head.height}，链头哈希" in footer and head.hash[:16] in footer
    assert 'href="/audit/head.json"' in footer
