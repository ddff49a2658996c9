"""Append-only tables, enforced by the database.

Audit events, issued documents and submitted bid versions can be inserted, never
updated or deleted: triggers refuse both on PostgreSQL (TRUNCATE too) and on SQLite,
whatever the application (or someone with a SQL prompt and the application's credentials) does.
The triggers are created with the tables (``create_all``) and by migration 0005.

Tests empty tables between tests with :func:`maintenance_delete` (PostgreSQL:
``session_replication_role = replica`` for that transaction; SQLite: the triggers
are dropped and recreated around the delete).
"""
from __future__ import annotations

import sqlalchemy as sa

APPEND_ONLY_TABLES = ("audit_events", "issued_documents", "bid_versions")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION jiebang_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'append-only table %: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""


def pg_statements(table: str) -> list[str]:
    return [
        f'DROP TRIGGER IF EXISTS {table}_append_only ON "{table}"',
        f'CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON "{table}" '
        f"FOR EACH ROW EXECUTE FUNCTION jiebang_append_only()",
        # TRUNCATE fires no row trigger: refuse it with a statement trigger.
        f'DROP TRIGGER IF EXISTS {table}_no_truncate ON "{table}"',
        f'CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON "{table}" '
        f"FOR EACH STATEMENT EXECUTE FUNCTION jiebang_append_only()",
    ]


def sqlite_statements(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON \"{table}\" "
        f"BEGIN SELECT RAISE(ABORT, 'append-only table {table}: UPDATE refused'); END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON \"{table}\" "
        f"BEGIN SELECT RAISE(ABORT, 'append-only table {table}: DELETE refused'); END",
    ]


def drop_statements(dialect: str, table: str) -> list[str]:
    if dialect == "postgresql":
        return [f'DROP TRIGGER IF EXISTS {table}_append_only ON "{table}"',
                f'DROP TRIGGER IF EXISTS {table}_no_truncate ON "{table}"']
    return [f"DROP TRIGGER IF EXISTS {table}_no_update", f"DROP TRIGGER IF EXISTS {table}_no_delete"]


def create_triggers(conn, table: str) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text(PG_FUNCTION))
        for statement in pg_statements(table):
            conn.execute(sa.text(statement))
    elif conn.dialect.name == "sqlite":
        for statement in sqlite_statements(table):
            conn.execute(sa.text(statement))


def install(metadata) -> None:
    """Create the triggers whenever ``create_all`` creates one of the tables."""
    for name in APPEND_ONLY_TABLES:
        table = metadata.tables.get(name)
        if table is not None:
            sa.event.listen(table, "after_create", lambda target, conn, **kw: create_triggers(conn, target.name))


def maintenance_delete(conn, tables: list[str]) -> None:
    """Delete every row of ``tables`` (test clean-up), bypassing the triggers."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        conn.execute(sa.text("; ".join(f'DELETE FROM "{t}"' for t in tables)))
        return
    present = [t for t in APPEND_ONLY_TABLES if t in tables]
    for t in present:
        for statement in drop_statements("sqlite", t):
            conn.execute(sa.text(statement))
    for t in tables:
        conn.execute(sa.text(f'DELETE FROM "{t}"'))
    for t in present:
        create_triggers(conn, t)
