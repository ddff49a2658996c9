"""Issued documents (immutable) and the per-issuer, per-year number counters."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import utcnow
from ..core.types import UTCDateTime
from ..extensions import db

STAFF_ROLES = frozenset({"admin", "bureau", "finance"})


class DocumentCounter(db.Model):
    """The next sequence number of one issuer in one year (rule 19).

    Incremented with ``UPDATE ... RETURNING`` inside the issuing transaction: the row
    lock serialises concurrent issues, and a rollback gives the number back (gapless).
    """

    __tablename__ = "document_counters"
    __table_args__ = (
        sa.UniqueConstraint("issuer", "year"),
        sa.CheckConstraint("next_seq >= 1", name="next_seq_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(sa.String(32))
    year: Mapped[int] = mapped_column(sa.Integer)
    next_seq: Mapped[int] = mapped_column(sa.Integer, default=1)


class IssuedDocument(db.Model):
    """One issued PDF. Never updated after insert; a correction is a new row."""

    __tablename__ = "issued_documents"
    __table_args__ = (
        # The last line of defence of rule 19, whatever the application does.
        sa.UniqueConstraint("issuer", "year", "seq"),
        sa.CheckConstraint("seq >= 1", name="seq_positive"),
        sa.CheckConstraint("length(sha256) = 64", name="sha256_length"),
        sa.CheckConstraint("size_bytes > 0", name="size_positive"),
        sa.CheckConstraint("(subject_type IS NULL) = (subject_id IS NULL)", name="subject_complete"),
        sa.Index("ix_issued_documents_subject", "subject_type", "subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_type: Mapped[str] = mapped_column(sa.String(64), index=True)
    issuer: Mapped[str] = mapped_column(sa.String(32))
    year: Mapped[int] = mapped_column(sa.Integer)
    seq: Mapped[int] = mapped_column(sa.Integer)
    number: Mapped[str] = mapped_column(sa.String(64), unique=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    addressee: Mapped[str | None] = mapped_column(sa.String(300))
    is_public: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    is_joint: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    subject_type: Mapped[str | None] = mapped_column(sa.String(64))
    subject_id: Mapped[int | None] = mapped_column(sa.Integer)
    sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    size_bytes: Mapped[int] = mapped_column(sa.Integer)
    page_count: Mapped[int] = mapped_column(sa.Integer)
    verify_code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    # Deferred: rows of one table referencing each other can be removed together
    # (test clean-up); the application never deletes an issued document.
    corrects_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("issued_documents.id", deferrable=True, initially="DEFERRED"), index=True
    )
    issued_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    issued_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT"), index=True
    )

    issued_by = relationship("User", foreign_keys=[issued_by_id])
    corrects = relationship("IssuedDocument", remote_side=[id], foreign_keys=[corrects_id],
                            back_populates="corrections")
    corrections = relationship("IssuedDocument", foreign_keys=[corrects_id], back_populates="corrects",
                               order_by="IssuedDocument.id")

    def __repr__(self) -> str:
        return f"<IssuedDocument {self.id} {self.number}>"

    @property
    def filename(self) -> str:
        """Download name: number and title, safe for every file system."""
        unsafe = '\\/:*?"<>|\r\n\t'
        stem = "".join("_" if c in unsafe else c for c in f"{self.number} {self.title}")
        return f"{stem[:120]}.pdf"

    @property
    def is_superseded(self) -> bool:
        return bool(self.corrections)

    def can_download(self, user) -> bool:
        """Anyone downloads public notices (公告, 公示); staff download the types their
        role is among the type's ``staff_roles`` (every staff role by default); a type may
        admit others with its ``may_download`` hook."""
        if self.is_public:
            return True
        if not getattr(user, "is_authenticated", False):
            return False
        from .types import all_types

        kind = all_types().get(self.doc_type)
        if is_staff(user) and user.role.value in (kind.staff_roles if kind else STAFF_ROLES):
            return True
        return bool(kind and kind.may_download and kind.may_download(self, user))


def downloadable_types_condition(user):
    """SQL condition: documents ``user`` (a staff member) may download by type, for lists."""
    from .types import all_types

    hidden = [key for key, kind in all_types().items() if user.role.value not in kind.staff_roles]
    return sa.or_(IssuedDocument.is_public.is_(True), IssuedDocument.doc_type.not_in(hidden)) if hidden \
        else sa.true()


def is_staff(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role.value in STAFF_ROLES
