"""Login, rate limiting, disabled accounts, logout, change password, cookies, redirects."""
from __future__ import annotations

import re

import pytest

from app.auth.models import User
from app.core.models import AuditEvent
from app.extensions import db
from tests.conftest import Browser, csrf_from
from tests.factories import DEFAULT_PASSWORD


def _post_login(client, email, password, url="/login"):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    return client.post(url, data={"email": email, "password": password, "csrf_token": token})


def _errors(response) -> list[str]:
    return re.findall(r'class="(?:flash flash-error|error)"[^>]*>([^<]*)<', response.get_data(as_text=True))


def test_login_success_records_the_login(client, make):
    user = make.user(role="bureau")
    response = _post_login(client, user.email, DEFAULT_PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    dashboard = client.get("/dashboard")
    assert dashboard.status_code == 200 and user.name in dashboard.get_data(as_text=True)
    db.session.refresh(user)
    assert user.last_login_at is not None
    assert AuditEvent.query.filter_by(action="login", actor_id=user.id).count() == 1


def test_login_email_is_case_insensitive(client, make):
    user = make.user(role="expert", email="Zhang.San@Example.CN")
    assert user.email == "zhang.san@example.cn"
    assert _post_login(client, "  ZHANG.SAN@example.cn ", DEFAULT_PASSWORD).status_code == 302


@pytest.mark.parametrize("email, password", [("known", "Wrong-pass-1"), ("nobody@example.cn", DEFAULT_PASSWORD)])
def test_login_failure_says_the_same_for_unknown_email_and_wrong_password(client, make, email, password):
    user = make.user(role="expert")
    response = _post_login(client, user.email if email == "known" else email, password)
    assert response.status_code == 401
    assert _errors(response) == ["电子邮箱或密码不正确"]
    assert client.get("/dashboard").status_code == 302
    db.session.refresh(user)
    assert user.last_login_at is None


def test_empty_login_form_is_400(client):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"csrf_token": token})
    assert response.status_code == 400
    assert set(_errors(response)) == {"请输入电子邮箱", "请输入密码"}


