"""Expert review (专家评审), award and publicity (揭榜结果公示) of a challenge.

A :class:`ReviewRound` per challenge holds the scorecard (:class:`ReviewCriterion`
rows) and the panel's :class:`ReviewDraw` records (seed, ordered candidates,
exclusions with reasons). Each (bid, expert) pair is an :class:`ExpertReview` with
one :class:`ReviewRating` per criterion. Totals, means and ranks are computed from
the rating rows (``reviews.queries``), never stored. Winners are :class:`Award`
rows; each 揭榜结果公示 is a :class:`Publicity` with its objection window;
:class:`Objection` rows are the public's real-name objections.
"""
from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import Role
from ..core.enums import EnumType, LabelledEnum
from ..core.timeutil import utcnow
from ..core.transitions import TransitionTable
from ..core.types import UTCDateTime
from ..extensions import db

MAX_PANEL = 25
MAX_SCORE = 100


class ReviewState(LabelledEnum):
    ASSIGNED = "assigned", _l("待确认回避")
    SCORING = "scoring", _l("评分中")
    SUBMITTED = "submitted", _l("已提交")
    RECUSED = "recused", _l("已回避")
    DECLINED = "declined", _l("已谢绝")


R = ReviewState
EXPERT = Role.EXPERT.value
BUREAU = Role.BUREAU.value

REVIEW_TRANSITIONS = (
    TransitionTable(ReviewState)
    .add(R.ASSIGNED, R.SCORING, [EXPERT])                       # confirms no conflict
    .add(R.ASSIGNED, R.RECUSED, [EXPERT], reason_required=True)
    .add(R.SCORING, R.RECUSED, [EXPERT], reason_required=True)
    .add(R.ASSIGNED, R.DECLINED, [EXPERT], reason_required=True)
    .add(R.SCORING, R.DECLINED, [EXPERT], reason_required=True)
    .add(R.SCORING, R.SUBMITTED, [EXPERT])
    .add(R.SUBMITTED, R.SCORING, [BUREAU], reason_required=True)  # reopened
)
PENDING = frozenset({R.ASSIGNED, R.SCORING})
VACATED = frozenset({R.RECUSED, R.DECLINED})


class ObjectionState(LabelledEnum):
    OPEN = "open", _l("待处理")
    SUSTAINED = "sustained", _l("异议成立")
    DISMISSED = "dismissed", _l("异议不成立")


O = ObjectionState
OBJECTION_TRANSITIONS = (
    TransitionTable(ObjectionState)
    .add(O.OPEN, O.SUSTAINED, [BUREAU], reason_required=True)
    .add(O.OPEN, O.DISMISSED, [BUREAU], reason_required=True)
)


class DrawKind(LabelledEnum):
    INITIAL = "initial", _l("抽取")
    REPLACEMENT = "replacement", _l("补抽")


class ReviewRound(db.Model):
    """The expert review of one challenge: panel size, deadline and scorecard."""

    __tablename__ = "review_rounds"
    __table_args__ = (sa.CheckConstraint(f"panel_size >= 1 AND panel_size <= {MAX_PANEL}", name="panel_size_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id", ondelete="RESTRICT"), unique=True)
    panel_size: Mapped[int] = mapped_column(sa.Integer)
    scoring_deadline_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    challenge = relationship("Challenge", backref=db.backref("review_round", uselist=False))
    criteria = relationship("ReviewCriterion", back_populates="round", order_by="ReviewCriterion.position",
                            cascade="all, delete-orphan")
    draws = relationship("ReviewDraw", back_populates="round", order_by="ReviewDraw.sequence")
    created_by = relationship("User")

    @property
    def technical_criterion(self):
        """The tie-breaker of rule 12: the first criterion (技术路线 by default)."""
        return self.criteria[0] if self.criteria else None

    def is_overdue(self, now: datetime | None = None) -> bool:
        return (now or utcnow()) > self.scoring_deadline_at


