"""HTTP security headers for every response."""
from __future__ import annotations

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def add_security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    from flask import current_app

    hsts = current_app.config.get("HSTS_SECONDS") or 0
    if hsts:
        # Production only (the site is https behind the proxy): browsers never try http again.
        response.headers.setdefault("Strict-Transport-Security", f"max-age={int(hsts)}; includeSubDomains")
    return response


def no_store_for_signed_in_pages(response):
    """Pages shown to a signed-in user are never kept by shared caches or the back button
    after logout; static assets and public pages stay cacheable."""
    from flask import request
    from flask_login import current_user

    if request.endpoint != "static" and current_user.is_authenticated:
        response.headers["Cache-Control"] = "no-store"
    return response


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_has_nul(v) for v in value)
    return False


def reject_nul_bytes():
    """A NUL byte anywhere in the path, query string, form (field names, values, file
    names) or JSON body is refused with 400 before any view runs: no text column takes
    it (PostgreSQL refuses it outright) and no legitimate client sends one."""
    from flask import request
    from flask_babel import gettext as _

    from .errors import error_page

    found = "\x00" in request.path or b"%00" in request.query_string or b"\x00" in request.query_string
    if not found:
        found = any(_has_nul(k) or _has_nul(v) for k, v in request.args.items(multi=True))
    if not found and request.method not in ("GET", "HEAD", "OPTIONS"):
        found = any(_has_nul(k) or _has_nul(v) for k, v in request.form.items(multi=True)) or any(
            _has_nul(k) or _has_nul(f.filename or "") for k, f in request.files.items(multi=True))
        if not found and request.is_json:
            found = _has_nul(request.get_json(silent=True))
    if found:
        return error_page(400, _("请求中含有不允许的空字符（NUL），请检查输入后重试。"))
    return None
