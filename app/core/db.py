"""Engine set-up: SQLite gets WAL, foreign keys and a busy timeout; real savepoints."""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()



@contextmanager
def savepoint(session):
    """``session.begin_nested()`` that is a real savepoint on SQLite too.

    Python's sqlite3 module begins a transaction only before INSERT/UPDATE/DELETE, not
    before SAVEPOINT: a savepoint that is the first write of a request would itself be
    the outermost transaction, and releasing it would commit its work on its own even
    if the request then failed. Begin the outer transaction first."""
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        dbapi = conn.connection.dbapi_connection
        if not dbapi.in_transaction:
            dbapi.execute("BEGIN")
    with session.begin_nested() as nested:
        yield nested
