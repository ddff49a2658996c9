"""Every state change of the expert review: the round and its scorecard, the draw and
the replacement draw (补抽), conflict confirmation and recusal, scoring and reopening.
Award, publicity and objections are in ``award.py``. Nothing here commits."""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..auth.models import Role
from ..bids.models import Bid, BidState
from ..challenges.models import ChallengeState
from ..core.audit import record_event, register_labels
from ..core.errors import AppError, InvalidInput, StateConflict
from ..core.policy import policy
from ..core.timeutil import format_local, utcnow
from ..core.transitions import TransitionError, transition
from ..extensions import db
from ..notifications.operations import notify, users_with_role
from . import notifications as _kinds  # noqa: F401  (registers the notification kinds)
from . import rules
from .conflicts import bid_facts, expert_facts, expert_pool
from .models import (MAX_PANEL, PENDING, VACATED, DrawKind, ExpertReview, ReviewCriterion, ReviewDraw,
                     ReviewRating, ReviewRound, ReviewState)

register_labels(
    actions={"review_round_opened": _l("组织专家评审"), "experts_drawn": _l("抽取评审专家"),
             "expert_replaced": _l("补抽评审专家"), "scores_saved": _l("保存评分"),
             "score_sheet_exported": _l("导出评分表")},
    entities={"review_rounds": _l("专家评审"), "review_draws": _l("专家抽取记录"),
              "expert_reviews": _l("专家评审意见"), "review_awards": _l("揭榜结果"),
              "review_publicities": _l("揭榜结果公示"), "review_objections": _l("异议")},
)


class ReviewError(AppError):
    """A refused review operation (mapped by the core hierarchy)."""


class ReviewInvalid(ReviewError, InvalidInput):
    def __init__(self, problems):
        InvalidInput.__init__(self, list(problems))


class ReviewConflict(ReviewError, StateConflict):
    status = 409


def _move(obj, to, actor, reason=None, **data):
    try:
        return transition(obj, to, actor, reason, data=data or None)
    except TransitionError as exc:
        raise ReviewConflict(str(exc)) from None


# -- the round -------------------------------------------------------------------------

@dataclass
class CriterionData:
    name: str
    description: str
    weight: int | None
    max_score: int | None


def default_criteria() -> list[CriterionData]:
    return [CriterionData(n, d, w, m) for n, d, w, m in rules.DEFAULT_CRITERIA]


def passed_bids(challenge) -> list[Bid]:
    """Bids that passed formal review: the only ones experts review (stage 5)."""
    return list(db.session.scalars(sa.select(Bid).where(Bid.challenge_id == challenge.id,
                                                        Bid.state == BidState.PASSED).order_by(Bid.id)))


def open_review_round(challenge, *, actor, panel_size: int | None, scoring_deadline_at: datetime | None,
                      criteria: list[CriterionData], now: datetime | None = None) -> ReviewRound:
    """Set up the expert review of an opened challenge whose formal review is finished."""
    now = now or utcnow()
    if challenge.state is not ChallengeState.UNDER_REVIEW:
        raise ReviewConflict(_("榜单当前状态为“%(s)s”，开标后方可组织专家评审", s=challenge.state.label))
    if db.session.scalar(sa.select(ReviewRound.id).where(ReviewRound.challenge_id == challenge.id)):
        raise ReviewConflict(_("该榜单已经组织了专家评审"))
    waiting = db.session.scalar(sa.select(sa.func.count(Bid.id)).where(
        Bid.challenge_id == challenge.id, Bid.state.in_((BidState.SUBMITTED, BidState.NEEDS_RECONFIRM))))
    if waiting:
        raise ReviewConflict(_("还有%(n)s份申报未完成形式审查，请先完成形式审查", n=waiting))
    if not passed_bids(challenge):
        raise ReviewConflict(_("没有通过形式审查的申报，无需专家评审"))
    problems = []
    if panel_size is None or not 1 <= panel_size <= MAX_PANEL:
        problems.append(("panel_size", _("评审专家人数应在1到%(n)s之间", n=MAX_PANEL)))
    if scoring_deadline_at is None or scoring_deadline_at <= now:
        problems.append(("scoring_deadline_at", _("评分截止时间应晚于当前时间")))
    problems += rules.scorecard_problems([(c.name, c.weight, c.max_score) for c in criteria])
    if problems:
        raise ReviewInvalid(problems)
    round_ = ReviewRound(challenge_id=challenge.id, panel_size=panel_size, scoring_deadline_at=scoring_deadline_at,
                         created_by_id=actor.id, created_at=now)
    round_.criteria = [ReviewCriterion(position=n, name=c.name, description=c.description or "", weight=c.weight,
                                       max_score=c.max_score) for n, c in enumerate(criteria, 1)]
    db.session.add(round_)
    record_event(round_, "review_round_opened", actor=actor,
                 data={"challenge_id": challenge.id, "panel_size": panel_size,
                       "criteria": [[c.name, c.weight, c.max_score] for c in criteria]})
    return round_