def test_repeated_wrong_passwords_make_this_account_wait_from_this_address(app, client, make, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_FREE_ATTEMPTS", 3)
    user = make.user(role="finance")
    for _ in range(2):
        assert _post_login(client, user.email, "Wrong-pass-1").status_code == 401
    third = _post_login(client, user.email, "Wrong-pass-1")
    assert third.status_code == 429 and int(third.headers["Retry-After"]) in (59, 60)
    blocked = _post_login(client, user.email, DEFAULT_PASSWORD)  # even the right password now
    assert blocked.status_code == 429
    assert "登录失败次数过多，请 1 分钟后再试。" in _errors(blocked)
    assert 0 < int(blocked.headers["Retry-After"]) <= 60
    db.session.refresh(user)
    assert user.last_login_at is None
    # The delay is per (account, address): another account from the same address is not blocked.
    other = make.user(role="finance")
    assert _post_login(app.test_client(), other.email, DEFAULT_PASSWORD).status_code == 302


def test_successful_logins_do_not_count_towards_the_limit(app, make, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_FREE_ATTEMPTS", 2)
    user = make.user(role="expert")
    for _ in range(4):
        assert _post_login(app.test_client(), user.email, DEFAULT_PASSWORD).status_code == 302


def test_rate_limit_per_address_across_accounts(app, client, make, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT_PER_IP", "4 per minute")
    for n in range(4):
        assert _post_login(client, f"guess{n}@example.cn", "Wrong-pass-1").status_code == 401
    assert _post_login(client, "guess9@example.cn", "Wrong-pass-1").status_code == 429


def test_disabled_user_cannot_log_in(client, make):
    user = make.user(role="expert")
    user.is_active_flag = False
    db.session.commit()
    response = _post_login(client, user.email, DEFAULT_PASSWORD)
    assert response.status_code == 403
    assert _errors(response) == ["该账号已停用，请联系系统管理员"]
    assert client.get("/dashboard").status_code == 302


def test_user_of_a_disabled_organisation_cannot_log_in(client, make):
    user = make.user(role="applicant")
    user.organisation.is_active = False
    db.session.commit()
    assert _post_login(client, user.email, DEFAULT_PASSWORD).status_code == 403
    assert client.get("/dashboard").status_code == 302


def test_disabling_ends_open_sessions(login_as):
    expert = login_as("expert")
    assert expert.get("/dashboard").status_code == 200
    user = db.session.get(User, expert.user.id)
    user.is_active_flag = False
    db.session.commit()
    response = expert.get("/dashboard")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_logout_requires_post_with_csrf(login_as):
    bureau = login_as("bureau")
    assert bureau.get("/logout").status_code == 405
    assert bureau.client.post("/logout").status_code == 400  # no CSRF token
    assert bureau.get("/dashboard").status_code == 200  # still logged in
    response = bureau.post("/logout")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert bureau.get("/dashboard").status_code == 302


CHANGE_CASES = [
    ({"current_password": "Wrong-pass-1", "new_password": "Neues-Pass-99", "confirm": "Neues-Pass-99"},
     "当前密码不正确"),
    ({"current_password": DEFAULT_PASSWORD, "new_password": "short1", "confirm": "short1"},
     "密码至少需要10个字符"),
    ({"current_password": DEFAULT_PASSWORD, "new_password": "onlyletters", "confirm": "onlyletters"},
     "密码须同时包含字母和数字"),
    ({"current_password": DEFAULT_PASSWORD, "new_password": "Neues-Pass-99", "confirm": "Neues-Pass-98"},
     "两次输入的新密码不一致"),
    ({"current_password": DEFAULT_PASSWORD, "new_password": DEFAULT_PASSWORD, "confirm": DEFAULT_PASSWORD},
     "新密码不能与当前密码相同"),
    ({"current_password": "", "new_password": "Neues-Pass-99", "confirm": "Neues-Pass-99"},
     "请输入当前密码"),
]


@pytest.mark.parametrize("data, message", CHANGE_CASES)
def test_change_password_refusals(login_as, data, message):
    user = login_as("expert")
    before = user.user.password_hash
    response = user.post("/account/password", data, token_from="/account/password")
    assert response.status_code == 400
    assert message in _errors(response)
    db.session.refresh(user.user)
    assert user.user.password_hash == before
    assert user.user.password_changed_at is None


def test_change_password_success(app, login_as):
    user = login_as("expert")
    response = user.post("/account/password", {"current_password": DEFAULT_PASSWORD,
                                               "new_password": "Neues-Pass-99", "confirm": "Neues-Pass-99"},
                         token_from="/account/password")
    assert response.status_code == 302
    db.session.refresh(user.user)
    assert user.user.password_changed_at is not None
    assert AuditEvent.query.filter_by(action="password_changed").count() == 1
    assert _post_login(app.test_client(), user.user.email, DEFAULT_PASSWORD).status_code == 401
    assert _post_login(app.test_client(), user.user.email, "Neues-Pass-99").status_code == 302


def test_passwords_are_hashed_with_scrypt(make):
    user = make.user(role="expert")
    assert user.password_hash.startswith("scrypt:") and DEFAULT_PASSWORD not in user.password_hash


def test_session_cookie_flags(client, make):
    user = make.user(role="expert")
    response = _post_login(client, user.email, DEFAULT_PASSWORD)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_remember_me_cookie_flags(client, make):
    user = make.user(role="expert")
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": user.email, "password": DEFAULT_PASSWORD,
                                           "remember": "y", "csrf_token": token})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


OPEN_REDIRECTS = ["https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil.example",
                  "/\t/evil.example", "/\n/evil.example", "javascript:alert(1)", "http:/evil.example",
                  "evil.example"]


@pytest.mark.parametrize("target", OPEN_REDIRECTS)
def test_login_next_cannot_leave_the_site(client, make, target):
    user = make.user(role="expert")
    from urllib.parse import quote

    response = _post_login(client, user.email, DEFAULT_PASSWORD, url="/login?next=" + quote(target, safe=""))
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"


def test_login_next_within_the_site_is_followed(client, make):
    user = make.user(role="admin")
    response = _post_login(client, user.email, DEFAULT_PASSWORD, url="/login?next=/admin/users%3Fq%3Dx")
    assert response.headers["Location"] == "/admin/users?q=x"


@pytest.mark.parametrize("target", OPEN_REDIRECTS)
def test_language_switch_next_cannot_leave_the_site(client, target):
    from urllib.parse import quote

    response = client.get("/lang/en?next=" + quote(target, safe=""))
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_language_switch_sets_cookie_and_html_lang(client):
    assert '<html lang="zh-CN">' in client.get("/").get_data(as_text=True)
    response = client.get("/lang/en?next=/login")
    assert response.headers["Location"] == "/login"
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("lang="))
    assert cookie.startswith("lang=en;") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "<strong>English</strong>" in page
    client.get("/lang/zh")
    assert '<html lang="zh-CN">' in client.get("/").get_data(as_text=True)


def test_unknown_language_is_404(client):
    assert client.get("/lang/fr").status_code == 404


def test_login_page_when_already_logged_in_goes_to_dashboard(login_as):
    user = login_as("finance")
    assert user.get("/login").headers["Location"] == "/dashboard"


def test_anonymous_protected_page_redirects_to_login_with_next(client):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Fadmin%2Fusers"


def test_browser_helper_logs_in(app, make):
    user = make.user(role="bureau")
    Browser(app.test_client()).login(user)


def test_authenticate_spends_a_hash_on_unknown_emails(make, monkeypatch):
    import werkzeug.security

    from app.auth.operations import authenticate

    user = make.user(role="expert")
    assert authenticate(user.email.upper(), DEFAULT_PASSWORD).id == user.id
    assert authenticate(user.email, "Wrong-pass-1") is None
    calls = []
    original = werkzeug.security.check_password_hash
    monkeypatch.setattr(werkzeug.security, "check_password_hash",
                        lambda h, p: calls.append(h.split("$")[0]) or original(h, p))
    assert authenticate("nobody@example.cn", DEFAULT_PASSWORD) is None
    assert calls == [user.password_hash.split("$")[0]]  # same method and cost as a real account
