"""Rules 1 and 4-10 for bids at their boundaries (pure functions)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from app.bids import rules
from app.bids.rules import BidLimits, PlannedMilestone

WAN = 1_000_000  # fen in 1万元
LIMITS = BidLimits(min_agreement_total_fen=500 * WAN, single_project_cap_fen=1000 * WAN,
                   enterprise_self_funding_ratio=2, academic_self_funding_ratio=1,
                   max_consortium_members=5, bad_credit_lookback_years=3)


def budget(fiscal, issuer, own, *, academic=True, support=300 * WAN, issuer_cap=300 * WAN, limits=LIMITS):
    return rules.budget_problems(fiscal_fen=fiscal, issuer_fen=issuer, self_fen=own,
                                 challenge_support_fen=support, challenge_issuer_funding_fen=issuer_cap,
                                 lead_is_academic=academic, limits=limits)


def fields(problems):
    return [f for f, _m in problems]


def test_rule1_issuer_as_lead_or_member_refused_case_insensitively():
    assert rules.issuer_problems("91410800AAAA", "91410800aaaa", []) != []
    assert fields(rules.issuer_problems("X1", "Y1", ["Z1", "x1"])) == ["member_ids"]
    assert rules.issuer_problems("X1", "Y1", ["Z1"]) == []


def test_rule4_total_exactly_minimum_passes_one_fen_less_fails():
    assert budget(100 * WAN, 200 * WAN, 200 * WAN) == []                        # 500万 exactly
    problems = budget(100 * WAN, 200 * WAN, 200 * WAN - 1)
    assert "self_funding" in fields(problems) and "规则4" in problems[0][1]


def test_rule5_fiscal_support_capped_by_challenge_and_single_project_cap():
    assert budget(300 * WAN, 100 * WAN, 300 * WAN) == []
    assert any("规则5" in m for _f, m in budget(300 * WAN + 1, 100 * WAN, 400 * WAN))
    small_cap = BidLimits(**{**LIMITS.__dict__, "single_project_cap_fen": 250 * WAN})
    assert any("单个项目上限" in m for _f, m in budget(250 * WAN + 1, 100 * WAN, 300 * WAN, limits=small_cap))
    assert budget(250 * WAN, 100 * WAN, 300 * WAN, limits=small_cap) == []


def test_rule6_ratio_depends_on_lead_type():
    # University: self >= 1 x fiscal; enterprise: self >= 2 x fiscal.
    assert budget(200 * WAN, 100 * WAN, 200 * WAN, academic=True) == []
    assert any("规则6" in m for _f, m in budget(200 * WAN, 100 * WAN, 200 * WAN - 1, academic=True))
    assert any("规则6" in m for _f, m in budget(200 * WAN, 100 * WAN, 400 * WAN - 1, academic=False))
    assert budget(200 * WAN, 100 * WAN, 400 * WAN, academic=False) == []


def test_budget_missing_negative_and_issuer_cap():
    assert set(fields(budget(None, None, None))) == {"fiscal_support", "issuer_funding", "self_funding"}
    assert fields(budget(-1, 0, 0)) == ["fiscal_support"]
    assert any("发榜方投入" in m for _f, m in budget(100 * WAN, 300 * WAN + 1, 300 * WAN))
    assert any("大于零" in m for _f, m in budget(0, 300 * WAN, 300 * WAN))


def test_rule7_consortium():
    assert rules.consortium_problems(1, [2, 3, 4, 5, 6], 5) == []
    assert any("最多5家" in m for _f, m in rules.consortium_problems(1, [2, 3, 4, 5, 6, 7], 5))
    assert any("牵头单位" in m for _f, m in rules.consortium_problems(1, [1, 2], 5))
    assert any("两次" in m for _f, m in rules.consortium_problems(1, [2, 2], 5))


def test_rule8_bad_credit_names_the_organisation():
    assert rules.bad_credit_problems({"甲": [], "乙": []}, 3) == []
    problems = rules.bad_credit_problems({"甲": [date(2025, 1, 2), date(2024, 3, 1)]}, 3)
    assert "甲" in problems[0][1] and "2025-01-02" in problems[0][1]


def test_rule9_every_kpi_needs_value_and_method():
    names = {1: "强度", 2: "纯度"}
    assert rules.kpi_problems(names, {1: (Decimal("30"), "检测"), 2: (Decimal("0"), "检测")}) == []
    assert len(rules.kpi_problems(names, {1: (Decimal("30"), "检测")})) == 1
    assert len(rules.kpi_problems(names, {1: (None, "检测"), 2: (Decimal("1"), "  ")})) == 2


def test_rule10_one_second_after_the_deadline_is_refused():
    deadline = datetime(2026, 12, 31, 9, 0, tzinfo=timezone.utc)  # 17:00 Beijing
    opens = deadline - timedelta(days=30)
    assert rules.window_problems(deadline - timedelta(seconds=1), opens, deadline) == []
    late = rules.window_problems(deadline + timedelta(seconds=1), opens, deadline)
    assert "2026-12-31 17:00（北京时间 UTC+8）" in late[0][1]
    assert rules.window_problems(deadline, opens, deadline) != []              # at the deadline: closed
    assert "尚未开始" in rules.window_problems(opens - timedelta(seconds=1), opens, deadline)[0][1]


@pytest.mark.parametrize("start,months,expected", [
    (date(2026, 1, 31), 1, date(2026, 2, 28)), (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2026, 11, 15), 14, date(2028, 1, 15)), (date(2026, 3, 1), 0, date(2026, 3, 1))])
def test_add_months(start, months, expected):
    assert rules.add_months(start, months) == expected


def _plan(*rows):
    return [PlannedMilestone(f"M{i}", d, p, "成果") for i, (d, p) in enumerate(rows, 1)]


def test_milestones_dates_inside_time_limit_and_percent_sum():
    start = date(2026, 12, 31)
    ok = _plan((date(2026, 12, 31), 30), (date(2027, 12, 31), 40), (date(2028, 12, 31), 30))
    assert rules.milestone_problems(ok, start=start, time_limit_months=24) == []
    late = _plan((date(2026, 12, 31), 30), (date(2027, 12, 31), 40), (date(2029, 1, 1), 30))
    assert any("之间" in m for _f, m in rules.milestone_problems(late, start=start, time_limit_months=24))
    for total in (99, 101):
        rows = _plan((date(2027, 1, 1), 30), (date(2027, 6, 1), total - 30))
        assert any("之和须为100%" in m and str(total) in m
                   for _f, m in rules.milestone_problems(rows, start=start, time_limit_months=24))
    backwards = _plan((date(2027, 6, 1), 50), (date(2027, 1, 1), 50))
    assert any("不能早于" in m for _f, m in rules.milestone_problems(backwards, start=start, time_limit_months=24))
    assert rules.milestone_problems([], start=start, time_limit_months=24) != []
