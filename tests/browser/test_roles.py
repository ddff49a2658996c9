"""Each role logs in through the real form, sees its home page and navigation, logs out."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.auth.models import Role
from app.core import navigation
from tests.browser.conftest import login, logout, screenshot

pytestmark = pytest.mark.browser


def _expected_nav(role: Role) -> list[str]:
    items = sorted(navigation._ITEMS, key=lambda i: (i.order, i.endpoint))
    return ["首页"] + [str(i.label) for i in items if role.value in i.roles]


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_role_logs_in_sees_home_and_logs_out(page, make, role):
    user = make.user(role=role, name=f"测试{role.label}")
    login(page, user)

    heading = page.locator("main h1")
    assert role.label in heading.inner_text()
    assert f"{user.name} · {role.label}" in page.locator(".account .who").inner_text()
    nav = [t.strip() for t in page.locator("nav.mainnav a").all_inner_texts()]
    assert nav == _expected_nav(role)
    assert ("用户管理" in nav) == (role is Role.ADMIN)
    assert page.locator("nav.mainnav a.active").inner_text().strip() == "工作台"
    if role is Role.APPLICANT:
        expect(page.locator("main")).to_contain_text(user.organisation.name)
    screenshot(page, f"home_{role.value}")

    logout(page)
    assert "您已安全退出" in page.locator(".flashes").inner_text()
    assert page.locator(".account a", has_text="登录").is_visible()
    page.goto("/dashboard")
    assert re.search(r"/login\?next=", page.url)


def test_applicant_opening_admin_url_sees_403_page(page, make):
    login(page, make.user(role=Role.APPLICANT))
    response = page.goto("/admin/users")
    assert response.status == 403
    assert page.locator(".error-page .status-code").inner_text() == "403"
    assert "无权访问" in page.locator(".error-page h1").inner_text()
    screenshot(page, "error_403_applicant")


def test_wrong_password_shows_chinese_error(page, make):
    user = make.user(role=Role.EXPERT)
    page.goto("/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", "wrong-password-1")
    page.click("form button[type=submit]")
    assert "电子邮箱或密码不正确" in page.locator(".flash-error").inner_text()
    assert page.url.endswith("/login")
    screenshot(page, "login_failed")
