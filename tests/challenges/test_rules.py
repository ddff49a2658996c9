"""Rules 2-5 at their boundaries (pure functions, no database)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from app.challenges.rules import (KpiData, Limits, MilestoneData, funding_problems, kpi_problems,
                                  milestone_problems, time_limit_problems, window_problems)
from app.core.money import yuan_to_fen

LIMITS = Limits(max_time_limit_months=36, min_agreement_total_fen=yuan_to_fen(5_000_000),
                single_project_cap_fen=yuan_to_fen(10_000_000), min_bid_window_days=20)
NOW = datetime(2026, 11, 21, 2, 0, tzinfo=timezone.utc)


def fields(problems):
    return [f for f, _m in problems]


@pytest.mark.parametrize("months, ok", [(1, True), (36, True), (37, False), (0, False), (None, False)])
def test_time_limit_rule_3(months, ok):
    problems = time_limit_problems(months, LIMITS)
    assert (problems == []) is ok
    if months == 37:
        assert "不超过36个月" in problems[0][1]


@pytest.mark.parametrize("support, issuer, ok", [
    ("2,000,000", "3,000,000", True),          # exactly 5,000,000: passes
    ("2,000,000", "2,999,999.99", False),      # one fen short
    ("5,000,000", "0", True),
    ("10,000,000", "0", True),                 # exactly the single-project cap
    ("10,000,000.01", "0", False),             # one fen over the cap (rule 5)
    ("0", "6,000,000", False),                 # no fiscal support at all
])
def test_funding_rules_4_and_5(support, issuer, ok):
    problems = funding_problems(yuan_to_fen(support), yuan_to_fen(issuer), LIMITS)
    assert (problems == []) is ok, problems


def test_funding_messages_are_chinese_and_name_the_limit():
    [(field, message)] = funding_problems(yuan_to_fen(2_000_000), yuan_to_fen(2_000_000), LIMITS)
    assert field == "issuer_funding_fen"
    assert "5,000,000.00元" in message and "4,000,000.00元" in message
    [(field, message)] = funding_problems(yuan_to_fen(12_000_000), 0, LIMITS)
    assert field == "support_fen" and "10,000,000.00元" in message


def test_bid_window():
    opens = NOW
    assert window_problems(opens, NOW + timedelta(days=20), published_at=NOW, now=NOW, limits=LIMITS) == []
    short = window_problems(opens, NOW + timedelta(days=20) - timedelta(seconds=1), published_at=NOW,
                            now=NOW, limits=LIMITS)
    assert "至少应有20天" in short[0][1]
    assert "晚于开始时间" in window_problems(opens, opens, published_at=NOW, now=NOW, limits=LIMITS)[0][1]
    past = window_problems(NOW - timedelta(days=40), NOW - timedelta(minutes=1), published_at=NOW,
                           now=NOW, limits=LIMITS)
    assert "已过" in past[0][1]
    assert fields(window_problems(None, None, published_at=NOW, now=NOW, limits=LIMITS)) == ["bid_opens_at"]


def test_kpis_rule_2():
    assert kpi_problems([]) == [("kpis", "至少填写一项考核指标")]
    ok = [KpiData("强度", "ge", Decimal("30"), "MPa")]
    assert kpi_problems(ok) == []
    assert "不能重复" in kpi_problems(ok + ok)[0][1]
    assert "目标值" in kpi_problems([KpiData("强度", "ge", None)])[0][1]


def plan(*percents, race=None, offsets=None):
    offsets = offsets or list(range(len(percents)))
    return [MilestoneData(f"节点{i}", offsets[i], p, is_race_checkpoint=(i == race))
            for i, p in enumerate(percents)]


@pytest.mark.parametrize("percents, ok", [((30, 40, 30), True), ((30, 40, 29), False), ((30, 40, 31), False),
                                          ((100,), True), ((0, 100), True)])
def test_tranche_percentages_sum_to_100(percents, ok):
    problems = milestone_problems(plan(*percents), slots=1, time_limit_months=24)
    assert (problems == []) is ok
    if not ok:
        total = sum(percents)
        assert problems == [("milestones", f"各节点拨付比例之和必须为100%（当前为{total}%）")]


def test_race_checkpoint_exactly_when_several_slots():
    assert milestone_problems(plan(50, 50, race=1), slots=2, time_limit_months=24) == []
    assert "赛马比选节点" in milestone_problems(plan(50, 50), slots=2, time_limit_months=24)[0][1]
    assert "只有一个揭榜名额" in milestone_problems(plan(50, 50, race=0), slots=1, time_limit_months=24)[0][1]


def test_milestones_in_order_and_within_the_time_limit():
    assert "先后" in milestone_problems(plan(50, 50, offsets=[12, 6]), slots=1, time_limit_months=24)[0][1]
    assert "不能超过完成时限" in milestone_problems(plan(50, 50, offsets=[6, 25]), slots=1,
                                                    time_limit_months=24)[0][1]
    assert milestone_problems([], slots=1, time_limit_months=24)[0][1] == "至少设置一个里程碑节点"


def test_limits_follow_the_bureaus_policy_settings(make):
    from app.core.operations import set_policy

    assert Limits.current() == LIMITS
    set_policy("max_time_limit_months", 48, actor=make.user(role="admin"))
    assert Limits.current().max_time_limit_months == 48
    assert time_limit_problems(37, Limits.current()) == []
