"""Error pages in the site's style with the right status, and nothing changed."""
from __future__ import annotations

import io

import pytest

from app.auth.models import Organisation, OrgType, User
from app.extensions import db


def test_404_page(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "页面不存在" in html and 'class="status-code">404' in html and "返回首页" in html


def test_api_errors_are_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.get_json()["status"] == 404 and response.get_json()["title"]


def test_405_page(client):
    response = client.get("/logout")
    assert response.status_code == 405
    assert "请求方式不被允许" in response.get_data(as_text=True)
    assert "POST" in response.headers["Allow"]


def test_413_when_upload_exceeds_max_content_length(app, client, monkeypatch, make):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4096)
    user = make.user(role="expert")
    response = client.post("/login", data={"email": user.email, "password": "Passw0rd-123",
                                           "file": (io.BytesIO(b"x" * 8192), "big.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "上传内容过大" in html and "压缩或拆分" in html
    db.session.refresh(user)
    assert user.last_login_at is None


def test_500_page_rolls_back_the_failed_transaction(app, monkeypatch, login_as):
    applicant = login_as("applicant")
    org_id = applicant.user.organisation_id
    email = applicant.user.email

    def broken_view():
        db.session.add(Organisation(name="半途而废的单位", org_type=OrgType.ENTERPRISE,
                                    credit_code="91350100M000100Y43"))
        db.session.add(User(email=email, name="重复", role="expert", password_hash="x"))
        db.session.flush()  # IntegrityError: duplicate e-mail, the transaction is broken
        return "unreachable"

    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    monkeypatch.setitem(app.view_functions, "core.index", broken_view)
    response = applicant.get("/")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    # The page renders the logged-in user's header, which needs a working session.
    assert "系统错误" in html and applicant.user.name in html
    assert Organisation.query.filter_by(name="半途而废的单位").count() == 0
    assert Organisation.query.count() == 1 and Organisation.query.first().id == org_id


@pytest.mark.parametrize("status", [400, 403, 404, 405, 409, 413, 429, 500])
def test_every_error_page_is_chinese_and_styled(app, status):
    from app.core.errors import _render

    with app.test_request_context("/x"):
        body, code, _headers = _render(status)
    assert code == status
    assert 'href="/static/css/site.css"' in body and f'class="status-code">{status}' in body
