"""Challenges (榜单): fields, KPIs, milestone template, amendments, publications."""
from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import Role
from ..core.enums import EnumType, LabelledEnum
from ..core.timeutil import utcnow
from ..core.transitions import SYSTEM, TransitionTable
from ..core.types import Money, UTCDateTime
from ..extensions import db


class ChallengeState(LabelledEnum):
    DRAFT = "draft", _l("草稿")
    PUBLISHED = "published", _l("揭榜中")
    CLOSED = "closed", _l("已截止")
    UNDER_REVIEW = "under_review", _l("评审中")
    AWARDED = "awarded", _l("已确定揭榜方")
    IN_PROGRESS = "in_progress", _l("攻关实施中")
    FINISHED = "finished", _l("已结束")
    CANCELLED = "cancelled", _l("已撤榜")


S = ChallengeState
BUREAU = Role.BUREAU.value

CHALLENGE_TRANSITIONS = (
    TransitionTable(ChallengeState)
    .add(S.DRAFT, S.PUBLISHED, [BUREAU])
    .add(S.PUBLISHED, S.CLOSED, [SYSTEM])
    .add(S.CLOSED, S.UNDER_REVIEW, [BUREAU, SYSTEM])
    .add(S.UNDER_REVIEW, S.AWARDED, [BUREAU])
    .add(S.AWARDED, S.IN_PROGRESS, [BUREAU, SYSTEM])
    .add(S.IN_PROGRESS, S.FINISHED, [BUREAU, SYSTEM])
)
for _from in (S.DRAFT, S.PUBLISHED, S.CLOSED, S.UNDER_REVIEW, S.AWARDED):
    CHALLENGE_TRANSITIONS.add(_from, S.CANCELLED, [BUREAU], reason_required=True)

# Everything from publication on is public; a draft never is. A challenge cancelled
# before publication stays private, one withdrawn after publication stays visible.
PUBLIC_STATES = frozenset({S.PUBLISHED, S.CLOSED, S.UNDER_REVIEW, S.AWARDED, S.IN_PROGRESS,
                           S.FINISHED})


def plain_decimal(value: Decimal | None) -> str:
    """90.000000 -> '90', 99.990 -> '99.99' (never '9E+1')."""
    return "" if value is None else format(value.normalize(), "f")


class Comparator(LabelledEnum):
    GE = "ge", "≥"
    GT = "gt", ">"
    LE = "le", "≤"
    LT = "lt", "<"
    EQ = "eq", "="

    @property
    def symbol(self) -> str:
        return self.label


