"""The audit trail: recorded events and how the log page shows them."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from app.core import audit
from app.core.audit import action_label, entity_label, record_event, register_labels, state_label
from app.core.models import AuditEvent
from app.core.timeutil import frozen_time, utcnow
from app.extensions import db
from tests.core.test_transitions import Light, Widget


def test_record_event_keeps_actor_reason_and_data(make):
    admin = make.user(role="admin")
    org = make.org()
    record_event(org, "note", actor=admin, reason="核查", data={"金额": 5})
    db.session.commit()
    event = AuditEvent.query.filter_by(action="note").one()
    assert (event.entity_type, event.entity_id, event.actor_id, event.actor_role) == \
        ("organisations", org.id, admin.id, "admin")
    assert event.reason == "核查" and event.data == {"金额": 5}


def test_frozen_time_moves_the_clock_for_events():
    moment = datetime(2026, 10, 9, 1, 0, tzinfo=timezone.utc)
    with frozen_time(moment):
        assert utcnow() == moment
        record_event(Widget(3), "note")
        db.session.commit()
    assert utcnow() != moment
    assert AuditEvent.query.one().created_at == moment
    with pytest.raises(ValueError):
        with frozen_time(datetime(2026, 1, 1)):
            pass


def test_labels_for_actions_entities_and_states(monkeypatch):
    assert action_label("user_created") == "创建用户"
    assert action_label("transition") == "状态变更"
    assert action_label("something_new") == "something_new"
    assert entity_label("organisations") == "单位"
    register_labels(actions={"widget_polished": "抛光"}, entities={"widgets": "部件"})
    assert action_label("widget_polished") == "抛光" and entity_label("widgets") == "部件"
    monkeypatch.setattr(audit, "_entity_class", lambda entity_type: Widget if entity_type == "widgets" else None)
    assert state_label("widgets", "open") == Light.OPEN.label == "已发布"
    assert state_label("widgets", "vanished") == "vanished"
    assert state_label("users", "x") == "x" and state_label("widgets", None) == ""


def test_audit_log_page_shows_chinese_labels(login_as, make, monkeypatch):
    from app.core.transitions import transition

    bureau = make.user(role="bureau")
    monkeypatch.setattr(audit, "_entity_class", lambda entity_type: Widget if entity_type == "widgets" else None)
    transition(Widget(5), Light.OPEN, bureau, "同意发布")
    db.session.commit()
    admin = login_as("admin")
    html = admin.get("/admin/audit").get_data(as_text=True)
    assert "创建用户" in html and "登录" in html
    assert "草稿 → 已发布" in html and "同意发布" in html
    assert "user_created" not in html
    filtered = admin.get("/admin/audit?entity=widgets").get_data(as_text=True)
    assert "同意发布" in filtered and "创建用户" not in filtered


def test_logins_and_logouts_are_for_admins_only_in_the_audit_log(app, make, login_as):
    """When each applicant works is not the bureau's business: login, logout and
    throttling events are listed to administrators only (also via ?entity=users)."""
    from tests.conftest import Browser

    applicant = make.user(role="applicant")
    b = Browser(app.test_client())
    b.login(applicant)
    b.post("/logout", token_from="/dashboard")
    from app.auth import operations as auth_ops
    from app.core.models import AuditEvent
    from app.extensions import db

    assert {e.action for e in AuditEvent.query.filter_by(actor_id=applicant.id)} >= {"login", "logout"}
    bureau = login_as("bureau")
    for url in ("/admin/audit", "/admin/audit?entity=users"):
        page = bureau.get(url).get_data(as_text=True)
        assert "登录" not in page.replace("登录后", "") and "退出登录" not in page, url
    auth_ops.set_user_active(db.session.get(type(applicant), applicant.id), False, actor=None)
    db.session.commit()
    assert "停用账号" in bureau.get("/admin/audit").get_data(as_text=True)  # other account events stay
    admin_page = login_as("admin").get("/admin/audit").get_data(as_text=True)
    assert "退出登录" in admin_page and "登录" in admin_page
