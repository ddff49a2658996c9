"""Sessions and remember-me cookies can be revoked (logout, password change, reset,
disabling), live at most 14 days, are never kept for staff, and differ per login."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from flask_login.utils import encode_cookie

from app.auth import models as auth_models
from app.auth import operations as auth_ops
from app.auth.models import User
from app.core.models import AuditEvent
from app.extensions import db
from tests.conftest import csrf_from
from tests.factories import DEFAULT_PASSWORD


def _login(app, user, remember=False):
    client = app.test_client()
    token = csrf_from(client.get("/login").get_data(as_text=True))
    data = {"email": user.email, "password": DEFAULT_PASSWORD, "csrf_token": token}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data)
    assert response.status_code == 302
    return client, response


def _logged_in(client) -> bool:
    return client.get("/dashboard").status_code == 200


def _copy(app, client, *names):
    """A second browser holding a copy of ``names`` cookies (a stolen or replayed cookie)."""
    other = app.test_client()
    for name in names:
        cookie = client.get_cookie(name)
        assert cookie is not None, name
        other.set_cookie(name, cookie.value)
    return other


def _logout(client):
    token = csrf_from(client.get("/account/password").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302


def test_session_cookie_replayed_after_logout_is_refused(app, make):
    user = make.user(role="bureau")
    client, _r = _login(app, user)
    replay = _copy(app, client, "session")
    assert _logged_in(replay)
    _logout(client)
    assert not _logged_in(client)
    assert not _logged_in(replay)
    assert AuditEvent.query.filter_by(action="logout", actor_id=user.id).count() == 1


def test_remember_cookie_survives_the_browser_but_not_logout(app, make):
    user = make.user(role="expert")
    client, _r = _login(app, user, remember=True)
    stolen = _copy(app, client, "remember_token")  # no session cookie: the browser was closed
    assert _logged_in(stolen)
    _logout(client)
    assert not _logged_in(stolen_fresh(app, stolen))


def stolen_fresh(app, stolen):
    """The stolen remember cookie alone, in yet another browser."""
    other = app.test_client()
    other.set_cookie("remember_token", stolen.get_cookie("remember_token").value)
    return other


@pytest.mark.parametrize("revoke", ["password_change", "admin_reset", "disable"])
def test_password_change_reset_and_disabling_revoke_every_session(app, make, revoke):
    user = make.user(role="applicant")
    device1, _r = _login(app, user, remember=True)
    device2, _r = _login(app, user)
    remembered = stolen_fresh(app, device1)
    assert _logged_in(device1) and _logged_in(device2) and _logged_in(remembered)
    if revoke == "password_change":
        token = csrf_from(device1.get("/account/password").get_data(as_text=True))
        response = device1.post("/account/password", data={
            "current_password": DEFAULT_PASSWORD, "new_password": "Neues-Pass-99", "confirm": "Neues-Pass-99",
            "csrf_token": token})
        assert response.status_code == 302
        assert _logged_in(device1)  # the device that changed it stays logged in
    elif revoke == "admin_reset":
        admin = make.user(role="admin")
        auth_ops.reset_password(db.session.get(User, user.id), "Neues-Pass-99", actor=admin, reason="遗忘密码")
        db.session.commit()
        assert not _logged_in(device1)
    else:
        admin = make.user(role="admin")
        target = db.session.get(User, user.id)
        auth_ops.set_user_active(target, False, actor=admin)
        db.session.commit()
        auth_ops.set_user_active(target, True, actor=admin)  # re-enabling does not revive them
        db.session.commit()
        assert not _logged_in(device1)
    assert not _logged_in(device2)
    assert not _logged_in(remembered)


def test_remember_me_lasts_at_most_14_days(app, make):
    user = make.user(role="expert")
    _client, response = _login(app, user, remember=True)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    expires = datetime.strptime(cookie.split("Expires=")[1].split(";")[0], "%a, %d %b %Y %H:%M:%S GMT")
    lifetime = expires.replace(tzinfo=timezone.utc) - datetime.now(timezone.utc)
    assert timedelta(days=13) < lifetime <= timedelta(days=14)


def test_sessions_are_refused_after_14_days_even_with_a_valid_cookie(app, make, monkeypatch):
    user = make.user(role="expert")
    client, _r = _login(app, user, remember=True)
    remembered = stolen_fresh(app, client)
    real = auth_models._clock()
    monkeypatch.setattr(auth_models, "_clock", lambda: real + 13 * 86400)
    assert _logged_in(stolen_fresh(app, client))
    monkeypatch.setattr(auth_models, "_clock", lambda: real + 15 * 86400)
    assert not _logged_in(client)
    assert not _logged_in(remembered)


@pytest.mark.parametrize("role", ["admin", "bureau", "finance"])
def test_staff_get_no_remember_cookie(app, make, role):
    user = make.user(role=role)
    _client, response = _login(app, user, remember=True)
    assert not [c for c in response.headers.getlist("Set-Cookie")
                if c.startswith("remember_token=") and not c.startswith("remember_token=;")]
    event = AuditEvent.query.filter_by(action="login", actor_id=user.id).one()
    assert event.data == {"remember": False}


def test_every_login_gets_a_different_remember_cookie(app, make):
    user = make.user(role="applicant")
    first, _r = _login(app, user, remember=True)
    second, _r = _login(app, user, remember=True)
    assert first.get_cookie("remember_token").value != second.get_cookie("remember_token").value


@pytest.mark.parametrize("payload", ["{id}", "{id}:{token}", "{id}:wrong-token:{now}:ab", "{id}:{token}:{now}x:ab",
                                     "{id}::{now}:ab", "99999999999999999999999:{token}:{now}:ab"])
def test_forged_or_legacy_remember_cookies_are_refused(app, make, payload):
    """A remember cookie signed with the right key but naming a plain id (the old format,
    or forged with a leaked key) or the wrong token logs nobody in."""
    user = make.user(role="admin")
    value = payload.format(id=user.id, token=user.session_token, now=int(auth_models._clock()))
    with app.test_request_context():
        cookie = encode_cookie(value)
    client = app.test_client()
    client.set_cookie("remember_token", cookie)
    assert not _logged_in(client)


def test_a_valid_cookie_for_the_current_token_still_works(app, make):
    """Control for the test above: the same construction with the real id format works."""
    user = make.user(role="expert")
    with app.test_request_context():
        cookie = encode_cookie(f"{user.id}:{user.session_token}:{int(auth_models._clock())}:ab")
    client = app.test_client()
    client.set_cookie("remember_token", cookie)
    assert _logged_in(client)
