"""The unit of work: one transaction per request, refused requests change nothing,
races answer 409, errors are answered once (HTML page or problem details), and the
outbox delivers only what a committed transaction wrote."""
from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from app.auth.models import Organisation, OrgType
from app.challenges import operations as ch_ops
from app.challenges.models import Challenge, ChallengeState
from app.core import outbox, uow
from app.core.audit import chain_head
from app.core.errors import InvalidInput, StateConflict
from app.core.models import AuditEvent, OutboxMessage
from app.extensions import db

JSON = {"Accept": "application/json"}


@pytest.fixture
def delivered(monkeypatch):
    """Messages of kind ``test.uow`` delivered by the outbox (payloads, in order)."""
    seen = []
    monkeypatch.setitem(outbox._HANDLERS, "test.uow", lambda message: seen.append(message.payload))
    return seen


@pytest.fixture
def bureau(login_as):
    return login_as("bureau")


def _state(challenge_id):
    db.session.expire_all()
    return db.session.get(Challenge, challenge_id).state


def _events(challenge_id):
    return db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.entity_type == "challenges", AuditEvent.entity_id == challenge_id)).all()


def _cancel(browser, challenge, **kwargs):
    return browser.post(f"/manage/challenges/{challenge.id}/cancel", {"reason": "配套资金未落实"}, **kwargs)


def test_every_view_is_wrapped(app):
    unwrapped = [e for e, v in app.view_functions.items()
                 if e != "static" and not getattr(v, "__wrapped_by_uow__", False)]
    assert unwrapped == []


def test_a_post_commits_once_and_its_changes_stay(make, bureau):
    c = make.challenge("published")
    commits = []
    # COMMITs on the connection: a SAVEPOINT released inside the request (the 撤榜公告
    # is issued in one) fires the session's after_commit but is no commit.
    with _listening(db.engine, "commit", lambda conn: commits.append(conn)):
        response = _cancel(bureau, c)
    assert response.status_code == 302
    assert len(commits) == 1
    assert _state(c.id) is ChallengeState.CANCELLED
    assert "transition" in _events(c.id)


# -- refused requests change nothing ----------------------------------------------------

def test_an_operation_refused_after_writing_changes_nothing(make, bureau, monkeypatch, delivered):
    c = make.challenge("published")
    head = chain_head()
    original = ch_ops.cancel_challenge

    def cancel_then_refuse(challenge, *, actor, reason):
        original(challenge, actor=actor, reason=reason)  # state, audit event, ...
        outbox.enqueue("test.uow", {"cancelled": challenge.id})  # ... and a message
        db.session.add(Organisation(name="不该存在的单位", org_type=OrgType.ENTERPRISE,
                                    credit_code="91350100M000100Y43"))
        db.session.flush()  # written to the database, inside the request's transaction
        raise InvalidInput([("reason", "理由不充分")])

    monkeypatch.setattr(ch_ops, "cancel_challenge", cancel_then_refuse)
    response = _cancel(bureau, c)
    assert response.status_code == 400
    assert "理由不充分" in response.get_data(as_text=True)
    assert _state(c.id) is ChallengeState.PUBLISHED
    assert "transition" not in _events(c.id)
    assert chain_head() == head
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Organisation).where(
        Organisation.name == "不该存在的单位")) == 0
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0
    assert delivered == []


def test_a_view_answering_4xx_without_raising_is_rolled_back(app, monkeypatch, bureau, delivered):
    def refuse():
        db.session.add(Organisation(name="半途而废的单位", org_type=OrgType.ENTERPRISE,
                                    credit_code="91350100M000100Y43"))
        outbox.enqueue("test.uow", {"x": 1})
        return "refused", 422

    monkeypatch.setitem(app.view_functions, "notifications.read_all", uow.wrap_view(refuse))
    response = bureau.post("/notifications/read-all")
    assert response.status_code == 422
    assert Organisation.query.filter_by(name="半途而废的单位").count() == 0
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0
    assert delivered == []


def test_a_get_never_writes_nor_delivers(app, client, monkeypatch, delivered):
    def writing_get():
        db.session.add(Organisation(name="读页面写入的单位", org_type=OrgType.ENTERPRISE,
                                    credit_code="91350100M000100Y43"))
        outbox.enqueue("test.uow", {"x": 1})
        return "ok"

    monkeypatch.setitem(app.view_functions, "core.index", uow.wrap_view(writing_get))
    assert client.get("/").status_code == 200
    assert Organisation.query.filter_by(name="读页面写入的单位").count() == 0
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0
    assert delivered == []


