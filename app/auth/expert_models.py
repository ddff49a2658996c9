"""Experts as people with histories (rule 11): one profile per expert user, with fields
of expertise, current and past employers and declared relationships. Employers are
Organisation rows, so conflicts are computed by credit code, never by name."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import utcnow
from ..core.types import UTCDateTime
from ..extensions import db

# Years before this are typing mistakes, not careers.
MIN_YEAR = 1950


class ExpertProfile(db.Model):
    """专家档案. Only active (在库) profiles may be drawn for a panel."""

    __tablename__ = "expert_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    title: Mapped[str | None] = mapped_column(sa.String(64))
    employer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    is_active: Mapped[bool] = mapped_column(sa.Boolean, default=True, index=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)

    user = relationship("User", backref=db.backref("expert_profile", uselist=False, passive_deletes=True))
    employer = relationship("Organisation", foreign_keys=[employer_id])
    field_rows = relationship("ExpertField", back_populates="profile", cascade="all, delete-orphan",
                              order_by="ExpertField.id")
    employments = relationship("ExpertEmployment", back_populates="profile", cascade="all, delete-orphan",
                               order_by="(ExpertEmployment.start_year.desc(), ExpertEmployment.id)")
    relationships = relationship("ExpertRelationship", back_populates="profile", cascade="all, delete-orphan",
                                 order_by="ExpertRelationship.id")

    def __repr__(self) -> str:
        return f"<ExpertProfile {self.id} user={self.user_id}>"

    @property
    def fields(self) -> list[str]:
        return [row.field for row in self.field_rows]

    def can_edit(self, user) -> bool:
        return can_edit_expert(user, self.user)


def can_edit_expert(user, expert) -> bool:
    """The expert edits their own profile; bureau staff and admins edit any expert's."""
    from .models import Role

    if not getattr(user, "is_authenticated", False) or expert is None or expert.role is not Role.EXPERT:
        return False
    return user.role in (Role.BUREAU, Role.ADMIN) or user.id == expert.id


class ExpertField(db.Model):
    """One field of expertise (from core.fields.INDUSTRY_FIELDS) of a profile."""

    __tablename__ = "expert_fields"
    __table_args__ = (sa.UniqueConstraint("profile_id", "field"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(sa.ForeignKey("expert_profiles.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(sa.String(32), index=True)

    profile = relationship("ExpertProfile", back_populates="field_rows")


class ExpertEmployment(db.Model):
    """A past employer (历史工作单位) with the years worked there."""

    __tablename__ = "expert_employments"
    __table_args__ = (
        sa.CheckConstraint("end_year >= start_year", name="end_after_start"),
        sa.CheckConstraint(f"start_year >= {MIN_YEAR}", name="start_year_plausible"),
        sa.UniqueConstraint("profile_id", "organisation_id", "start_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(sa.ForeignKey("expert_profiles.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    start_year: Mapped[int] = mapped_column(sa.Integer)
    end_year: Mapped[int] = mapped_column(sa.Integer)

    profile = relationship("ExpertProfile", back_populates="employments")
    organisation = relationship("Organisation")


class ExpertRelationship(db.Model):
    """A relationship the expert declared with an organisation (申报的利害关系), with its reason."""

    __tablename__ = "expert_relationships"
    __table_args__ = (
        sa.UniqueConstraint("profile_id", "organisation_id"),
        sa.CheckConstraint("length(reason) > 0", name="reason_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(sa.ForeignKey("expert_profiles.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    reason: Mapped[str] = mapped_column(sa.String(500))

    profile = relationship("ExpertProfile", back_populates="relationships")
    organisation = relationship("Organisation")
