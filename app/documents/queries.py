"""Read-only look-ups of issued documents."""
from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from .models import IssuedDocument


def subject_key(subject) -> tuple[str, int] | tuple[None, None]:
    """``subject`` as (entity type, id): an ORM object, a (type, id) pair, or None."""
    if subject is None:
        return None, None
    if isinstance(subject, tuple):
        kind, ident = subject
        return str(kind), int(ident)
    if getattr(subject, "id", None) is None:
        db.session.flush()
    return subject.__tablename__, int(subject.id)


def documents_for(subject) -> list[IssuedDocument]:
    """Issued documents of ``subject`` (an ORM object or a (type, id) pair), oldest first."""
    kind, ident = subject_key(subject)
    if kind is None:
        return []
    return list(db.session.scalars(
        sa.select(IssuedDocument)
        .where(IssuedDocument.subject_type == kind, IssuedDocument.subject_id == ident)
        .order_by(IssuedDocument.issued_at, IssuedDocument.id)
    ))


def find_by_sha256(digest: str) -> IssuedDocument | None:
    return db.session.scalars(sa.select(IssuedDocument).where(IssuedDocument.sha256 == digest)).first()


def find_by_verify_code(code: str) -> IssuedDocument | None:
    return db.session.scalars(sa.select(IssuedDocument).where(IssuedDocument.verify_code == code)).first()