def _staff(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.role in (Role.BUREAU, Role.ADMIN)


def _member_of(user, organisation_id) -> bool:
    return (getattr(user, "is_authenticated", False) and user.role is Role.APPLICANT
            and user.organisation_id is not None and user.organisation_id == organisation_id)


class Publication(db.Model):
    """One act of publishing one or several challenges; the 榜单发布公告 hangs on it."""

    __tablename__ = "challenge_publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))

    published_by = relationship("User")
    challenges = relationship("Challenge", back_populates="publication", order_by="Challenge.id")


class Challenge(db.Model):
    __tablename__ = "challenges"
    __table_args__ = (
        sa.CheckConstraint("slots >= 1", name="slots_positive"),
        sa.CheckConstraint("time_limit_months IS NULL OR time_limit_months >= 1",
                           name="time_limit_positive"),
        sa.CheckConstraint("support_fen IS NULL OR support_fen >= 0", name="support_non_negative"),
        sa.CheckConstraint("issuer_funding_fen IS NULL OR issuer_funding_fen >= 0",
                           name="issuer_funding_non_negative"),
        sa.CheckConstraint("bid_deadline_at IS NULL OR bid_opens_at IS NULL OR bid_deadline_at > bid_opens_at",
                           name="deadline_after_opening"),
        # Rule 2 in the database: past the draft, every field is there.
        sa.CheckConstraint(
            "state IN ('draft', 'cancelled') OR (published_at IS NOT NULL AND publication_id IS NOT NULL"
            " AND time_limit_months IS NOT NULL AND support_fen IS NOT NULL"
            " AND issuer_funding_fen IS NOT NULL AND bid_opens_at IS NOT NULL"
            " AND bid_deadline_at IS NOT NULL)",
            name="published_complete",
        ),
        sa.CheckConstraint("(state = 'cancelled') = (cancel_reason IS NOT NULL)",
                           name="cancel_has_reason"),
        sa.CheckConstraint("state != 'closed' OR closed_at IS NOT NULL", name="closed_has_time"),
    )
    __transitions__ = CHALLENGE_TRANSITIONS

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[ChallengeState] = mapped_column(EnumType(ChallengeState, "challenge_state"),
                                                  default=ChallengeState.DRAFT, index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    field: Mapped[str] = mapped_column(sa.String(64), index=True)
    issuer_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="RESTRICT"),
                                           index=True)
    problem_statement: Mapped[str] = mapped_column(sa.Text, default="")
    time_limit_months: Mapped[int | None] = mapped_column(sa.Integer)
    support_fen: Mapped[int | None] = mapped_column(Money)
    issuer_funding_fen: Mapped[int | None] = mapped_column(Money)
    ip_terms: Mapped[str] = mapped_column(sa.Text, default="")
    eligibility: Mapped[str] = mapped_column(sa.Text, default="")
    contact_name: Mapped[str] = mapped_column(sa.String(100), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(32), default="")
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")
    bid_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    bid_deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    slots: Mapped[int] = mapped_column(sa.Integer, default=1)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(sa.Text)
    publication_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("challenge_publications.id", ondelete="RESTRICT"), index=True)
    demand_id: Mapped[int | None] = mapped_column(sa.ForeignKey("demands.id", ondelete="RESTRICT"),
                                                  unique=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Optimistic locking: two requests closing or amending the same row at once
    # cannot both win (the loser's UPDATE matches no row and is rolled back).
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    issuer = relationship("Organisation")
    publication = relationship("Publication", back_populates="challenges")
    demand = relationship("Demand", back_populates="challenge")
    created_by = relationship("User")
    kpis = relationship("ChallengeKpi", back_populates="challenge", order_by="ChallengeKpi.position",
                        cascade="all, delete-orphan")
    milestone_template = relationship("MilestoneCheckpoint", back_populates="challenge",
                                      order_by="MilestoneCheckpoint.position",
                                      cascade="all, delete-orphan")
    amendments = relationship("Amendment", back_populates="challenge",
                              order_by="Amendment.amended_at", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Challenge {self.id} {self.state.value} {self.title}>"

    # -- derived values ------------------------------------------------------
    @property
    def total_funding_fen(self) -> int:
        return (self.support_fen or 0) + (self.issuer_funding_fen or 0)

    @property
    def race_checkpoint(self):
        return next((m for m in self.milestone_template if m.is_race_checkpoint), None)

    @property
    def is_horse_race(self) -> bool:
        return self.slots > 1

    # -- predicates ----------------------------------------------------------
    @property
    def is_draft(self) -> bool:
        return self.state is ChallengeState.DRAFT

    @property
    def is_published(self) -> bool:
        return self.state is ChallengeState.PUBLISHED

    @property
    def is_cancelled(self) -> bool:
        return self.state is ChallengeState.CANCELLED

    @property
    def is_public(self) -> bool:
        return self.state in PUBLIC_STATES or (
            self.state is ChallengeState.CANCELLED and self.published_at is not None)

    @property
    def display_state(self) -> ChallengeState:
        """The state as pages show it, computed from the clock: a published challenge
        past its deadline is closed even before ``jobs run`` has stored the close."""
        if self.state is ChallengeState.PUBLISHED and self.is_past_deadline():
            return ChallengeState.CLOSED
        return self.state

    def is_past_deadline(self, now: datetime | None = None) -> bool:
        return self.bid_deadline_at is not None and (now or utcnow()) >= self.bid_deadline_at

    def is_open_for_bids(self, now: datetime | None = None) -> bool:
        """Judged by the clock, not only the state, so no bid slips in before the close is stored."""
        now = now or utcnow()
        return (self.state is ChallengeState.PUBLISHED and self.bid_opens_at is not None
                and self.bid_opens_at <= now and not self.is_past_deadline(now))

    def is_issuer_member(self, user) -> bool:
        return _member_of(user, self.issuer_id)

    def can_view(self, user) -> bool:
        """Public challenges: anyone. Drafts: bureau, admin and the issuing enterprise."""
        return self.is_public or _staff(user) or self.is_issuer_member(user)

    def can_follow(self, user) -> bool:
        """The internal page with the handling history: bureau, admin and the issuing enterprise."""
        return _staff(user) or self.is_issuer_member(user)

    def can_edit(self, user) -> bool:
        """Direct editing is for bureau staff while the challenge is a draft."""
        return (self.state is ChallengeState.DRAFT and getattr(user, "is_authenticated", False)
                and user.role is Role.BUREAU)

    def can_manage(self, user) -> bool:
        return getattr(user, "is_authenticated", False) and user.role is Role.BUREAU

    def can_amend(self, user, now: datetime | None = None) -> bool:
        return (self.can_manage(user) and self.state is ChallengeState.PUBLISHED
                and not self.is_past_deadline(now))


class ChallengeKpi(db.Model):
    """A measurable indicator (考核指标). Bids answer each of them (rule 9)."""

    __tablename__ = "challenge_kpis"
    __table_args__ = (sa.UniqueConstraint("challenge_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id", ondelete="CASCADE"),
                                              index=True)
    position: Mapped[int] = mapped_column(sa.Integer)
    name: Mapped[str] = mapped_column(sa.String(200))
    comparator: Mapped[Comparator] = mapped_column(EnumType(Comparator, "kpi_comparator"))
    # None only in a draft (a half-filled row is kept); publication requires every target.
    target_value: Mapped[Decimal | None] = mapped_column(sa.Numeric(20, 6))
    unit: Mapped[str] = mapped_column(sa.String(32), default="")
    verification_method: Mapped[str] = mapped_column(sa.Text, default="")

    challenge = relationship("Challenge", back_populates="kpis")

    @property
    def target_text(self) -> str:
        """'≥ 90 %' with the Decimal printed without trailing zeros."""
        return " ".join(p for p in (self.comparator.symbol, plain_decimal(self.target_value), self.unit) if p)


class MilestoneCheckpoint(db.Model):
    """One checkpoint of the challenge's milestone template (copied into each bid's plan)."""

    __tablename__ = "challenge_milestones"
    __table_args__ = (
        sa.UniqueConstraint("challenge_id", "position"),
        sa.CheckConstraint("month_offset >= 0", name="month_offset_non_negative"),
        sa.CheckConstraint("tranche_percent >= 0 AND tranche_percent <= 100", name="percent_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id", ondelete="CASCADE"),
                                              index=True)
    position: Mapped[int] = mapped_column(sa.Integer)
    name: Mapped[str] = mapped_column(sa.String(200))
    month_offset: Mapped[int] = mapped_column(sa.Integer)
    tranche_percent: Mapped[int] = mapped_column(sa.Integer)
    is_race_checkpoint: Mapped[bool] = mapped_column(sa.Boolean, default=False)

    challenge = relationship("Challenge", back_populates="milestone_template")


class Amendment(db.Model):
    """A recorded change after publication, with its reason; shown publicly."""

    __tablename__ = "challenge_amendments"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id", ondelete="CASCADE"),
                                              index=True)
    amended_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    amended_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    reason: Mapped[str] = mapped_column(sa.Text)
    changes_json: Mapped[str] = mapped_column(sa.Text)

    challenge = relationship("Challenge", back_populates="amendments")
    amended_by = relationship("User")

    @property
    def changes(self) -> list[dict]:
        """[{"field": ..., "label": ..., "old": text, "new": text}, ...]"""
        return json.loads(self.changes_json)
