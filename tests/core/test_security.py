"""Security headers on every kind of response."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("url", ["/", "/login", "/static/css/site.css", "/no-such-page"])
def test_security_headers(client, url):
    response = client.get(url)
    csp = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script_or_style(client):
    html = client.get("/login").get_data(as_text=True)
    assert "<script>" not in html and "<style" not in html and " style=" not in html
    assert 'src="/static/js/site.js"' in html


def test_signed_in_pages_are_not_stored(login_as, client):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    user = login_as("bureau")
    assert user.get("/dashboard").headers["Cache-Control"] == "no-store"
    assert user.get("/").headers["Cache-Control"] == "no-store"
    assert "no-store" not in user.get("/static/css/site.css").headers.get("Cache-Control", "")
