"""Login throttling per (account, address) with growing delays, behind a configured
number of reverse proxies; the lockout page says how long to wait."""
from __future__ import annotations

import re

import pytest

from app import create_app
from app.auth import throttle
from app.core.models import AuditEvent
from tests.conftest import csrf_from
from tests.factories import DEFAULT_PASSWORD


def _attempt(client, email, password, ip="203.0.113.7", forwarded=None):
    environ = {"REMOTE_ADDR": ip}
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    token = csrf_from(client.get("/login", environ_base=environ, headers=headers).get_data(as_text=True))
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token},
                       environ_base=environ, headers=headers)


def _flash(response) -> str:
    return " ".join(re.findall(r'class="flash flash-error"[^>]*>([^<]*)<', response.get_data(as_text=True)))


def test_an_attacker_elsewhere_cannot_lock_the_owner_out(app, client, make):
    victim = make.user(role="applicant")
    attacker = app.test_client()
    for _ in range(20):
        assert _attempt(attacker, victim.email, "Wrong-pass-1", ip="198.51.100.66").status_code in (401, 429)
    assert _attempt(attacker, victim.email, DEFAULT_PASSWORD, ip="198.51.100.66").status_code == 429
    # The owner, from the office, logs in at once.
    assert _attempt(client, victim.email, DEFAULT_PASSWORD, ip="203.0.113.7").status_code == 302


def test_delays_grow_and_the_page_says_how_long(app, client, make, monkeypatch):
    user = make.user(role="expert")
    free = app.config["LOGIN_FREE_ATTEMPTS"]
    for _ in range(free - 1):
        assert _attempt(client, user.email, "Wrong-pass-1").status_code == 401
    first = _attempt(client, user.email, "Wrong-pass-1")
    assert first.status_code == 429 and int(first.headers["Retry-After"]) in (59, 60)
    assert "请 1 分钟后再试" in _flash(first)
    event = AuditEvent.query.filter_by(action="login_throttled", entity_id=user.id).one()
    assert event.data["delay_seconds"] == 60 and event.data["address"] == "203.0.113.7"
    with app.test_request_context(environ_base={"REMOTE_ADDR": "203.0.113.7"}):
        assert [throttle.delay_after(n) for n in range(free, free + 8)] == [60, 120, 240, 480, 960, 1920, 3600, 3600]
        assert throttle.wait_text(300) == "请 5 分钟后再试"
        assert throttle.wait_text(20) == "请 20 秒后再试"
        # Once the minute has passed, one more failure means two minutes.
        pair = throttle._pair(user.email)
        throttle._storage().clear(throttle._keys(pair, free)[1])
    second = _attempt(client, user.email, "Wrong-pass-1")
    # (Flask-Limiter rewrites the header as whole seconds from now: 119 or 120)
    assert second.status_code == 429 and int(second.headers["Retry-After"]) in (119, 120)
    assert "请 2 分钟后再试" in _flash(second)


def test_a_success_clears_the_failures(app, client, make):
    user = make.user(role="expert")
    free = app.config["LOGIN_FREE_ATTEMPTS"]
    for _ in range(free - 1):
        _attempt(client, user.email, "Wrong-pass-1")
    assert _attempt(client, user.email, DEFAULT_PASSWORD).status_code == 302
    other = app.test_client()
    for _ in range(free - 1):
        assert _attempt(other, user.email, "Wrong-pass-1").status_code == 401


def test_without_proxy_count_forwarded_headers_are_ignored(app, make, monkeypatch):
    """PROXY_COUNT=0 (the default): a forged X-Forwarded-For does not escape the delay."""
    user = make.user(role="expert")
    client = app.test_client()
    free = app.config["LOGIN_FREE_ATTEMPTS"]
    for n in range(free):
        _attempt(client, user.email, "Wrong-pass-1", forwarded=f"192.0.2.{n}")
    assert _attempt(client, user.email, DEFAULT_PASSWORD, forwarded="192.0.2.200").status_code == 429


def test_proxy_count_installs_proxyfix_for_exactly_that_many_proxies(app, tmp_path):
    from werkzeug.middleware.proxy_fix import ProxyFix

    overrides = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.sqlite3",
                 "UPLOAD_FOLDER": str(tmp_path / "u"), "DOCUMENT_STORE": str(tmp_path / "d")}
    assert not isinstance(create_app(config_name="testing", overrides=overrides).wsgi_app, ProxyFix)
    proxied = create_app(config_name="testing", overrides={**overrides, "PROXY_COUNT": 2}).wsgi_app
    assert isinstance(proxied, ProxyFix) and proxied.x_for == 2 and proxied.x_proto == 2
    assert proxied.x_host == 0


@pytest.fixture
def behind_one_proxy(app, monkeypatch):
    """The app as create_app wires it with PROXY_COUNT=1 (see the test above)."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    monkeypatch.setattr(app, "wsgi_app", ProxyFix(app.wsgi_app, x_for=1, x_proto=1))
    return app


def test_behind_one_proxy_clients_are_told_apart_by_x_forwarded_for(behind_one_proxy, make):
    """Behind nginx every request comes from 127.0.0.1: with PROXY_COUNT=1 one client's
    failures no longer lock out the others."""
    app = behind_one_proxy
    user = make.user(role="applicant")
    attacker, owner = app.test_client(), app.test_client()
    for _ in range(10):
        _attempt(attacker, user.email, "Wrong-pass-1", ip="127.0.0.1", forwarded="198.51.100.66")
    assert _attempt(attacker, user.email, DEFAULT_PASSWORD, ip="127.0.0.1",
                    forwarded="198.51.100.66").status_code == 429
    assert _attempt(owner, user.email, DEFAULT_PASSWORD, ip="127.0.0.1",
                    forwarded="203.0.113.7").status_code == 302
    # Only the last hop counts: a client cannot prepend a forged address to escape.
    assert _attempt(app.test_client(), user.email, "Wrong-pass-1", ip="127.0.0.1",
                    forwarded="203.0.113.7, 198.51.100.66").status_code == 429


def test_per_address_limit_message_says_how_long(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT_PER_IP", "2 per minute")
    for n in range(2):
        assert _attempt(client, f"guess{n}@example.cn", "Wrong-pass-1").status_code == 401
    blocked = _attempt(client, "guess9@example.cn", "Wrong-pass-1")
    assert blocked.status_code == 429
    assert re.search(r"请 \d+ (秒|分钟)后再试", blocked.get_data(as_text=True))
