"""Configuration: production refuses insecure start-up; development gets a random,
per-instance key; cookies, limits and headers are set."""
from __future__ import annotations

import os
import stat

import pytest

from app import create_app
from config import (DEFAULT_SECRET, DevelopmentConfig, ProductionConfig, TestingConfig, get_config,
                    secret_key_problem)

GOOD_KEY = "q3Zt0mR8vY2pX6bN1cK9wL4hF7jD5sG0aE3uI8oT2yQ"  # secrets.token_urlsafe-like
GOOD = {
    "SECRET_KEY": GOOD_KEY,
    "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://db/jiebang",
    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
    "PUBLIC_BASE_URL": "https://jiebang.example.gov.cn",
}


@pytest.fixture
def production_env(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://db/jiebang")


@pytest.mark.parametrize("key", [None, "", DEFAULT_SECRET, "testing-secret", "short-secret", "k" * 48, "a" * 40,
                                 "0123456789abcdef" * 3, "abcabcabcabcabcabcabcabcabcabcabcabc",
                                 "passwordpasswordpasswordpassword12"])
def test_production_refuses_missing_default_or_low_entropy_secret(monkeypatch, tmp_path, key):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/p.sqlite3")
    monkeypatch.setenv("JIEBANG_INSTANCE_DIR", str(tmp_path))
    overrides = {} if key is None else {"SECRET_KEY": key}
    if key is None:
        monkeypatch.setattr(ProductionConfig, "SECRET_KEY", None)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(overrides=overrides, config_name="production")


@pytest.mark.parametrize("key", [GOOD_KEY, "5f0c2b1e9a7d4c3b8e6f1a2d9c7b4e3f0a1b2c3d4e5f60718293a4b5c6d7e8f9"])
def test_random_keys_pass_the_entropy_check(key):
    assert secret_key_problem(key) is None


def test_production_requires_database_url(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="DATABASE_URL"):
        ProductionConfig.validate(dict(GOOD))


@pytest.mark.parametrize("setting, value, message", [
    ("SQLALCHEMY_DATABASE_URI", "sqlite:////srv/jiebang.sqlite3", "not SQLite"),
    ("RATELIMIT_STORAGE_URI", "memory://", "RATELIMIT_STORAGE_URI"),
    ("RATELIMIT_STORAGE_URI", "", "RATELIMIT_STORAGE_URI"),
    ("PUBLIC_BASE_URL", "", "PUBLIC_BASE_URL must be set"),
    ("PUBLIC_BASE_URL", "http://127.0.0.1:5000", "https"),
    ("PUBLIC_BASE_URL", "http://jiebang.example.gov.cn", "https"),
    ("PUBLIC_BASE_URL", "https://127.0.0.1", "loopback"),
    ("PUBLIC_BASE_URL", "https://localhost:8443", "loopback"),
    ("PUBLIC_BASE_URL", "https://[::1]/", "loopback"),
    ("PUBLIC_BASE_URL", "https://0.0.0.0", "loopback"),
    ("PUBLIC_BASE_URL", "jiebang.example.gov.cn", "https"),
])
def test_production_refuses_unsafe_settings(production_env, setting, value, message):
    config = {**GOOD, setting: value}
    with pytest.raises(RuntimeError, match=message):
        ProductionConfig.validate(config)


def test_production_accepts_a_proper_configuration(production_env):
    ProductionConfig.validate(dict(GOOD))
    assert ProductionConfig.REMEMBER_COOKIE_SECURE == ProductionConfig.SESSION_COOKIE_SECURE


def test_production_sends_hsts(production_env, monkeypatch, tmp_path):
    monkeypatch.setenv("JIEBANG_INSTANCE_DIR", str(tmp_path))
    # validate refuses SQLite and memory:// (tested above): skip it to build a production app here
    monkeypatch.setattr(ProductionConfig, "validate", classmethod(lambda cls, config: None))
    application = create_app(config_name="production", overrides={
        **GOOD, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite3", "RATELIMIT_STORAGE_URI": "memory://",
        "UPLOAD_FOLDER": str(tmp_path / "u"), "DOCUMENT_STORE": str(tmp_path / "d")})
    response = application.test_client().get("/static/css/site.css", buffered=True)
    response.close()
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Server" not in response.headers


def test_no_hsts_outside_production(client):
    assert "Strict-Transport-Security" not in client.get("/static/css/site.css").headers


def test_development_without_secret_key_gets_a_random_key_kept_in_the_instance(monkeypatch, tmp_path):
    """The public development constant once signed a forged remember cookie that got admin."""
    monkeypatch.setenv("JIEBANG_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setattr(DevelopmentConfig, "SECRET_KEY", None)
    overrides = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/dev.sqlite3",
                 "UPLOAD_FOLDER": str(tmp_path / "u"), "DOCUMENT_STORE": str(tmp_path / "d")}
    first = create_app(config_name="development", overrides=overrides)
    key = first.config["SECRET_KEY"]
    assert key != DEFAULT_SECRET and secret_key_problem(key) is None
    path = tmp_path / "secret_key"
    assert path.read_text().strip() == key
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert create_app(config_name="development", overrides=overrides).config["SECRET_KEY"] == key  # stable
    other = tmp_path / "other"
    monkeypatch.setenv("JIEBANG_INSTANCE_DIR", str(other))
    assert create_app(config_name="development", overrides=overrides).config["SECRET_KEY"] != key
    # The published constant, set by hand, is replaced as well.
    assert create_app(config_name="development",
                      overrides={**overrides, "SECRET_KEY": DEFAULT_SECRET}).config["SECRET_KEY"] != DEFAULT_SECRET


def test_gunicorn_config_hides_the_version_banner():
    import runpy

    import gunicorn
    import gunicorn.http.wsgi

    from config import BASE_DIR

    saved = gunicorn.http.wsgi.SERVER
    try:
        settings = runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))
        assert gunicorn.__version__ not in gunicorn.http.wsgi.SERVER
        assert "gunicorn" not in gunicorn.http.wsgi.SERVER.lower()
        assert settings["bind"].startswith("127.0.0.1:")
    finally:
        gunicorn.http.wsgi.SERVER = saved


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