def test_a_committed_post_delivers_its_messages_after_the_commit(app, monkeypatch, bureau):
    seen = []

    def handler(message):
        # delivered after the commit: another connection already sees the message row
        with db.engine.connect() as conn:
            seen.append(conn.execute(sa.select(OutboxMessage.payload_json)
                                     .where(OutboxMessage.id == message.id)).scalar_one())

    def writing_post():
        outbox.enqueue("test.uow", {"n": 1})
        outbox.enqueue("test.uow", {"n": 2})
        return "ok"

    monkeypatch.setitem(outbox._HANDLERS, "test.uow", handler)
    monkeypatch.setitem(app.view_functions, "notifications.read_all", uow.wrap_view(writing_post))
    assert bureau.post("/notifications/read-all").status_code == 200
    assert [json.loads(p) for p in seen] == [{"n": 1}, {"n": 2}]
    assert all(m.sent_at is not None for m in db.session.scalars(sa.select(OutboxMessage)))


# -- races become 409 ---------------------------------------------------------------------

def test_integrity_error_in_an_operation_answers_409(make, bureau, monkeypatch, delivered):
    c = make.challenge("published")

    def racing(challenge, *, actor, reason):
        outbox.enqueue("test.uow", {"x": 1})
        raise IntegrityError("INSERT INTO x", {}, Exception("UNIQUE constraint failed: x.y"))

    monkeypatch.setattr(ch_ops, "cancel_challenge", racing)
    response = _cancel(bureau, c)
    assert response.status_code == 409
    assert "刚刚被其他人修改" in response.get_data(as_text=True)
    assert _state(c.id) is ChallengeState.PUBLISHED
    assert delivered == []


def test_stale_data_error_in_an_operation_answers_409(make, login_as, monkeypatch):
    from app.demands import manage_views as demand_views

    demand = make.demand("submitted")
    bureau = login_as("bureau")

    def stale(demand, *, actor, reason):
        raise StaleDataError("UPDATE statement on table 'demands' expected to update 1 row(s); 0 were matched.")

    _op, form, message = demand_views.SCREENING["reject"]
    monkeypatch.setitem(demand_views.SCREENING, "reject", (stale, form, message))
    response = bureau.post(f"/demands/{demand.id}/reject", {"reason": "重复申报"}, headers=JSON)
    assert response.status_code == 409
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.get_json()["status"] == 409


def test_a_real_concurrent_change_is_caught_at_commit_and_answers_409(make, bureau, monkeypatch, delivered):
    """Another process changes the challenge between this request's read and its commit:
    the version check fails when the unit of work commits (StaleDataError) -> 409."""
    c = make.challenge("published")
    original = ch_ops.cancel_challenge

    def cancel_while_someone_else_edits(challenge, *, actor, reason):
        with db.engine.begin() as conn:  # the other writer, committed before our flush
            conn.execute(sa.text("UPDATE challenges SET title = '并发修改后的标题', version = version + 1 "
                                 "WHERE id = :id"), {"id": challenge.id})
        outbox.enqueue("test.uow", {"x": 1})
        return original(challenge, actor=actor, reason=reason)

    monkeypatch.setattr(ch_ops, "cancel_challenge", cancel_while_someone_else_edits)
    head = chain_head()
    response = _cancel(bureau, c)
    assert response.status_code == 409
    db.session.expire_all()
    stored = db.session.get(Challenge, c.id)
    assert stored.state is ChallengeState.PUBLISHED and stored.title == "并发修改后的标题"
    assert chain_head() == head  # the audit event of the lost transaction is gone too
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0
    assert delivered == []


@pytest.mark.parametrize("exc, race", [
    (IntegrityError("stmt", {}, Exception("duplicate key")), True),
    (StaleDataError("0 rows matched"), True),
    (OperationalError("stmt", {}, Exception("database is locked")), True),
    (OperationalError("stmt", {}, Exception("no such table: x")), False),
    (ValueError("boom"), False),
])
def test_is_race(exc, race):
    assert uow.is_race(exc) is race


@pytest.mark.parametrize("sqlstate, race", [("40001", True), ("40P01", True), ("55P03", True),
                                            ("23505", True), ("42P01", False), (None, False)])
def test_postgres_races_by_sqlstate(sqlstate, race):
    class Orig(Exception):
        pass

    orig = Orig("could not serialize access")
    orig.sqlstate = sqlstate
    assert uow.is_race(DBAPIError("stmt", {}, orig)) is race