class ReviewCriterion(db.Model):
    """One weighted row of the scorecard; weights of a round sum to 100."""

    __tablename__ = "review_criteria"
    __table_args__ = (
        sa.UniqueConstraint("round_id", "position"),
        sa.UniqueConstraint("round_id", "name"),
        sa.CheckConstraint("weight >= 1 AND weight <= 100", name="weight_range"),
        sa.CheckConstraint(f"max_score >= 1 AND max_score <= {MAX_SCORE}", name="max_score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("review_rounds.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(sa.Integer)
    name: Mapped[str] = mapped_column(sa.String(64))
    description: Mapped[str] = mapped_column(sa.String(300), default="")
    weight: Mapped[int] = mapped_column(sa.Integer)
    max_score: Mapped[int] = mapped_column(sa.Integer)

    round = relationship("ReviewRound", back_populates="criteria")


class ReviewDraw(db.Model):
    """A recorded draw (抽取 or 补抽): the seed, the pool in draw order, the
    exclusions with their reasons and the experts selected. Immutable. The reviews it
    created name it (``ExpertReview.draw_id``); those of a 补抽 also name the vacancy."""

    __tablename__ = "review_draws"
    __table_args__ = (
        sa.UniqueConstraint("round_id", "sequence"),
        sa.CheckConstraint("sequence >= 1", name="sequence_positive"),
        sa.CheckConstraint("(kind = 'initial') = (sequence = 1)", name="initial_first"),
        sa.CheckConstraint("size >= 1", name="size_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("review_rounds.id", ondelete="RESTRICT"), index=True)
    sequence: Mapped[int] = mapped_column(sa.Integer)
    kind: Mapped[DrawKind] = mapped_column(EnumType(DrawKind, "review_draw_kind"))
    seed: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int] = mapped_column(sa.Integer)
    bid_ids_json: Mapped[str] = mapped_column(sa.Text)        # bids the drawn experts review
    candidates_json: Mapped[str] = mapped_column(sa.Text)     # [{"id", "name"}] in draw order
    exclusions_json: Mapped[str] = mapped_column(sa.Text)     # [{"id", "name", "reasons": [...]}]
    selected_json: Mapped[str] = mapped_column(sa.Text)       # [id, ...]
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    drawn_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))

    round = relationship("ReviewRound", back_populates="draws")
    drawn_by = relationship("User")

    @property
    def bid_ids(self) -> list[int]:
        return json.loads(self.bid_ids_json)

    @property
    def candidates(self) -> list[dict]:
        return json.loads(self.candidates_json)

    @property
    def exclusions(self) -> list[dict]:
        return json.loads(self.exclusions_json)

    @property
    def selected(self) -> list[int]:
        return json.loads(self.selected_json)


@event.listens_for(ReviewDraw, "before_update")
def _draws_are_immutable(mapper, connection, target):
    raise ValueError("a recorded draw is immutable")


class ExpertReview(db.Model):
    """One expert's review of one bid: the conflict confirmation or recusal, the
    ratings (draft until submitted) and an overall comment."""

    __tablename__ = "expert_reviews"
    __table_args__ = (
        sa.UniqueConstraint("bid_id", "expert_id"),
        sa.CheckConstraint("(state IN ('recused', 'declined')) = (recusal_reason IS NOT NULL)",
                           name="vacated_has_reason"),
        sa.CheckConstraint("(state = 'submitted') = (submitted_at IS NOT NULL)", name="submitted_has_time"),
        sa.CheckConstraint("state IN ('assigned', 'recused', 'declined') OR conflict_confirmed_at IS NOT NULL",
                           name="scoring_after_confirmation"),
    )
    __transitions__ = REVIEW_TRANSITIONS

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("review_rounds.id", ondelete="RESTRICT"), index=True)
    bid_id: Mapped[int] = mapped_column(sa.ForeignKey("bids.id", ondelete="RESTRICT"), index=True)
    expert_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    draw_id: Mapped[int] = mapped_column(sa.ForeignKey("review_draws.id", ondelete="RESTRICT"), index=True)
    # The vacancy (a recused or declined review) this review fills after a 补抽: one
    # replacement per vacancy, so a double click cannot fill it twice.
    replaces_review_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("expert_reviews.id"), unique=True)  # NO ACTION: checked at statement end
    state: Mapped[ReviewState] = mapped_column(EnumType(ReviewState, "expert_review_state"),
                                               default=ReviewState.ASSIGNED, index=True)
    conflict_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recusal_reason: Mapped[str | None] = mapped_column(sa.Text)
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    overdue_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    round = relationship("ReviewRound")
    bid = relationship("Bid")
    expert = relationship("User")
    draw = relationship("ReviewDraw")
    replaces = relationship("ExpertReview", remote_side=[id])
    ratings = relationship("ReviewRating", back_populates="review", cascade="all, delete-orphan")

    @property
    def is_pending(self) -> bool:
        return self.state in PENDING

    @property
    def is_vacated(self) -> bool:
        return self.state in VACATED

    def rating_for(self, criterion_id: int):
        return next((r for r in self.ratings if r.criterion_id == criterion_id), None)

    def is_expert(self, user) -> bool:
        return (getattr(user, "is_authenticated", False) and user.role is Role.EXPERT
                and user.id == self.expert_id)

    def can_open(self, user) -> bool:
        """The assigned expert sees the bid only after confirming no conflict, and never
        after recusing or declining."""
        return self.is_expert(user) and self.state in (ReviewState.SCORING, ReviewState.SUBMITTED)

    def can_score(self, user) -> bool:
        return self.is_expert(user) and self.state is ReviewState.SCORING


