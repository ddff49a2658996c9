"""Migrations equal the models: ``upgrade head`` on an empty database yields exactly
``db.metadata`` (no autogenerate difference, same CHECK constraints), and
``downgrade base`` removes every table -- on SQLite and, when TEST_DATABASE_URL is a
PostgreSQL URL, on a scratch PostgreSQL database created next to it.

Runs the project's real ``migrations/env.py`` (every domain's revisions) through
Alembic's command API inside a second app bound to the scratch database.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def _alembic_config() -> Config:
    cfg = Config(str(MIGRATIONS / "alembic.ini"))
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["skip_logging_config"] = True  # keep pytest's logging set-up
    return cfg


@contextmanager
def _scratch_app(url: str, tmp_path):
    application = create_app(config_name="testing", overrides={
        "SQLALCHEMY_DATABASE_URI": url,
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "DOCUMENT_STORE": str(tmp_path / "documents"),
    })
    with application.app_context():
        try:
            yield application
        finally:
            db.session.remove()
            db.engine.dispose()


def _describe(item) -> str:
    """One line per autogenerate difference: operation and the object's name."""
    if isinstance(item, list):  # column modifications come as a list of tuples
        return "; ".join(_describe(i) for i in item)
    op, *rest = item
    names = [getattr(r, "name", None) or str(r) for r in rest if r is not None][:3]
    return f"{op}: {' '.join(map(str, names))}"[:200]


def _model_checks() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for table in db.metadata.sorted_tables:
        names = set()
        for constraint in table.constraints:
            if constraint.__class__.__name__ == "CheckConstraint" and constraint.name:
                names.add(str(constraint.name))
        found[table.name] = names
    return found


def _db_checks(inspector, tables) -> dict[str, set[str]]:
    return {t: {c["name"] for c in inspector.get_check_constraints(t) if c.get("name")} for t in tables}


def _check_upgrade_equals_models_and_downgrade(url: str, tmp_path):
    cfg = _alembic_config()
    script = ScriptDirectory.from_config(cfg)
    heads = script.get_heads()
    assert len(heads) == 1, f"migrations must have exactly one head, found {heads}"

    with _scratch_app(url, tmp_path):
        engine = db.engine
        assert inspect(engine).get_table_names() == [], "scratch database is not empty"

        command.upgrade(cfg, "head")
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                            "compare_server_default": True})
            assert context.get_current_revision() == heads[0]
            diff = compare_metadata(context, db.metadata)
            assert diff == [], "migrations differ from the models:\n" + "\n".join(map(_describe, diff))
            inspector = inspect(conn)
            tables = set(inspector.get_table_names()) - {"alembic_version"}
            assert tables == set(db.metadata.tables)
            assert _db_checks(inspector, tables) == _model_checks()

        command.downgrade(cfg, "base")
        leftover = set(inspect(engine).get_table_names()) - {"alembic_version"}
        assert leftover == set(), f"downgrade base left tables: {sorted(leftover)}"
        if engine.dialect.name == "postgresql":
            with engine.connect() as conn:
                types = conn.execute(text(
                    "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
                    "WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd')")).scalars().all()
                sequences = conn.execute(text(
                    "SELECT sequence_name FROM information_schema.sequences "
                    "WHERE sequence_schema = 'public'")).scalars().all()
            assert types == [] and sequences == [], f"downgrade left types {types} / sequences {sequences}"

        # The chain survives a second round trip (downgrades really undo everything).
        command.upgrade(cfg, "head")
        assert set(inspect(engine).get_table_names()) - {"alembic_version"} == set(db.metadata.tables)
        command.downgrade(cfg, "base")


def test_every_revision_file_is_in_one_chain():
    script = ScriptDirectory.from_config(_alembic_config())
    files = sorted(p.stem for p in (MIGRATIONS / "versions").glob("*.py"))
    revisions = list(script.walk_revisions())
    assert len(revisions) == len(files), f"revision files {files} vs chain {[r.revision for r in revisions]}"
    assert revisions[-1].down_revision is None
    for revision in revisions:
        source = Path(revision.path).read_text(encoding="utf-8")
        assert "def downgrade" in source and "commands auto generated" not in source, revision.path


def test_sqlite_upgrade_head_equals_models_and_downgrade_base(tmp_path):
    _check_upgrade_equals_models_and_downgrade(f"sqlite:///{tmp_path / 'migrations.sqlite3'}", tmp_path)


def _postgres_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL", "")
    return url if url.startswith("postgresql") else None


@pytest.mark.postgres_only
@pytest.mark.skipif(_postgres_url() is None, reason="TEST_DATABASE_URL is not a PostgreSQL URL")
def test_postgresql_upgrade_head_equals_models_and_downgrade_base(tmp_path):
    base = make_url(_postgres_url())
    scratch_name = f"{base.database}_migrations"
    admin_engine = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin_engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch_name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{scratch_name}"'))
        scratch_url = base.set(database=scratch_name).render_as_string(hide_password=False)
        _check_upgrade_equals_models_and_downgrade(scratch_url, tmp_path)
    finally:
        with admin_engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch_name}" WITH (FORCE)'))
        admin_engine.dispose()
