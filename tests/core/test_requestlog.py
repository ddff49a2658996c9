"""Request ids and the JSON request log."""
from __future__ import annotations

import json
import logging
import re

import pytest
import sqlalchemy as sa

from app.core import uow
from app.core.models import AuditEvent
from app.core.requestlog import JsonFormatter
from app.extensions import db

GENERATED = re.compile(r"^[0-9a-f]{16}$")
FIELDS = {"request_id", "user_id", "method", "route", "path", "status", "duration_ms"}


class Capture(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)

    def lines(self) -> list[str]:
        formatter = JsonFormatter()
        return [formatter.format(r) for r in self.records]

    def entries(self) -> list[dict]:
        return [json.loads(line) for line in self.lines()]


@pytest.fixture
def request_log():
    logger = logging.getLogger("jiebang.request")
    handler = Capture()
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def test_every_response_has_a_request_id(client):
    first, second = client.get("/"), client.get("/no-such-page")
    assert GENERATED.match(first.headers["X-Request-ID"])
    assert GENERATED.match(second.headers["X-Request-ID"])
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]


@pytest.mark.parametrize("incoming", ["abcdef12", "0f8e7d6c-5b4a-3928-1706-f5e4d3c2b1a0", "lb.req_42-x.y",
                                      "A" * 64])
def test_a_well_formed_incoming_id_is_echoed(client, incoming):
    assert client.get("/", headers={"X-Request-ID": incoming}).headers["X-Request-ID"] == incoming


@pytest.mark.parametrize("incoming", ["short", "A" * 65, "has space 1234", "<script>alert(1)</script>",
                                      "id\u00e9-12345678", "abc;rm -rf /", ""])
def test_a_malformed_incoming_id_is_replaced(client, incoming, request_log):
    response = client.get("/", headers={"X-Request-ID": incoming})
    assert GENERATED.match(response.headers["X-Request-ID"])
    [entry] = request_log.entries()
    assert entry["request_id"] == response.headers["X-Request-ID"]


def test_one_json_line_per_request_with_the_fields(client, login_as, request_log):
    client.get("/", headers={"X-Request-ID": "trace-0000aaaa"})
    client.get("/no-such-page")
    refused_response = client.post("/login", data={})  # refused by CSRFProtect's before_request hook
    assert len(request_log.records) == 3
    for line in request_log.lines():
        assert "\n" not in line
    home, missing, refused = request_log.entries()
    for entry in (home, missing, refused):
        assert FIELDS <= set(entry) and entry["logger"] == "jiebang.request" and entry["level"] == "INFO"
        assert isinstance(entry["duration_ms"], (int, float)) and entry["duration_ms"] >= 0
    assert {k: home[k] for k in FIELDS - {"duration_ms"}} == {
        "request_id": "trace-0000aaaa", "user_id": None, "method": "GET", "route": "core.index",
        "path": "/", "status": 200}
    assert (missing["status"], missing["route"], missing["path"]) == (404, None, "/no-such-page")
    assert (refused["method"], refused["route"], refused["status"]) == ("POST", "auth.login", 400)
    # an earlier hook refusing the request does not cost it its id
    assert GENERATED.match(refused["request_id"])
    assert refused_response.headers["X-Request-ID"] == refused["request_id"]


def test_the_log_names_the_signed_in_user(login_as, request_log):
    bureau = login_as("bureau")
    request_log.records.clear()
    response = bureau.get("/dashboard")
    [entry] = request_log.entries()
    assert entry["user_id"] == bureau.user.id and entry["status"] == 200
    assert entry["request_id"] == response.headers["X-Request-ID"]


def test_a_500_is_logged_once_with_its_request_id(app, client, monkeypatch, request_log):
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    monkeypatch.setitem(app.view_functions, "core.index", uow.wrap_view(lambda: 1 / 0))
    response = client.get("/", headers={"X-Request-ID": "trace-500500500"})
    assert response.status_code == 500
    [entry] = request_log.entries()
    assert (entry["status"], entry["request_id"]) == (500, "trace-500500500")


def test_static_files_are_not_logged_but_carry_the_id(client, request_log):
    response = client.get("/static/css/site.css")
    assert response.status_code == 200 and GENERATED.match(response.headers["X-Request-ID"])
    assert request_log.records == []


def test_audit_events_carry_the_request_id(client, make):
    from tests.conftest import Browser

    user = make.user(role="bureau")
    browser = Browser(client)
    token = browser.token("/login")
    response = client.post("/login", data={"email": user.email, "password": "Passw0rd-123", "csrf_token": token},
                           headers={"X-Request-ID": "login-trace-1234"})
    assert response.status_code == 302
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "login")).one()
    assert event.request_id == "login-trace-1234" and event.ip_address == "127.0.0.1"