# -- one error handler: problem details, pages ------------------------------------------------

def test_json_clients_get_problem_details(make, bureau):
    c = make.challenge("finished")  # cannot be cancelled any more: StateConflict from the operation
    response = _cancel(bureau, c, headers=JSON)
    assert response.status_code == 409
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 409 and body["title"] == "状态冲突"
    assert body["detail"] and "<" not in body["detail"]
    assert body["instance"] == f"/manage/challenges/{c.id}/cancel"
    assert body["request_id"] == response.headers["X-Request-ID"]
    assert "errors" not in body


def test_invalid_input_problem_details_list_every_field(make, bureau, monkeypatch):
    c = make.challenge("published")

    def refuse(challenge, *, actor, reason):
        raise InvalidInput([("reason", "理由过短"), ("challenge_id", "该榜单已有申报，不能撤榜")])

    monkeypatch.setattr(ch_ops, "cancel_challenge", refuse)
    response = _cancel(bureau, c, headers=JSON)
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 400 and body["title"] == "请求无效"
    assert "理由过短" in body["detail"] and "该榜单已有申报" in body["detail"]
    assert body["errors"] == [{"field": "reason", "message": "理由过短"},
                              {"field": "challenge_id", "message": "该榜单已有申报，不能撤榜"}]


def test_html_page_lists_every_problem_with_a_back_link(make, bureau, monkeypatch):
    c = make.challenge("published")
    problems = [("reason", "理由过短"), ("challenge_id", "该榜单已有申报，不能撤榜"), ("x", "第三个问题")]

    def refuse(challenge, *, actor, reason):
        raise InvalidInput(problems)

    monkeypatch.setattr(ch_ops, "cancel_challenge", refuse)
    page = f"http://localhost/manage/challenges/{c.id}"
    response = _cancel(bureau, c, headers={"Referer": page})
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("text/html")
    html = response.get_data(as_text=True)
    listed = re.search(r'<ul class="error problem-list">(.*?)</ul>', html, re.S)
    assert listed, html
    assert re.findall(r"<li>(.*?)</li>", listed.group(1)) == [m for _f, m in problems]
    assert f'<a href="/manage/challenges/{c.id}">返回上一页</a>' in html


def test_500_page_shows_the_request_id(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    monkeypatch.setitem(app.view_functions, "core.index", uow.wrap_view(lambda: 1 / 0))
    response = client.get("/", headers={"X-Request-ID": "trace-5f3a9c21"})
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "系统错误" in html and "trace-5f3a9c21" in html
    assert "ZeroDivisionError" not in html
    assert response.headers["X-Request-ID"] == "trace-5f3a9c21"

    generated = client.get("/")
    assert generated.status_code == 500
    assert generated.headers["X-Request-ID"] in generated.get_data(as_text=True)

    problem = client.get("/", headers={**JSON, "X-Request-ID": "trace-77777777"})
    assert problem.status_code == 500 and problem.get_json()["request_id"] == "trace-77777777"
    assert "ZeroDivisionError" not in problem.get_data(as_text=True)


# -- the CLI unit of work ------------------------------------------------------------------

def test_unit_of_work_commits_and_then_delivers(delivered):
    with uow.unit_of_work():
        outbox.enqueue("test.uow", {"n": 1})
        assert delivered == []  # not before the commit
    assert delivered == [{"n": 1}]


def test_unit_of_work_rolls_back_on_error_and_delivers_nothing(delivered):
    with pytest.raises(RuntimeError), uow.unit_of_work():
        db.session.add(Organisation(name="命令行失败的单位", org_type=OrgType.ENTERPRISE,
                                    credit_code="91350100M000100Y43"))
        outbox.enqueue("test.uow", {"n": 1})
        raise RuntimeError("job failed")
    outbox.dispatch_after_commit()
    assert delivered == []
    assert Organisation.query.count() == 0
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0


def test_unit_of_work_turns_a_lost_race_at_commit_into_state_conflict(make):
    org = make.org()
    with pytest.raises(StateConflict), uow.unit_of_work():
        db.session.add(Organisation(name="重复信用代码", org_type=OrgType.ENTERPRISE,
                                    credit_code=org.credit_code))
    assert Organisation.query.count() == 1


class _listening:
    def __init__(self, target, name, fn):
        self.args = (target, name, fn)

    def __enter__(self):
        sa.event.listen(*self.args)

    def __exit__(self, *exc):
        sa.event.remove(*self.args)
