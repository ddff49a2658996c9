"""The transition helper: allowed moves write the audit event, everything else changes nothing."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from app.auth.models import Role
from app.core.audit import history
from app.core.enums import LabelledEnum
from app.core.models import AuditEvent
from app.core.transitions import SYSTEM, TransitionError, TransitionTable, transition
from app.extensions import db


class Light(LabelledEnum):
    DRAFT = "draft", _l("草稿")
    OPEN = "open", _l("已发布")
    CLOSED = "closed", _l("已截止")
    CANCELLED = "cancelled", _l("已撤销")


LIGHT_TRANSITIONS = (
    TransitionTable(Light)
    .add(Light.DRAFT, Light.OPEN, [Role.BUREAU])
    .add(Light.OPEN, Light.CLOSED, [SYSTEM, Role.BUREAU])
    .add(Light.OPEN, Light.CANCELLED, [Role.BUREAU], reason_required=True)
)


class Widget:
    """A stand-in entity: transition() needs a state, an id and a table name."""

    __tablename__ = "widgets"
    __transitions__ = LIGHT_TRANSITIONS

    def __init__(self, id, state=Light.DRAFT):
        self.id = id
        self.state = state


def test_allowed_move_changes_state_and_records_who_when_from_to_why(make):
    bureau = make.user(role="bureau")
    widget = Widget(7)
    before = datetime.now(timezone.utc)
    transition(widget, Light.OPEN, bureau, "审核通过")
    db.session.commit()
    assert widget.state is Light.OPEN
    (event,) = history(widget)
    assert (event.entity_type, event.entity_id, event.action) == ("widgets", 7, "transition")
    assert (event.from_state, event.to_state) == ("draft", "open")
    assert (event.actor_id, event.actor_role, event.reason) == (bureau.id, "bureau", "审核通过")
    assert before <= event.created_at <= datetime.now(timezone.utc)


def test_system_moves_have_no_actor():
    widget = Widget(8, Light.OPEN)
    transition(widget, Light.CLOSED, None, data={"deadline": "2026-11-30"})
    db.session.commit()
    (event,) = history(widget)
    assert event.actor_id is None and event.actor_role == "system"
    assert event.data == {"deadline": "2026-11-30"}


@pytest.mark.parametrize("frm, to", [(Light.DRAFT, Light.CLOSED), (Light.CLOSED, Light.OPEN),
                                     (Light.OPEN, Light.OPEN)])
def test_moves_not_in_the_table_are_refused(make, frm, to):
    bureau = make.user(role="bureau")
    widget = Widget(9, frm)
    with pytest.raises(TransitionError) as info:
        transition(widget, to, bureau, "试试")
    assert str(info.value).startswith("不允许的状态变更：")
    assert (info.value.from_state, info.value.to_state) == (frm, to)
    assert widget.state is frm
    assert AuditEvent.query.count() == 1  # only the user_created event


@pytest.mark.parametrize("role", ["applicant", "expert", "finance", "admin"])
def test_wrong_role_is_refused(make, role):
    widget = Widget(10)
    user = make.user(role=role)
    with pytest.raises(TransitionError, match="当前角色无权执行此状态变更"):
        transition(widget, Light.OPEN, user)
    assert widget.state is Light.DRAFT
    assert history(widget) == []


def test_a_user_cannot_make_a_system_only_move_and_system_cannot_make_user_moves():
    table = TransitionTable(Light).add(Light.OPEN, Light.CLOSED, [SYSTEM])
    assert table.allows(Light.OPEN, Light.CLOSED, SYSTEM)
    assert not table.allows(Light.OPEN, Light.CLOSED, "bureau")
    with pytest.raises(TransitionError):
        transition(Widget(11), Light.OPEN, None)


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_reason_is_required_where_the_table_says_so(make, reason):
    bureau = make.user(role="bureau")
    widget = Widget(12, Light.OPEN)
    with pytest.raises(TransitionError, match="此操作必须填写理由"):
        transition(widget, Light.CANCELLED, bureau, reason)
    assert widget.state is Light.OPEN
    assert history(widget) == []
    transition(widget, Light.CANCELLED, bureau, "企业撤回需求")
    assert widget.state is Light.CANCELLED


def test_table_as_data():
    assert LIGHT_TRANSITIONS.targets(Light.OPEN, "bureau") == [Light.CLOSED, Light.CANCELLED]
    assert LIGHT_TRANSITIONS.targets(Light.OPEN, SYSTEM) == [Light.CLOSED]
    assert (Light.OPEN, Light.CLOSED, ["bureau", "system"]) in LIGHT_TRANSITIONS.edges()
    assert Light.OPEN.label == "已发布"
    assert [c.label for c in Light.choices()][0] == "草稿"


def test_database_refuses_a_transition_event_without_target_state():
    db.session.add(AuditEvent(entity_type="widgets", entity_id=1, action="transition"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