class ReviewRating(db.Model):
    """The score of one criterion in one review (rule 12 keeps every raw score)."""

    __tablename__ = "review_ratings"
    __table_args__ = (
        sa.UniqueConstraint("review_id", "criterion_id"),
        sa.CheckConstraint(f"score IS NULL OR (score >= 0 AND score <= {MAX_SCORE})", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(sa.ForeignKey("expert_reviews.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("review_criteria.id", ondelete="RESTRICT"), index=True)
    score: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))
    comment: Mapped[str] = mapped_column(sa.Text, default="")

    review = relationship("ExpertReview", back_populates="ratings")
    criterion = relationship("ReviewCriterion")


class Publicity(db.Model):
    """One 揭榜结果公示 (or its correction) with the objection window, whose end is
    fixed when it is issued (N working days of the official calendar)."""

    __tablename__ = "review_publicities"
    __table_args__ = (sa.CheckConstraint("ends_at > starts_at", name="window_positive"),
                      sa.CheckConstraint("working_days >= 1", name="working_days_positive"))

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id", ondelete="RESTRICT"), index=True)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("issued_documents.id", ondelete="RESTRICT"), unique=True)
    corrects_id: Mapped[int | None] = mapped_column(sa.ForeignKey("review_publicities.id"),  # NO ACTION
                                                    unique=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    working_days: Mapped[int] = mapped_column(sa.Integer)
    issued_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))

    challenge = relationship("Challenge")
    document = relationship("IssuedDocument")
    corrects = relationship("Publicity", remote_side=[id])

    def is_open(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return self.starts_at <= now < self.ends_at


class Award(db.Model):
    """A winner (拟立项) chosen by the bureau; revoked only by a sustained objection."""

    __tablename__ = "review_awards"
    __table_args__ = (
        sa.CheckConstraint("rank_at_award >= 1", name="rank_positive"),
        sa.CheckConstraint("(revoked_at IS NULL) = (revoked_reason IS NULL)", name="revoked_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("review_rounds.id", ondelete="RESTRICT"), index=True)
    bid_id: Mapped[int] = mapped_column(sa.ForeignKey("bids.id", ondelete="RESTRICT"), unique=True)
    rank_at_award: Mapped[int] = mapped_column(sa.Integer)
    rationale: Mapped[str] = mapped_column(sa.Text, default="")
    awarded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    awarded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(sa.Text)

    round = relationship("ReviewRound")
    bid = relationship("Bid")

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Objection(db.Model):
    """A real-name objection (异议) filed during a publicity window, and its handling."""

    __tablename__ = "review_objections"
    __table_args__ = (
        sa.CheckConstraint("(state = 'open') = (resolved_at IS NULL)", name="resolved_has_time"),
        sa.CheckConstraint("state = 'open' OR length(handling) > 0", name="resolved_has_handling"),
        sa.CheckConstraint("length(name) > 0 AND length(phone) > 0 AND length(organisation) > 0",
                           name="real_name"),
        sa.CheckConstraint("attachment_sha256 IS NULL OR length(attachment_sha256) = 64",
                           name="attachment_sha256_length"),
    )
    __transitions__ = OBJECTION_TRANSITIONS

    id: Mapped[int] = mapped_column(primary_key=True)
    publicity_id: Mapped[int] = mapped_column(sa.ForeignKey("review_publicities.id", ondelete="RESTRICT"),
                                              index=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id", ondelete="RESTRICT"), index=True)
    state: Mapped[ObjectionState] = mapped_column(EnumType(ObjectionState, "objection_state"),
                                                  default=ObjectionState.OPEN, index=True)
    name: Mapped[str] = mapped_column(sa.String(50))
    organisation: Mapped[str] = mapped_column(sa.String(200))
    phone: Mapped[str] = mapped_column(sa.String(32))
    email: Mapped[str] = mapped_column(sa.String(254))
    content: Mapped[str] = mapped_column(sa.Text)
    attachment_name: Mapped[str | None] = mapped_column(sa.String(200))
    attachment_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    attachment_size: Mapped[int | None] = mapped_column(sa.Integer)
    attachment_type: Mapped[str | None] = mapped_column(sa.String(100))
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    handling: Mapped[str | None] = mapped_column(sa.Text)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    revoked_award_id: Mapped[int | None] = mapped_column(sa.ForeignKey("review_awards.id", ondelete="RESTRICT"),
                                                         unique=True)

    publicity = relationship("Publicity")
    challenge = relationship("Challenge")
    resolved_by = relationship("User")
    revoked_award = relationship("Award")
