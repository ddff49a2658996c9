"""Demands (需求): an enterprise's technical problem, screened by the bureau."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import OrgType, Role
from ..core.enums import EnumType, LabelledEnum
from ..core.timeutil import utcnow
from ..core.transitions import TransitionTable
from ..core.types import Money, UTCDateTime
from ..extensions import db


class DemandState(LabelledEnum):
    DRAFT = "draft", _l("草稿")
    SUBMITTED = "submitted", _l("待筛选")
    RETURNED = "returned", _l("退回补充")
    ACCEPTED = "accepted", _l("已采纳")
    REJECTED = "rejected", _l("未采纳")


D = DemandState
APPLICANT, BUREAU = Role.APPLICANT.value, Role.BUREAU.value

DEMAND_TRANSITIONS = (
    TransitionTable(DemandState)
    .add(D.DRAFT, D.SUBMITTED, [APPLICANT])
    .add(D.RETURNED, D.SUBMITTED, [APPLICANT])
    .add(D.SUBMITTED, D.ACCEPTED, [BUREAU])
    .add(D.SUBMITTED, D.REJECTED, [BUREAU], reason_required=True)
    .add(D.SUBMITTED, D.RETURNED, [BUREAU], reason_required=True)
)

EDITABLE_STATES = frozenset({D.DRAFT, D.RETURNED})


def can_file_demand(user) -> bool:
    """Only users of an enterprise pose problems (企业出题)."""
    return (getattr(user, "is_authenticated", False) and user.role is Role.APPLICANT
            and user.organisation is not None and user.organisation.org_type is OrgType.ENTERPRISE)


class Demand(db.Model):
    __tablename__ = "demands"
    __table_args__ = (
        sa.CheckConstraint("time_limit_months IS NULL OR time_limit_months >= 1",
                           name="time_limit_positive"),
        sa.CheckConstraint("own_funding_fen IS NULL OR own_funding_fen >= 0",
                           name="own_funding_non_negative"),
        sa.CheckConstraint("state NOT IN ('rejected', 'returned') OR decision_reason IS NOT NULL",
                           name="decision_has_reason"),
        sa.CheckConstraint("state = 'draft' OR submitted_at IS NOT NULL", name="submitted_has_time"),
    )
    __transitions__ = DEMAND_TRANSITIONS

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[DemandState] = mapped_column(EnumType(DemandState, "demand_state"),
                                               default=DemandState.DRAFT, index=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    title: Mapped[str] = mapped_column(sa.String(200))
    field: Mapped[str] = mapped_column(sa.String(64), index=True)
    problem: Mapped[str] = mapped_column(sa.Text, default="")
    core_indicators: Mapped[str] = mapped_column(sa.Text, default="")
    time_limit_months: Mapped[int | None] = mapped_column(sa.Integer)
    ip_ownership: Mapped[str] = mapped_column(sa.Text, default="")
    own_funding_fen: Mapped[int | None] = mapped_column(Money)
    solver_conditions: Mapped[str] = mapped_column(sa.Text, default="")
    cannot_solve_alone: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    contact_name: Mapped[str] = mapped_column(sa.String(100), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(32), default="")
    decision_reason: Mapped[str | None] = mapped_column(sa.Text)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    organisation = relationship("Organisation")
    created_by = relationship("User")
    # Every file ever uploaded, removed ones included (they count against the quota).
    all_attachments = relationship("DemandAttachment", back_populates="demand",
                                   order_by="DemandAttachment.id", cascade="all, delete-orphan")
    # The files the demand has now (what pages show and screening reads).
    attachments = relationship("DemandAttachment", order_by="DemandAttachment.id", viewonly=True,
                               primaryjoin="and_(Demand.id == DemandAttachment.demand_id, "
                                           "DemandAttachment.removed_at.is_(None))")
    challenge = relationship("Challenge", back_populates="demand", uselist=False)

    def __repr__(self) -> str:
        return f"<Demand {self.id} {self.state.value} {self.title}>"

    @property
    def is_returned(self) -> bool:
        return self.state is DemandState.RETURNED

    def is_member(self, user) -> bool:
        return (getattr(user, "is_authenticated", False) and user.role is Role.APPLICANT
                and user.organisation_id == self.organisation_id)

    def can_view(self, user) -> bool:
        """The filing enterprise always; bureau and admin once it has been submitted."""
        if self.is_member(user):
            return True
        return (getattr(user, "is_authenticated", False) and user.role in (Role.BUREAU, Role.ADMIN)
                and self.state is not DemandState.DRAFT)

    def can_edit(self, user) -> bool:
        return self.is_member(user) and self.state in EDITABLE_STATES

    def can_screen(self, user) -> bool:
        return (getattr(user, "is_authenticated", False) and user.role is Role.BUREAU
                and self.state is DemandState.SUBMITTED)


class DemandAttachment(db.Model):
    """A file attached to a demand; bytes live in the content-addressed upload store."""

    __tablename__ = "demand_attachments"
    __table_args__ = (
        sa.CheckConstraint("size_bytes > 0", name="size_positive"),
        sa.CheckConstraint("length(sha256) = 64", name="sha256_length"),
        sa.CheckConstraint("(removed_at IS NULL) = (removed_by_id IS NULL)", name="removal_complete"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    demand_id: Mapped[int] = mapped_column(sa.ForeignKey("demands.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size_bytes: Mapped[int] = mapped_column(sa.Integer)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Removing keeps the row: its bytes still count against the demand's quota (so
    # upload-remove-upload cannot fill the store), but it no longer references its
    # blob (see :func:`referenced_digests_select`) and is never served again.
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))

    demand = relationship("Demand", back_populates="all_attachments")

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None


def stored_bytes_select(demand_id: int):
    """Bytes ever stored for a demand, removed files included (the quota's measure)."""
    return sa.select(sa.func.coalesce(sa.func.sum(DemandAttachment.size_bytes), 0)).where(
        DemandAttachment.demand_id == demand_id)


def referenced_digests_select():
    """Digests of the upload store that demand attachments still reference (removed
    attachments release theirs): for the store's garbage collection."""
    return sa.select(DemandAttachment.sha256).where(DemandAttachment.removed_at.is_(None)).distinct()
