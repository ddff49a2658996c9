"""Configuration: production refuses insecure start-up; cookies and limits are set."""
from __future__ import annotations

import pytest

from app import create_app
from config import DEFAULT_SECRET, ProductionConfig, TestingConfig, get_config

GOOD_KEY = "k" * 48


@pytest.mark.parametrize("key", [None, "", DEFAULT_SECRET, "short-secret"])
def test_production_refuses_missing_or_default_secret(monkeypatch, tmp_path, key):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/p.sqlite3")
    monkeypatch.setenv("JIEBANG_INSTANCE_DIR", str(tmp_path))
    overrides = {} if key is None else {"SECRET_KEY": key}
    if key is None:
        monkeypatch.setattr(ProductionConfig, "SECRET_KEY", DEFAULT_SECRET)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(overrides=overrides, config_name="production")


def test_production_requires_database_url(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="DATABASE_URL"):
        ProductionConfig.validate({"SECRET_KEY": GOOD_KEY, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_production_accepts_a_proper_secret(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://db/jiebang")
    ProductionConfig.validate({"SECRET_KEY": GOOD_KEY, "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://db/jiebang"})
    assert ProductionConfig.REMEMBER_COOKIE_SECURE == ProductionConfig.SESSION_COOKIE_SECURE


def test_unknown_app_env_is_refused():
    with pytest.raises(RuntimeError, match="Unknown APP_ENV"):
        get_config("staging")


def test_cookie_and_upload_settings(app):
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["REMEMBER_COOKIE_HTTPONLY"] is True
    assert app.config["TIMEZONE"] == "Asia/Shanghai"
    assert app.config["MAX_CONTENT_LENGTH"] == 20 * 1024 * 1024
    assert TestingConfig.WTF_CSRF_ENABLED is True


def test_sqlite_runs_with_foreign_keys_and_wal(app):
    from sqlalchemy import text

    from app.extensions import db

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas only")
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
