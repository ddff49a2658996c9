"""Read-only views of the review: the ranking (computed from the rating rows in a
fixed number of statements, whatever the number of bids and experts), an expert's
to-do list, the current 公示 and what blocks approval (rule 14)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from ..auth.models import User
from ..bids.models import Bid, BidState, BidVersion
from ..challenges.models import ChallengeKpi
from ..core.policy import policy
from ..core.timeutil import format_local, utcnow
from ..extensions import db
from . import rules
from .models import (PENDING, Award, ExpertReview, Objection, ObjectionState, Publicity, ReviewCriterion,
                     ReviewRating, ReviewRound, ReviewState)


@dataclass
class ScoreLine:
    review_id: int
    expert_name: str
    total: Decimal
    is_flagged: bool
    by_criterion: dict[int, Decimal]


@dataclass
class RankingRow:
    bid_id: int
    title: str
    lead_name: str
    members: list[str]
    submitted_at: datetime
    rank: int = 0
    aggregate: rules.Aggregate | None = None
    criterion_means: dict[int, Decimal | None] = field(default_factory=dict)
    scores: list[ScoreLine] = field(default_factory=list)
    pending: int = 0
    vacated: int = 0
    kpi_misses: list[str] = field(default_factory=list)
    award: Award | None = None

    @property
    def mean(self):
        return self.aggregate.mean if self.aggregate else None

    @property
    def flagged(self) -> int:
        return sum(1 for s in self.scores if s.is_flagged)


def _mean(values) -> Decimal | None:
    values = list(values)
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(rules.CENT)


def ranking(round_: ReviewRound) -> list[RankingRow]:
    """Every passed bid of the round's challenge, ranked by rule 12, with per-criterion
    means, the spread, flagged scores, KPI misses and its award (if any)."""
    criteria = list(db.session.scalars(sa.select(ReviewCriterion).where(ReviewCriterion.round_id == round_.id)
                                       .order_by(ReviewCriterion.position)))
    spec = [rules.Criterion(c.id, c.weight, c.max_score) for c in criteria]
    flag_points = policy("score_deviation_flag_points")
    versions = db.session.execute(
        sa.select(Bid.id, BidVersion.snapshot_json, BidVersion.submitted_at)
        .join(BidVersion, sa.and_(BidVersion.bid_id == Bid.id, BidVersion.version_no == Bid.current_version_no))
        .where(Bid.challenge_id == round_.challenge_id, Bid.state == BidState.PASSED)).all()
    kpis = db.session.scalars(sa.select(ChallengeKpi).where(ChallengeKpi.challenge_id == round_.challenge_id)
                              .order_by(ChallengeKpi.position)).all()
    targets = [rules.KpiTarget(k.id, k.name, k.comparator.value, k.target_value) for k in kpis]
    rows: dict[int, RankingRow] = {}
    for bid_id, snapshot_json, submitted_at in versions:
        snap = json.loads(snapshot_json)
        rows[bid_id] = RankingRow(bid_id, snap["title"], snap["lead"]["name"], [m["name"] for m in snap["members"]],
                                  submitted_at, kpi_misses=rules.kpi_misses(snap["kpis"], targets))
    reviews = db.session.execute(
        sa.select(ExpertReview.id, ExpertReview.bid_id, ExpertReview.state, User.name)
        .join(User, User.id == ExpertReview.expert_id).where(ExpertReview.round_id == round_.id)
        .order_by(ExpertReview.id)).all()
    ratings: dict[int, dict[int, Decimal]] = {}
    for review_id, criterion_id, score in db.session.execute(
            sa.select(ReviewRating.review_id, ReviewRating.criterion_id, ReviewRating.score)
            .join(ExpertReview, ExpertReview.id == ReviewRating.review_id)
            .where(ExpertReview.round_id == round_.id, ExpertReview.state == ReviewState.SUBMITTED)):
        ratings.setdefault(review_id, {})[criterion_id] = Decimal(score)
    for review_id, bid_id, state, name in reviews:
        row = rows.get(bid_id)
        if row is None:
            continue
        if state is ReviewState.SUBMITTED and review_id in ratings and len(ratings[review_id]) == len(spec):
            row.scores.append(ScoreLine(review_id, name, rules.review_total(spec, ratings[review_id]), False,
                                        ratings[review_id]))
        elif state in PENDING:
            row.pending += 1
        else:
            row.vacated += 1
    for award in db.session.scalars(sa.select(Award).where(Award.round_id == round_.id)):
        if award.bid_id in rows:
            rows[award.bid_id].award = award
    technical = criteria[0].id if criteria else None
    for row in rows.values():
        row.aggregate = rules.aggregate([s.total for s in row.scores], flag_points)
        for line, flagged in zip(row.scores, row.aggregate.flags):
            line.is_flagged = flagged
        row.criterion_means = {c.id: _mean(s.by_criterion[c.id] for s in row.scores) for c in criteria}
    ordered = rules.rank(rules.RankEntry(r.bid_id, r.mean, r.criterion_means.get(technical), r.submitted_at)
                         for r in rows.values())
    result = []
    for n, entry in enumerate(ordered, 1):
        rows[entry.bid_id].rank = n
        result.append(rows[entry.bid_id])
    return result


def round_for(challenge) -> ReviewRound | None:
    return db.session.scalar(sa.select(ReviewRound).where(ReviewRound.challenge_id == challenge.id))


def expert_todo(user) -> list[ExpertReview]:
    """The expert's reviews (all states but recused/declined), deadlines first."""
    return list(db.session.scalars(
        sa.select(ExpertReview).join(ReviewRound, ReviewRound.id == ExpertReview.round_id)
        .where(ExpertReview.expert_id == user.id)
        .options(joinedload(ExpertReview.round).joinedload(ReviewRound.challenge),
                 joinedload(ExpertReview.bid).joinedload(Bid.organisation))
        .order_by(ReviewRound.scoring_deadline_at, ExpertReview.id)))


def current_publicity(challenge_id: int) -> Publicity | None:
    """The latest 公示 of a challenge (a correction replaces the one it corrects)."""
    return db.session.scalar(sa.select(Publicity).where(Publicity.challenge_id == challenge_id)
                             .order_by(Publicity.id.desc()).limit(1))


def open_objections(challenge_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count(Objection.id)).where(
        Objection.challenge_id == challenge_id, Objection.state == ObjectionState.OPEN)) or 0


def approval_blockers(challenge, now: datetime | None = None) -> list[str]:
    """Why the challenge's winners cannot be approved (立项) yet; empty when they can
    (rule 14: the publicity window has ended and every objection is resolved)."""
    now = now or utcnow()
    publicity = current_publicity(challenge.id)
    reasons = []
    if publicity is None:
        return [_("尚未发布揭榜结果公示")]
    if now < publicity.ends_at:
        reasons.append(_("公示期至%(t)s结束，公示期内不能立项", t=format_local(publicity.ends_at)))
    waiting = open_objections(challenge.id)
    if waiting:
        reasons.append(_("还有%(n)s件异议尚未处理完毕", n=waiting))
    return reasons
