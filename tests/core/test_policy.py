"""Configurable rule values: config defaults, database overrides, the admin page."""
from __future__ import annotations

import pytest

from app.core.models import AuditEvent, PolicySetting
from app.core.operations import PolicyError, set_policy
from app.core.policy import POLICY_LABELS, all_policies, policy
from app.extensions import db
from config import POLICY_DEFAULTS


def test_every_policy_has_a_label():
    assert set(POLICY_LABELS) == set(POLICY_DEFAULTS)


def test_defaults_come_from_config():
    assert policy("max_time_limit_months") == 36
    assert policy("min_agreement_total_fen") == 500_000_000
    assert policy("publicity_working_days") == 7
    with pytest.raises(KeyError):
        policy("no_such_rule")


def test_override_wins_and_is_audited(make):
    admin = make.user(role="admin")
    set_policy("max_time_limit_months", 24, actor=admin)
    db.session.commit()
    assert policy("max_time_limit_months") == 24
    assert all_policies()["max_time_limit_months"] == 24
    assert all_policies()["max_extension_months"] == 12
    set_policy("max_time_limit_months", 30, actor=admin)
    db.session.commit()
    assert PolicySetting.query.count() == 1
    events = AuditEvent.query.filter_by(action="policy_changed").order_by(AuditEvent.id).all()
    assert [e.data for e in events] == [
        {"key": "max_time_limit_months", "old": 36, "new": 24},
        {"key": "max_time_limit_months", "old": 24, "new": 30},
    ]


def test_config_override_per_deployment(app, monkeypatch):
    monkeypatch.setitem(app.config["POLICY"], "publicity_working_days", 5)
    assert policy("publicity_working_days") == 5


@pytest.mark.parametrize("key, value", [("unknown", 1), ("max_time_limit_months", -1)])
def test_bad_overrides_are_refused(make, key, value):
    with pytest.raises(PolicyError):
        set_policy(key, value, actor=make.user(role="admin"))
    assert PolicySetting.query.count() == 0


def test_admin_changes_a_money_policy_in_yuan(login_as):
    admin = login_as("admin")
    response = admin.post("/admin/policy", {"key": "single_project_cap_fen", "value": "8,000,000"},
                          token_from="/admin/policy")
    assert response.status_code == 302
    assert policy("single_project_cap_fen") == 800_000_000
    page = admin.get("/admin/policy").get_data(as_text=True)
    assert "8,000,000.00元" in page


@pytest.mark.parametrize("data, message", [
    ({"key": "max_time_limit_months", "value": "abc"}, "请输入非负整数"),
    ({"key": "max_time_limit_months", "value": "-3"}, "请输入非负整数"),
    ({"key": "nope", "value": "3"}, "未知的政策参数"),
    ({"key": "single_project_cap_fen", "value": "1.234"}, "金额最多保留两位小数"),
    ({"key": "max_time_limit_months", "value": ""}, "请求无效"),
])
def test_admin_bad_input_is_400_and_changes_nothing(login_as, data, message):
    admin = login_as("admin")
    response = admin.post("/admin/policy", data, token_from="/admin/policy")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert PolicySetting.query.count() == 0


def test_database_keeps_one_row_per_policy_key():
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    insert = text("INSERT INTO policy_settings (key, value, updated_at) VALUES ('max_time_limit_months', :v, :t)")
    db.session.execute(insert, {"v": 24, "t": "2026-11-21 10:00:00"})
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(insert, {"v": 30, "t": "2026-11-21 10:00:00"})
        db.session.flush()
    db.session.rollback()
    assert policy("max_time_limit_months") == 24
