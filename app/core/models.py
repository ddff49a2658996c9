"""Tables shared by every domain: the audit trail and policy overrides."""
from __future__ import annotations

import json
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .timeutil import utcnow
from .types import UTCDateTime


class AuditEvent(db.Model):
    """Who did what, when, from which state to which, and why (rule 20).

    Append-only (database triggers refuse UPDATE and DELETE) and hash-chained:
    ``hash = SHA-256(prev_hash || canonical serialisation)``, ``height`` counts the
    chain from 1 (see ``core.audit``).
    """

    __tablename__ = "audit_events"
    __table_args__ = (
        sa.Index("ix_audit_events_entity", "entity_type", "entity_id"),
        sa.CheckConstraint(
            "(action = 'transition') = (to_state IS NOT NULL)", name="transition_has_state"
        ),
        sa.CheckConstraint("height >= 1", name="height_positive"),
        sa.CheckConstraint("length(hash) = 64 AND length(prev_hash) = 64", name="hash_length"),
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
    organisation_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    request_id: Mapped[str | None] = mapped_column(sa.String(64))
    ip_address: Mapped[str | None] = mapped_column(sa.String(64))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    # The chain: no two events share a height or a predecessor, so it cannot fork.
    height: Mapped[int] = mapped_column(sa.BigInteger, unique=True)
    prev_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    hash: Mapped[str] = mapped_column(sa.String(64), unique=True)

    actor = db.relationship("User", foreign_keys=[actor_id])

    @property
    def data(self) -> dict:
        return json.loads(self.data_json) if self.data_json else {}


class PolicySetting(db.Model):
    """A bureau's override of one policy default from ``config.POLICY_DEFAULTS``."""

    __tablename__ = "policy_settings"
    __table_args__ = (sa.CheckConstraint("value >= 0", name="value_non_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # Counts and fen are whole numbers; ratios such as 1.5:1 need decimals.
    value: Mapped[Decimal] = mapped_column(sa.Numeric(20, 4))
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)


class AuditChainHead(db.Model):
    """The chain's head, one row (id 1). Appending updates it first, so the row lock
    (PostgreSQL) or the write lock (SQLite) serialises concurrent appenders."""

    __tablename__ = "audit_chain_head"
    __table_args__ = (sa.CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    height: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    head_hash: Mapped[str] = mapped_column(sa.String(64))


class OutboxMessage(db.Model):
    """A side effect (notification, e-mail) written in the same transaction as the
    change that causes it and delivered after the commit (``core.outbox``)."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        sa.Index("ix_outbox_messages_due", "sent_at", "next_attempt_at"),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(64))
    payload_json: Mapped[str] = mapped_column(sa.Text)
    recipients_json: Mapped[str] = mapped_column(sa.Text, default="[]")
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    next_attempt_at = mapped_column(UTCDateTime, default=utcnow)
    claimed_until = mapped_column(UTCDateTime)
    sent_at = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.Text)

    @property
    def payload(self) -> dict:
        return json.loads(self.payload_json)

    @property
    def recipients(self) -> list:
        return json.loads(self.recipients_json or "[]")


class JobLock(db.Model):
    """Keeps two runs of ``jobs run`` from overlapping (one row per lock name)."""

    __tablename__ = "job_locks"

    name: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    holder: Mapped[str | None] = mapped_column(sa.String(128))
    locked_until = mapped_column(UTCDateTime)