def _require_reviewing(round_) -> None:
    if round_.challenge.state is not ChallengeState.UNDER_REVIEW:
        raise ReviewConflict(_("榜单当前状态为“%(s)s”，评审已结束", s=round_.challenge.state.label))


# -- draws -------------------------------------------------------------------------------

def _exclusions(profiles, bids, extra: dict[int, list[str]] | None = None) -> dict[int, list[str]]:
    """expert id -> reasons (computed conflicts with any of ``bids`` plus ``extra``)."""
    years = policy("conflict_lookback_years")
    facts = expert_facts(profiles)
    parties = bid_facts(bids)
    found: dict[int, list[str]] = {uid: list(reasons) for uid, reasons in (extra or {}).items()}
    for p in profiles:
        for bid in parties:
            for reason in rules.conflicts(facts[p.user_id], bid, years):
                found.setdefault(p.user_id, []).append(f"《{bid.title}》：{reason}")
    return found


def _record_draw(round_, *, kind, sequence, size, bids, extra_exclusions, actor, now, seed, replaces=None,
                 conflict_bids=None):
    """Draw ``size`` experts and assign each to ``bids``; conflicts are computed against
    ``conflict_bids`` (default ``bids``)."""
    profiles = expert_pool(round_.challenge.field)
    names = {p.user_id: p.user.name for p in profiles}
    excluded = _exclusions(profiles, conflict_bids if conflict_bids is not None else bids,
                           {k: v for k, v in extra_exclusions.items() if k in names})
    seed = seed or secrets.token_hex(16)
    order = rules.draw_order(seed, names)
    selected = rules.draw_panel(seed, names, excluded, size)
    if len(selected) < size:
        raise ReviewConflict(_(
            "专家库中领域为“%(field)s”且无利益冲突的在库专家只有%(n)s名，不足所需的%(size)s名，未抽取任何专家。"
            "请补充专家库或调整评审组人数。", field=round_.challenge.field, n=len(names) - len(excluded), size=size))
    draw = ReviewDraw(round_id=round_.id, sequence=sequence, kind=kind, seed=seed, size=size,
                      bid_ids_json=json.dumps([b.id for b in bids]),
                      candidates_json=json.dumps([{"id": i, "name": names[i]} for i in order], ensure_ascii=False),
                      exclusions_json=json.dumps([{"id": i, "name": names[i], "reasons": excluded[i]}
                                                  for i in order if i in excluded], ensure_ascii=False),
                      selected_json=json.dumps(selected), drawn_at=now, drawn_by_id=actor.id)
    db.session.add(draw)
    db.session.flush()
    for expert_id in selected:
        for bid in bids:
            db.session.add(ExpertReview(round_id=round_.id, bid_id=bid.id, expert_id=expert_id, draw_id=draw.id,
                                        replaces_review_id=replaces.id if replaces else None,
                                        state=ReviewState.ASSIGNED, created_at=now))
        notify("review.assigned", [expert_id], title=round_.challenge.title, n=len(bids),
               deadline=format_local(round_.scoring_deadline_at))
    return draw


