"""Tables shared by every domain: the audit trail and policy overrides."""
from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .timeutil import utcnow
from .types import UTCDateTime


class AuditEvent(db.Model):
    """Who did what, when, from which state to which, and why (rule 20)."""

    __tablename__ = "audit_events"
    __table_args__ = (
        sa.Index("ix_audit_events_entity", "entity_type", "entity_id"),
        sa.CheckConstraint(
            "(action = 'transition') = (to_state IS NOT NULL)", name="transition_has_state"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_type: Mapped[str] = mapped_column(sa.String(64))
    entity_id: Mapped[int] = mapped_column(sa.Integer)
    action: Mapped[str] = mapped_column(sa.String(64))
    from_state: Mapped[str | None] = mapped_column(sa.String(32))
    to_state: Mapped[str | None] = mapped_column(sa.String(32))
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT"), index=True
    )
    actor_role: Mapped[str | None] = mapped_column(sa.String(32))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    data_json: Mapped[str | None] = mapped_column(sa.Text)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    actor = db.relationship("User", foreign_keys=[actor_id])

    @property
    def data(self) -> dict:
        return json.loads(self.data_json) if self.data_json else {}


class PolicySetting(db.Model):
    """A bureau's override of one policy default from ``config.POLICY_DEFAULTS``."""

    __tablename__ = "policy_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    value: Mapped[int] = mapped_column(sa.BigInteger)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)
