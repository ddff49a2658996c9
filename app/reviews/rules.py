"""Pure rules of expert review (no database): the replayable draw, conflicts of
interest by credit code (rule 11), score totals, aggregation and ranking (rule 12),
KPI misses and the award's departures from the ranking (rule 13)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable, Sequence

from flask_babel import gettext as _

CENT = Decimal("0.01")
DEFAULT_CRITERIA = (
    # name, description, weight, maximum
    ("技术路线", "技术路线的先进性、可行性和创新性", 30, 30),
    ("团队能力", "项目负责人及团队的研究基础和攻关能力", 20, 20),
    ("指标可行性", "对榜单考核指标的响应程度及实现可能性", 20, 20),
    ("预算合理性", "经费预算的合理性和自筹资金保障", 15, 15),
    ("产业化前景", "成果转化和产业化应用前景", 15, 15),
)
MAX_CRITERIA = 12


# -- the draw ------------------------------------------------------------------------

def draw_order(seed: str, candidate_ids: Iterable[int]) -> list[int]:
    """Candidates ordered by SHA-256("<seed>:<id>"): anyone with the seed and the pool
    recomputes the same order (no language-specific random generator involved)."""
    return sorted(set(candidate_ids), key=lambda i: (hashlib.sha256(f"{seed}:{i}".encode()).hexdigest(), i))


def draw_panel(seed: str, candidate_ids: Iterable[int], excluded_ids: Iterable[int], size: int) -> list[int]:
    """The first ``size`` candidates in draw order that are not excluded; fewer when the
    pool is too small (the caller refuses that)."""
    excluded = set(excluded_ids)
    return [i for i in draw_order(seed, candidate_ids) if i not in excluded][:size]


# -- conflicts of interest (rule 11) ---------------------------------------------------

@dataclass(frozen=True)
class Org:
    credit_code: str
    name: str


@dataclass(frozen=True)
class ExpertFacts:
    expert_id: int
    employers: tuple[Org, ...]                    # now or within the look-back
    declared: tuple[tuple[Org, str], ...] = ()    # (organisation, reason)


@dataclass(frozen=True)
class BidFacts:
    bid_id: int
    title: str
    lead: Org
    members: tuple[Org, ...]
    issuer: Org


def conflicts(expert: ExpertFacts, bid: BidFacts, lookback_years: int) -> list[str]:
    """Why ``expert`` may not review ``bid`` (empty: no conflict). By credit code only:
    two organisations with the same name but different codes are different."""
    reasons = []
    employer_codes = {o.credit_code: o for o in expert.employers}
    parties = [(bid.lead, _("申报牵头单位")), *[(m, _("联合体成员")) for m in bid.members],
               (bid.issuer, _("发榜单位"))]
    for org, role in parties:
        mine = employer_codes.get(org.credit_code)
        if mine is not None:
            reasons.append(_("专家现工作单位或近%(y)s年内工作单位“%(org)s”（%(code)s）是%(role)s",
                             y=lookback_years, org=org.name, code=org.credit_code, role=role))
    for org, reason in expert.declared:
        if any(org.credit_code == p.credit_code for p, _r in parties):
            reasons.append(_("专家声明与“%(org)s”（%(code)s）存在利害关系：%(reason)s",
                             org=org.name, code=org.credit_code, reason=reason))
    return reasons


# -- totals, aggregation and ranking (rule 12) ------------------------------------------

@dataclass(frozen=True)
class Criterion:
    id: int
    weight: int
    max_score: int


def review_total(criteria: Sequence[Criterion], scores: dict[int, Decimal]) -> Decimal:
    """Weighted total out of 100 (weights sum to 100): Σ score / maximum × weight."""
    total = sum((Decimal(scores[c.id]) / c.max_score * c.weight for c in criteria), Decimal(0))
    return total.quantize(CENT, rounding=ROUND_HALF_UP)


def median(values: Sequence[Decimal]) -> Decimal:
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        raise ValueError("median of nothing")
    mid = n // 2
    return ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


@dataclass(frozen=True)
class Aggregate:
    mean: Decimal | None       # trimmed mean with >= 5 scores, else plain mean
    is_trimmed: bool
    median: Decimal | None
    low: Decimal | None
    high: Decimal | None
    flags: tuple[bool, ...]    # per input score: deviates from the median by > threshold
    count: int

    @property
    def spread(self) -> Decimal | None:
        return None if self.low is None else self.high - self.low


def aggregate(totals: Sequence[Decimal], flag_points: int | Decimal) -> Aggregate:
    """Rule 12: with >= 5 valid scores drop one highest and one lowest and average the
    rest; otherwise average. Every raw score is kept (and flagged, never dropped)."""
    values = [Decimal(t) for t in totals]
    if not values:
        return Aggregate(None, False, None, None, None, (), 0)
    ordered = sorted(values)
    trimmed = len(ordered) >= 5
    kept = ordered[1:-1] if trimmed else ordered
    mean = (sum(kept, Decimal(0)) / len(kept)).quantize(CENT, rounding=ROUND_HALF_UP)
    mid = median(values)
    limit = Decimal(flag_points)
    return Aggregate(mean, trimmed, mid, ordered[0], ordered[-1],
                     tuple(abs(v - mid) > limit for v in values), len(values))


@dataclass(frozen=True)
class RankEntry:
    bid_id: int
    mean: Decimal | None
    technical_mean: Decimal | None
    submitted_at: datetime


def rank(entries: Iterable[RankEntry]) -> list[RankEntry]:
    """Highest mean first; ties by the technical-route criterion's mean (higher first),
    then by submission time (earlier first), then by bid id: always one order. Bids
    without a valid score come last."""
    def key(e: RankEntry):
        return (e.mean is None, -(e.mean or 0), e.technical_mean is None, -(e.technical_mean or 0),
                e.submitted_at, e.bid_id)
    return sorted(entries, key=key)


# -- scorecard and award checks -----------------------------------------------------------

def scorecard_problems(rows: Sequence[tuple[str, int | None, int | None]]) -> list[tuple[str, str]]:
    """(name, weight, maximum) rows: at least one, names unique, weights sum to 100."""
    problems = []
    if not rows:
        return [("criteria", _("请至少设置一项评分标准"))]
    if len(rows) > MAX_CRITERIA:
        problems.append(("criteria", _("评分标准最多%(n)s项", n=MAX_CRITERIA)))
    names = [r[0] for r in rows]
    if len(set(names)) != len(names):
        problems.append(("criteria", _("评分标准名称不能重复")))
    if any(w is None or w <= 0 for _n, w, _m in rows) or any(m is None or m <= 0 for _n, _w, m in rows):
        problems.append(("criteria", _("每项评分标准的权重和满分都必须是正整数")))
    else:
        total = sum(w for _n, w, _m in rows)
        if total != 100:
            problems.append(("criteria", _("各项权重之和应为100，当前为%(n)s", n=total)))
    return problems


def departs_from_ranking(selected: Iterable[int], ranked_ids: Sequence[int]) -> bool:
    """True when the winners are not exactly the top of the ranking."""
    chosen = set(selected)
    return chosen != set(ranked_ids[:len(chosen)])


# -- KPI misses ---------------------------------------------------------------------------

_COMPARE = {
    "ge": lambda v, t: v >= t, "gt": lambda v, t: v > t, "le": lambda v, t: v <= t,
    "lt": lambda v, t: v < t, "eq": lambda v, t: v == t,
}


@dataclass(frozen=True)
class KpiTarget:
    kpi_id: int
    name: str
    comparator: str
    target: Decimal
    text: str = field(default="")


def kpi_misses(snapshot_kpis: Sequence[dict], targets: Sequence[KpiTarget]) -> list[str]:
    """Names of KPIs the submitted bid does not promise to meet (missing answer or a
    proposed value on the wrong side of the target)."""
    proposed = {k.get("kpi_id"): k.get("proposed_value") for k in snapshot_kpis}
    misses = []
    for t in targets:
        raw = proposed.get(t.kpi_id)
        try:
            value = Decimal(raw) if raw not in (None, "") else None
        except ArithmeticError:
            value = None
        if value is None or not value.is_finite() or not _COMPARE[t.comparator](value, t.target):
            misses.append(t.name)
    return misses
