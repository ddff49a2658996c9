"""Gapless document numbers per issuer and year (rule 19), safe under concurrency.

:func:`allocate_number` runs inside the caller's transaction:

1. ``INSERT ... ON CONFLICT DO NOTHING`` makes sure the (issuer, year) counter row
   exists (two first issues of a year cannot both create it);
2. ``UPDATE ... SET next_seq = next_seq + 1 RETURNING next_seq`` takes the row lock
   (PostgreSQL) or the database write lock (SQLite) until the transaction ends, so a
   second issuer waits, and a rollback returns the number: no duplicate, no gap.

``UNIQUE (issuer, year, seq)`` on ``issued_documents`` backs this up in the database.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from .models import DocumentCounter

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def allocate_number(issuer: str, year: int) -> int:
    """Take the next sequence number of ``issuer`` in ``year``; returned on rollback."""
    session = db.session
    insert = _INSERTS[session.get_bind().dialect.name]
    session.execute(
        insert(DocumentCounter)
        .values(issuer=issuer, year=year, next_seq=1)
        .on_conflict_do_nothing(index_elements=["issuer", "year"])
    )
    taken = session.execute(
        sa.update(DocumentCounter)
        .where(DocumentCounter.issuer == issuer, DocumentCounter.year == year)
        .values(next_seq=DocumentCounter.next_seq + 1)
        .returning(DocumentCounter.next_seq)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    return taken - 1


def peek_next(issuer: str, year: int) -> int:
    """The number the next issue would get (display only; never reserve with this)."""
    value = db.session.execute(
        sa.select(DocumentCounter.next_seq).where(DocumentCounter.issuer == issuer,
                                                  DocumentCounter.year == year)
    ).scalar_one_or_none()
    return value or 1
