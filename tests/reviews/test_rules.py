"""Properties of the pure review rules (Hypothesis): aggregation, flags, ranking and the
replayable draw."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from app.reviews import rules

SCORES = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
T0 = datetime(2026, 12, 1, tzinfo=timezone.utc)


@settings(max_examples=200, deadline=None)
@given(st.lists(SCORES, min_size=1, max_size=12), st.randoms(use_true_random=False))
def test_aggregate_is_permutation_invariant(scores, rnd):
    shuffled = list(scores)
    rnd.shuffle(shuffled)
    a, b = rules.aggregate(scores, 20), rules.aggregate(shuffled, 20)
    assert (a.mean, a.median, a.low, a.high, a.is_trimmed) == (b.mean, b.median, b.low, b.high, b.is_trimmed)
    assert sorted(a.flags) == sorted(b.flags)


@settings(max_examples=200, deadline=None)
@given(st.lists(SCORES, min_size=1, max_size=12))
def test_trimmed_mean_lies_within_min_and_max(scores):
    agg = rules.aggregate(scores, 20)
    assert min(scores) <= agg.mean <= max(scores)
    assert agg.is_trimmed == (len(scores) >= 5)


def test_trimming_drops_exactly_one_highest_and_one_lowest():
    assert rules.aggregate([Decimal(x) for x in (10, 80, 80, 80, 100)], 20).mean == Decimal("80.00")
    assert rules.aggregate([Decimal(x) for x in (10, 80, 80, 100)], 20).mean == Decimal("67.50")
    # two equal highest: only one is dropped
    assert rules.aggregate([Decimal(x) for x in (50, 60, 70, 90, 90)], 20).mean == Decimal("73.33")


@settings(max_examples=200, deadline=None)
@given(st.lists(SCORES, min_size=1, max_size=12), st.integers(min_value=0, max_value=50))
def test_flags_are_exactly_the_scores_far_from_the_median(scores, points):
    agg = rules.aggregate(scores, points)
    mid = rules.median(scores)
    assert agg.median == mid
    assert list(agg.flags) == [abs(s - mid) > points for s in scores]


def test_flag_threshold_is_strict():
    agg = rules.aggregate([Decimal(x) for x in (50, 70, 70, 70, 90, 91)], 20)
    assert agg.median == 70 and agg.flags == (False, False, False, False, False, True)


ENTRY = st.builds(lambda i, m, t, s: (i, m, t, s), st.integers(1, 10_000),
                  st.one_of(st.none(), st.sampled_from([Decimal("80"), Decimal("75.5"), Decimal("90")])),
                  st.one_of(st.none(), st.sampled_from([Decimal("20"), Decimal("25")])),
                  st.integers(0, 3))


@settings(max_examples=200, deadline=None)
@given(st.lists(ENTRY, min_size=1, max_size=15, unique_by=lambda e: e[0]), st.randoms(use_true_random=False))
def test_ranking_is_deterministic_and_breaks_ties_by_technical_then_time(raw, rnd):
    entries = [rules.RankEntry(i, m, t, T0 + timedelta(minutes=s)) for i, m, t, s in raw]
    shuffled = list(entries)
    rnd.shuffle(shuffled)
    first, second = rules.rank(entries), rules.rank(shuffled)
    assert [e.bid_id for e in first] == [e.bid_id for e in second]
    for a, b in zip(first, first[1:]):
        if a.mean is not None and b.mean is not None:
            assert a.mean >= b.mean
            if a.mean == b.mean and a.technical_mean is not None and b.technical_mean is not None:
                assert a.technical_mean >= b.technical_mean
                if a.technical_mean == b.technical_mean:
                    assert (a.submitted_at, a.bid_id) < (b.submitted_at, b.bid_id)
        if a.mean is None:
            assert b.mean is None  # unscored bids come last


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789abcdef", min_size=8, max_size=32),
       st.sets(st.integers(1, 500), min_size=0, max_size=30), st.sets(st.integers(1, 500), max_size=10),
       st.integers(1, 8))
def test_a_replayed_draw_is_identical(seed, pool, excluded, size):
    panel = rules.draw_panel(seed, pool, excluded, size)
    assert panel == rules.draw_panel(seed, sorted(pool, reverse=True), set(excluded), size)
    assert len(panel) == len(set(panel)) == min(size, len(pool - excluded))
    assert not set(panel) & excluded and set(panel) <= pool
    order = rules.draw_order(seed, pool)
    assert panel == [i for i in order if i not in excluded][:size]


def test_different_seeds_give_different_orders():
    pool = range(1, 40)
    assert rules.draw_order("a" * 32, pool) != rules.draw_order("b" * 32, pool)


def test_review_total_weights_scores_by_maximum():
    criteria = [rules.Criterion(1, 60, 10), rules.Criterion(2, 40, 100)]
    assert rules.review_total(criteria, {1: Decimal(10), 2: Decimal(50)}) == Decimal("80.00")
    assert rules.review_total(criteria, {1: Decimal("3.33"), 2: Decimal(0)}) == Decimal("19.98")


def test_scorecard_problems(app):
    assert rules.scorecard_problems([("a", 50, 10), ("b", 50, 10)]) == []
    assert "100" in rules.scorecard_problems([("a", 50, 10), ("b", 40, 10)])[0][1]
    assert rules.scorecard_problems([("a", 50, 10), ("a", 50, 10)])
    assert rules.scorecard_problems([])
    assert rules.scorecard_problems([("a", None, 10)])


def test_conflicts_by_credit_code_not_by_name(app):
    lead = rules.Org("91410800MA00000001", "河南理工大学")
    namesake = rules.Org("91410800MA00000002", "河南理工大学")
    issuer = rules.Org("91410800MA00000003", "强耐新材")
    bid = rules.BidFacts(1, "方案", lead, (rules.Org("91410800MA00000004", "成员单位"),), issuer)
    assert rules.conflicts(rules.ExpertFacts(1, (namesake,)), bid, 3) == []
    assert "牵头单位" in rules.conflicts(rules.ExpertFacts(1, (lead,)), bid, 3)[0]
    assert "联合体成员" in rules.conflicts(rules.ExpertFacts(1, (rules.Org("91410800MA00000004", "x"),)), bid, 3)[0]
    assert "发榜单位" in rules.conflicts(rules.ExpertFacts(1, (issuer,)), bid, 3)[0]
    declared = rules.conflicts(rules.ExpertFacts(1, (), ((lead, "博士生导师"),)), bid, 3)
    assert "博士生导师" in declared[0]


def test_kpi_misses():
    targets = [rules.KpiTarget(1, "强度", "ge", Decimal(30)), rules.KpiTarget(2, "损耗", "le", Decimal(5)),
               rules.KpiTarget(3, "缺项", "eq", Decimal(1))]
    snap = [{"kpi_id": 1, "proposed_value": "29.9"}, {"kpi_id": 2, "proposed_value": "5"}]
    assert rules.kpi_misses(snap, targets) == ["强度", "缺项"]


def test_departs_from_ranking():
    assert not rules.departs_from_ranking([2, 1], [1, 2, 3])
    assert rules.departs_from_ranking([1, 3], [1, 2, 3])
