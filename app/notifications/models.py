"""Notifications shown in the application, opt-outs, and followed fields."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import utcnow
from ..core.types import UTCDateTime
from ..extensions import db


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        sa.Index("ix_notifications_user_unread", "user_id", "read_at"),
        # One notification per user per outbox message: a redelivery cannot duplicate it.
        sa.UniqueConstraint("outbox_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    outbox_id: Mapped[int | None] = mapped_column(sa.Integer)
    kind: Mapped[str] = mapped_column(sa.String(64))
    category: Mapped[str] = mapped_column(sa.String(32))
    title: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    link: Mapped[str | None] = mapped_column(sa.String(500))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    read_at = mapped_column(UTCDateTime)

    user = relationship("User")

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def can_view(self, user) -> bool:
        return getattr(user, "is_authenticated", False) and user.id == self.user_id


class NotificationOptOut(db.Model):
    """A user turned off an optional category (in-app and e-mail)."""

    __tablename__ = "notification_optouts"
    __table_args__ = (sa.UniqueConstraint("user_id", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(sa.String(32))


class FieldFollow(db.Model):
    """An organisation follows an industry field: it is told of challenges published in it."""

    __tablename__ = "field_follows"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "field"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"),
                                                 index=True)
    field: Mapped[str] = mapped_column(sa.String(64), index=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
