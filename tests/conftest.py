"""Test fixtures.

* One schema per test session (create_all on SQLite or on ``TEST_DATABASE_URL``);
  every test starts from empty tables (rows deleted after each test), so tests are
  isolated yet may commit and use several connections (concurrency tests).
* Warnings are errors (``pytest_configure``).
* Real outbound mail is refused.
"""
from __future__ import annotations

import contextvars
import os
import re
import smtplib

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text

os.environ.setdefault("APP_ENV", "testing")

from app import create_app  # noqa: E402
from app.core.append_only import maintenance_delete  # noqa: E402
from app.extensions import db, limiter  # noqa: E402

from .factories import Factories  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line("filterwarnings", "error")
    # Third-party deprecations we cannot fix must be listed here with a reason.
    config.addinivalue_line("markers", "browser: Playwright tests in Debian's Chromium")
    config.addinivalue_line("markers", "postgres_only: needs PostgreSQL")


def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


class IsolatedClient(FlaskClient):
    """Each request runs in a fresh contextvars context.

    The test itself holds an app context (for factories and queries); without this,
    Flask would reuse it for requests, sharing ``g`` (the logged-in user, the CSRF
    token) and the DB session between clients. Here every request gets its own
    app context, exactly as in production. Objects the test holds may then be
    stale after a request: re-read them (``db.session.refresh(obj)``).
    """

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)  # read and close file responses at once
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    storage = tmp_path_factory.mktemp("storage")
    application = create_app(
        config_name="testing",
        overrides={
            "SQLALCHEMY_DATABASE_URI": database_url(tmp_path_factory),
            "UPLOAD_FOLDER": str(storage / "uploads"),
            "DOCUMENT_STORE": str(storage / "documents"),
        },
    )
    application.test_client_class = IsolatedClient
    with application.app_context():
        db.drop_all()
        db.create_all()
    yield application
    with application.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def _empty_all_tables():
    db.session.remove()
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        # Append-only tables refuse DELETE; the maintenance path bypasses their triggers.
        maintenance_delete(conn, tables)
        if conn.dialect.name == "postgresql":
            # DELETE + sequence reset: ~100x faster than TRUNCATE on small tables.
            statements = [f"SELECT setval(pg_get_serial_sequence('\"{t}\"', 'id'), 1, false)"
                          for t in tables if "id" in db.metadata.tables[t].c
                          and db.metadata.tables[t].c.id.autoincrement in (True, "auto")]
            conn.execute(text("; ".join(statements)))
        else:
            has_seq = conn.execute(text("SELECT name FROM sqlite_master WHERE name='sqlite_sequence'")).first()
            if has_seq:
                conn.execute(text("DELETE FROM sqlite_sequence"))


@pytest.fixture(autouse=True)
def _isolated(app):
    ctx = app.app_context()
    ctx.push()
    limiter.reset()
    try:
        yield
    finally:
        db.session.rollback()
        _empty_all_tables()
        ctx.pop()


class OutboundMailRefused(AssertionError):
    pass


@pytest.fixture(autouse=True)
def no_outbound_mail(monkeypatch):
    """Any attempt to open an SMTP connection fails the test."""

    def refuse(*args, **kwargs):
        raise OutboundMailRefused("tests must not send real e-mail")

    monkeypatch.setattr(smtplib, "SMTP", refuse)
    monkeypatch.setattr(smtplib, "SMTP_SSL", refuse)
    monkeypatch.setattr(smtplib, "LMTP", refuse)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make(app):
    """Factory fixtures: ``make.user(role=...)``, ``make.org(...)``."""
    return Factories()


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no csrf_token in page"
    return match.group(1)


class Browser:
    """A test client that logs in and posts forms with their CSRF token."""

    def __init__(self, client):
        self.client = client

    def token(self, url: str = "/login") -> str:
        return csrf_from(self.client.get(url).get_data(as_text=True))

    def login(self, user_or_email, password: str = "Passw0rd-123"):
        email = getattr(user_or_email, "email", user_or_email)
        response = self.client.post(
            "/login", data={"email": email, "password": password, "csrf_token": self.token("/login")}
        )
        assert response.status_code == 302, re.findall(r"class=\"(?:flash|error)[^\"]*\"[^>]*>([^<]*)", response.get_data(as_text=True))
        return response

    def post(self, url: str, data: dict | None = None, *, token_from: str | None = None, **kwargs):
        payload = dict(data or {})
        payload.setdefault("csrf_token", self.token(token_from or "/dashboard"))
        return self.client.post(url, data=payload, **kwargs)

    def get(self, url: str, **kwargs):
        return self.client.get(url, **kwargs)


@pytest.fixture
def browser(client):
    return Browser(client)


@pytest.fixture
def login_as(app, make):
    """``login_as("bureau")`` -> a logged-in Browser for a fresh user of that role."""

    def _login(role: str, **kwargs):
        user = make.user(role=role, **kwargs)
        b = Browser(app.test_client())
        b.login(user)
        b.user = user
        return b

    return _login
