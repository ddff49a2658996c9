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
    assert POLICY_DEFAULTS["reconfirm_min_days"] == 15


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
    assert [(e.data["key"], e.data["old"], e.data["new"]) for e in events] == [
        ("max_time_limit_months", "36", "24"),
        ("max_time_limit_months", "24", "30"),
    ]
    assert events[0].data["label"] == "完成时限上限（规则3）"


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
    ({"key": "max_time_limit_months", "value": "abc"}, "应为1到120之间的整数"),
    ({"key": "max_time_limit_months", "value": "-3"}, "应为1到120之间的整数"),
    ({"key": "max_time_limit_months", "value": "1e999999"}, "应为1到120之间的整数"),
    ({"key": "max_time_limit_months", "value": "NaN"}, "应为1到120之间的整数"),
    ({"key": "max_time_limit_months", "value": "2.5"}, "应为1到120之间的整数"),
    ({"key": "min_bid_window_days", "value": "0"}, "应为1到180之间的整数"),
    ({"key": "enterprise_self_funding_ratio", "value": "11"}, "0:1到10:1之间"),
    ({"key": "enterprise_self_funding_ratio", "value": "1.555"}, "最多两位小数"),
    ({"key": "single_project_cap_fen", "value": "0"}, "10,000.00元到"),
    ({"key": "nope", "value": "3"}, "未知的政策参数"),
    ({"key": "single_project_cap_fen", "value": "1.234"}, "金额最多保留两位小数"),
    ({"key": "max_time_limit_months", "value": ""}, "请填写参数值"),
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


def test_ratios_take_decimals_and_bids_use_them(login_as):
    from decimal import Decimal

    from app.bids.rules import BidLimits, budget_problems

    admin = login_as("admin")
    response = admin.post("/admin/policy", {"key": "enterprise_self_funding_ratio", "value": "1.5"},
                          token_from="/admin/policy")
    assert response.status_code == 302
    assert policy("enterprise_self_funding_ratio") == Decimal("1.5")
    assert "1.5:1" in admin.get("/admin/policy").get_data(as_text=True)
    limits = BidLimits.current()
    ok = dict(fiscal_fen=100_000_000, issuer_fen=300_000_000, challenge_support_fen=100_000_000,
              challenge_issuer_funding_fen=300_000_000, lead_is_academic=False, limits=limits)
    assert budget_problems(self_fen=150_000_000, **ok) == []
    assert budget_problems(self_fen=149_999_999, **ok)


def test_a_save_that_changes_nothing_is_not_audited(login_as):
    admin = login_as("admin")
    before = AuditEvent.query.filter_by(action="policy_changed").count()
    response = admin.post("/admin/policy", {"key": "max_time_limit_months", "value": "36"},
                          token_from="/admin/policy")
    assert response.status_code == 302
    assert AuditEvent.query.filter_by(action="policy_changed").count() == before
    assert PolicySetting.query.count() == 0
    assert "未改变" in admin.get("/admin/policy").get_data(as_text=True)


def test_the_audit_log_shows_old_and_new_values(login_as):
    admin = login_as("admin")
    admin.post("/admin/policy", {"key": "publicity_working_days", "value": "10"}, token_from="/admin/policy")
    page = admin.get("/admin/audit").get_data(as_text=True)
    assert "公示期（规则14）：7 → 10" in page


def test_a_refused_value_is_shown_again_next_to_its_parameter(login_as):
    admin = login_as("admin")
    response = admin.post("/admin/policy", {"key": "min_bid_window_days", "value": "0"}, token_from="/admin/policy")
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="policy-min_bid_window_days-error"' in body and 'value="0"' in body


def test_every_policy_has_a_range_containing_its_default(app):
    from app.core.policy import POLICY_SPECS

    for key, spec in POLICY_SPECS.items():
        assert spec.floor <= POLICY_DEFAULTS[key] <= spec.ceiling, key
    assert POLICY_SPECS["min_bid_window_days"].floor >= 1