def draw_experts(round_, *, actor, now: datetime | None = None, seed: str | None = None) -> ReviewDraw:
    """The initial draw: ``panel_size`` experts at random from the active experts of the
    challenge's field, excluding every expert with a computed conflict with any bid."""
    now = now or utcnow()
    _require_reviewing(round_)
    if round_.draws:
        raise ReviewConflict(_("评审专家已经抽取，如有专家回避或谢绝请使用补抽"))
    bids = passed_bids(round_.challenge)
    draw = _record_draw(round_, kind=DrawKind.INITIAL, sequence=1, size=round_.panel_size, bids=bids,
                        extra_exclusions={}, actor=actor, now=now, seed=seed)
    record_event(draw, "experts_drawn", actor=actor,
                 data={"seed": draw.seed, "selected": draw.selected, "excluded": [e["id"] for e in draw.exclusions]})
    return draw


def draw_replacement(review: ExpertReview, *, actor, now: datetime | None = None,
                     seed: str | None = None) -> ReviewDraw:
    """补抽 one expert for the bid an expert recused from or declined, recorded like
    the initial draw. Experts who already review (or left) this bid are excluded, and so
    is every expert with a conflict with any bid of the challenge, as in the initial draw
    (an employee of a competing bidder must not score its rival)."""
    now = now or utcnow()
    round_ = review.round
    _require_reviewing(round_)
    if review.state not in VACATED:
        raise ReviewConflict(_("只有专家回避或谢绝后才能补抽"))
    if db.session.scalar(sa.select(ExpertReview.id).where(ExpertReview.replaces_review_id == review.id)):
        raise ReviewConflict(_("该空缺已经补抽"))
    taken = db.session.scalars(sa.select(ExpertReview).where(ExpertReview.bid_id == review.bid_id)).all()
    extra = {r.expert_id: [_("已是该申报的评审专家（%(s)s）", s=r.state.label)] for r in taken}
    sequence = (db.session.scalar(sa.select(sa.func.max(ReviewDraw.sequence))
                                  .where(ReviewDraw.round_id == round_.id)) or 0) + 1
    draw = _record_draw(round_, kind=DrawKind.REPLACEMENT, sequence=sequence, size=1, bids=[review.bid],
                        extra_exclusions=extra, actor=actor, now=now, seed=seed, replaces=review,
                        conflict_bids=passed_bids(round_.challenge))
    record_event(draw, "expert_replaced", actor=actor, reason=review.recusal_reason,
                 data={"seed": draw.seed, "replaces_review_id": review.id, "selected": draw.selected})
    return draw


@dataclass(frozen=True)
class Replay:
    panel: list[int]
    recorded: list[int]
    order: list[int]

    @property
    def identical(self) -> bool:
        return self.panel == self.recorded


def replay_draw(draw: ReviewDraw) -> Replay:
    """Recompute a draw from its record (seed, pool, exclusions): the same panel?"""
    pool = [c["id"] for c in draw.candidates]
    panel = rules.draw_panel(draw.seed, pool, [e["id"] for e in draw.exclusions], draw.size)
    return Replay(panel, draw.selected, rules.draw_order(draw.seed, pool))


# -- the expert's side -----------------------------------------------------------------------

def confirm_no_conflict(review: ExpertReview, *, actor, now: datetime | None = None) -> None:
    _require_reviewing(review.round)
    review.conflict_confirmed_at = now or utcnow()
    _move(review, ReviewState.SCORING, actor)


