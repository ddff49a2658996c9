"""Audit events, issued documents and bid versions are append-only in the database
itself: raw SQL UPDATE / DELETE (and TRUNCATE on PostgreSQL) is refused by triggers,
on SQLite and on PostgreSQL (TEST_DATABASE_URL)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import text

from app.core.append_only import APPEND_ONLY_TABLES
from app.core.models import AuditEvent
from app.extensions import db


def _audit_event(make):
    make.user(role="bureau")  # records "user_created"
    return "audit_events", "reason", "'篡改'"


def _issued_document(make):
    from tests.documents.helpers import issue_notice

    issue_notice()
    return "issued_documents", "title", "'伪造的公文标题'"


def _bid_version(make):
    make.bid(state="submitted")
    return "bid_versions", "snapshot_json", "'{}'"


ROWS = {"audit_events": _audit_event, "issued_documents": _issued_document, "bid_versions": _bid_version}


def test_the_three_tables_are_covered():
    assert set(APPEND_ONLY_TABLES) == set(ROWS)


def _snapshot(table):
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(f'SELECT * FROM "{table}" ORDER BY id'))]


def _refused(statement):
    db.session.rollback()
    with pytest.raises(sa.exc.DBAPIError, match="append-only table"):
        with db.engine.begin() as conn:
            conn.execute(text(statement))


@pytest.mark.parametrize("table", sorted(ROWS))
def test_raw_update_and_delete_are_refused(make, table):
    name, column, value = ROWS[table](make)
    before = _snapshot(name)
    assert before, f"the factory made no {name} row"
    row_id = before[0][0]
    _refused(f'UPDATE "{name}" SET {column} = {value} WHERE id = {row_id}')
    _refused(f'UPDATE "{name}" SET {column} = {column}')  # even a no-op
    _refused(f'DELETE FROM "{name}" WHERE id = {row_id}')
    _refused(f'DELETE FROM "{name}"')
    assert _snapshot(name) == before
    # appending still works (the factories insert through the application)
    ROWS[table](make)
    assert len(_snapshot(name)) > len(before)


@pytest.mark.parametrize("table", sorted(ROWS))
def test_truncate_is_refused_on_postgres(make, table):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's (SQLite's DELETE without WHERE is covered above)")
    name, _column, _value = ROWS[table](make)
    before = _snapshot(name)
    _refused(f'TRUNCATE "{name}" CASCADE')
    assert _snapshot(name) == before


def test_the_orm_cannot_edit_an_event_either(make):
    make.user(role="bureau")
    event = db.session.scalars(sa.select(AuditEvent)).first()
    event.reason = "事后补写的理由"
    with pytest.raises(sa.exc.DBAPIError, match="append-only table"):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalars(sa.select(AuditEvent.reason)).first() is None
