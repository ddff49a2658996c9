"""Pagination stays within bounds whatever the query string says."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.core.audit import append_event
from app.core.models import AuditEvent
from app.core.pagination import paginate
from app.extensions import db


@pytest.fixture
def events():
    for i in range(45):
        append_event("t", i, "note")
    db.session.commit()


@pytest.mark.parametrize("query, page, items", [
    ("", 1, 20), ("page=2", 2, 20), ("page=3", 3, 5), ("page=0", 1, 20), ("page=-4", 1, 20),
    ("page=abc", 1, 20), ("page=99", 99, 0), ("page=99999999999999999999", 1_000_000, 0),
    ("page=1e9", 1, 20),
])
def test_page_bounds(app, events, query, page, items):
    with app.test_request_context(f"/x?{query}"):
        result = paginate(select(AuditEvent).order_by(AuditEvent.id))
    assert result.page == page
    assert len(result.items) == items
    assert result.total == 45 and result.pages == 3


def test_per_page_is_capped(app, events):
    with app.test_request_context("/x?per_page=1000"):
        result = paginate(select(AuditEvent), per_page=1000)
    assert result.per_page == 100


def test_list_pages_and_beyond_the_end(login_as, events):
    admin = login_as("admin")  # 45 events + the admin's user_created and login, 50 per page
    for i in range(10):
        append_event("t", i, "more")
    db.session.commit()
    assert AuditEvent.query.count() == 57
    page = admin.get("/admin/audit?page=2").get_data(as_text=True)
    assert "第 2 / 2 页，共 57 条" in page
    assert page.count("<tr>") == 1 + 7  # header row + the oldest 7 events
    for page_arg in ("9999", "99999999999999999999"):
        response = admin.get("/admin/audit?page=" + page_arg)
        assert response.status_code == 200
        assert "暂无记录" in response.get_data(as_text=True)


def test_page_links_keep_filters_and_ignore_tampered_route_arguments(app):
    from flask import render_template_string, request

    with app.test_request_context("/admin/organisations/7?org_id=5&q=焦作&page=1"):
        assert request.view_args == {"org_id": 7}
        link = render_template_string("{{ url_with_page(3) }}")
    assert link.startswith("/admin/organisations/7?")
    assert "page=3" in link and "q=%E7%84%A6%E4%BD%9C" in link and "org_id" not in link