def recuse(review: ExpertReview, *, actor, reason: str) -> None:
    """回避 from this bid only, with the reason; the bureau is asked to 补抽."""
    reason = (reason or "").strip()
    if not reason:
        raise ReviewInvalid([("reason", _("声明回避必须填写理由"))])
    _require_reviewing(review.round)
    with db.session.no_autoflush:
        _move(review, ReviewState.RECUSED, actor, reason)
        review.recusal_reason = reason
    notify("review.vacated", users_with_role(Role.BUREAU), title=review.round.challenge.title,
           expert=actor.name, reason=reason, round_id=review.round_id)


def decline_panel(round_, *, actor, reason: str) -> int:
    """谢绝 the whole panel: every pending review of this expert in the round."""
    reason = (reason or "").strip()
    if not reason:
        raise ReviewInvalid([("reason", _("谢绝评审必须填写理由"))])
    _require_reviewing(round_)
    mine = db.session.scalars(sa.select(ExpertReview).where(
        ExpertReview.round_id == round_.id, ExpertReview.expert_id == actor.id,
        ExpertReview.state.in_(PENDING))).all()
    if not mine:
        raise ReviewConflict(_("您在该评审中没有待完成的评审任务"))
    with db.session.no_autoflush:
        for review in mine:
            _move(review, ReviewState.DECLINED, actor, reason)
            review.recusal_reason = reason
    notify("review.vacated", users_with_role(Role.BUREAU), title=round_.challenge.title, expert=actor.name,
           reason=reason, round_id=round_.id)
    return len(mine)


def save_scores(review: ExpertReview, *, actor, scores: dict[int, Decimal | None], comments: dict[int, str],
                comment: str, submit: bool, now: datetime | None = None) -> None:
    """Save a draft or submit: one rating row per criterion, 0 <= score <= maximum."""
    now = now or utcnow()
    _require_reviewing(review.round)
    if review.state is not ReviewState.SCORING:
        raise ReviewConflict(_("该评审意见当前状态为“%(s)s”，不能修改", s=review.state.label))
    problems = []
    for c in review.round.criteria:
        value = scores.get(c.id)
        field = f"score_{c.id}"
        if value is None:
            if submit:
                problems.append((field, _("请为“%(name)s”打分", name=c.name)))
        elif not value.is_finite() or value < 0 or value > c.max_score:
            problems.append((field, _("“%(name)s”的得分应在0到%(max)s之间", name=c.name, max=c.max_score)))
        elif value != value.quantize(Decimal("0.01")):
            problems.append((field, _("得分最多保留两位小数")))
    if problems:
        raise ReviewInvalid(problems)
    for c in review.round.criteria:
        rating = review.rating_for(c.id)
        if rating is None:
            rating = ReviewRating(criterion_id=c.id)
            review.ratings.append(rating)
        rating.score = scores.get(c.id)
        rating.comment = (comments.get(c.id) or "").strip()
    review.comment = (comment or "").strip()
    if submit:
        total = rules.review_total([rules.Criterion(c.id, c.weight, c.max_score) for c in review.round.criteria],
                                   {c.id: scores[c.id] for c in review.round.criteria})
        with db.session.no_autoflush:
            review.submitted_at = now
            _move(review, ReviewState.SUBMITTED, actor, total=str(total))
        db.session.flush()
        left = db.session.scalar(sa.select(sa.func.count(ExpertReview.id)).where(
            ExpertReview.round_id == review.round_id, ExpertReview.state.in_(PENDING)))
        if not left:
            notify("review.all_in", users_with_role(Role.BUREAU), title=review.round.challenge.title,
                   round_id=review.round_id)
    else:
        record_event(review, "scores_saved", actor=actor)


def reopen_review(review: ExpertReview, *, actor, reason: str) -> None:
    """The bureau reopens a submitted score, with a recorded reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ReviewInvalid([("reason", _("退回重评必须填写理由"))])
    _require_reviewing(review.round)
    with db.session.no_autoflush:
        _move(review, ReviewState.SCORING, actor, reason)
        review.submitted_at = None
    notify("review.reopened", [review.expert_id], title=review.round.challenge.title, reason=reason)
