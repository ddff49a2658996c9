"""One error hierarchy, mapped once to HTTP statuses.

Operations raise :class:`NotFound` (404), :class:`Forbidden` (403),
:class:`StateConflict` (409) or :class:`InvalidInput` (400, with ``problems``: a
list of (field, message) pairs). Domain error families subclass these. The unit of
work (``core.uow``) rolls the transaction back, and :func:`register_error_handlers`
answers once for the whole application:

* JSON requests (``/api/`` or ``Accept: application/json``) get RFC 9457 problem
  details (``application/problem+json``);
* a view that shows a form registers how to re-render it with
  :func:`rerender_on_error`; the form is shown again with the messages next to
  their fields (nothing typed is lost);
* otherwise the site's error page, with the reason and a link back to the page the
  user came from.

Integrity races (unique violations, serialization failures, deadlocks, lock
timeouts) are turned into :class:`StateConflict` by the unit of work: 409, never 500.
"""
from __future__ import annotations

import logging
import time

from flask import current_app, g, has_request_context, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..extensions import db
from .urls import safe_next

log = logging.getLogger("jiebang.errors")

MESSAGES = {
    400: (_l("请求无效"), _l("提交的内容不完整或格式不正确，请返回检查后重试。")),
    401: (_l("需要登录"), _l("请先登录后再访问此页面。")),
    403: (_l("无权访问"), _l("您的账号没有访问此页面或执行此操作的权限。")),
    404: (_l("页面不存在"), _l("您访问的页面不存在或已被删除。")),
    405: (_l("请求方式不被允许"), _l("此页面不支持该请求方式。")),
    409: (_l("状态冲突"), _l("该事项的状态已经改变，请刷新页面后重试。")),
    413: (_l("上传内容过大"), _l("上传的文件超过了系统允许的大小，请压缩或拆分后重新上传。")),
    429: (_l("操作过于频繁"), _l("请求次数过多，请稍后再试。")),
    500: (_l("系统错误"), _l("系统发生内部错误，我们已记录此问题，请稍后再试。")),
}


# -- the hierarchy ------------------------------------------------------------------

class AppError(Exception):
    """A refused operation. ``str(exc)`` is shown to the user (Chinese, translated)."""

    status = 400

    def __init__(self, message=None, problems: list | None = None):
        self.problems = [(f, str(m)) for f, m in (problems or [])]
        if message is None:
            message = "；".join(m for _f, m in self.problems) or str(MESSAGES[self.status][1])
        super().__init__(str(message))
        self.message = str(message)


class InvalidInput(AppError):
    """Input breaks a rule (400); ``problems`` are (field, message) pairs for the form."""

    status = 400

    def __init__(self, problems_or_message=None, problems: list | None = None):
        if isinstance(problems_or_message, (list, tuple)):
            super().__init__(None, list(problems_or_message))
        else:
            super().__init__(problems_or_message, problems)


class Forbidden(AppError):
    status = 403


class NotFound(AppError):
    status = 404


class StateConflict(AppError):
    """The object is in the wrong state or was changed meanwhile (409)."""

    status = 409


# -- re-rendering the form ------------------------------------------------------------

def rerender_on_error(render) -> None:
    """Register how this request's form page is shown again when an operation refuses
    the input: ``render(exc)`` returns the page body (the handler sets the status).
    Typically ``rerender_on_error(lambda exc: (form.attach_problems(exc.problems),
    render_template(...))[1])``."""
    g.error_renderer = render


def wants_json() -> bool:
    if not has_request_context():
        return False
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json", "application/problem+json"])
    return best in ("application/json", "application/problem+json") and \
        request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def _problem(status: int, title, detail: str, problems=None, headers=()):
    body = {"type": "about:blank", "title": str(title), "status": status, "detail": detail,
            "instance": request.path}
    rid = g.get("request_id")
    if rid:
        body["request_id"] = rid
    if problems:
        body["errors"] = [{"field": f, "message": m} for f, m in problems]
    return body, status, [*headers, ("Content-Type", "application/problem+json")]


def _back_link() -> str | None:
    """Where the user came from (same site only), for the error page's first link."""
    if not has_request_context():
        return None
    ref = request.referrer or ""
    host = request.host_url
    if ref.startswith(host):
        target = safe_next("/" + ref[len(host):])
        if target and target != request.full_path.rstrip("?"):
            return target
    return None


def _render(status: int, detail: str | None = None, exc=None, problems=None):
    title, message = MESSAGES.get(status, MESSAGES[500])
    headers = _headers(exc)
    if status == 429 and detail is None:
        seconds = _retry_after_seconds(headers)
        if seconds:
            from ..auth.throttle import wait_text

            detail = str(_l("请求次数过多，%(wait)s。", wait=wait_text(seconds)))
    if wants_json():
        return _problem(status, title, detail or str(message), problems, headers)
    if problems and len(problems) > 1:
        detail = None  # listed one by one below
    return render_template("errors/error.html", status=status, title=title, message=message,
                           detail=detail, problems=problems if problems and len(problems) > 1 else None,
                           back=_back_link(), request_id=g.get("request_id")), status, headers


def _headers(exc) -> list[tuple[str, str]]:
    """Headers the exception carries (``Allow`` on 405, ``Retry-After`` on 429)."""
    if not isinstance(exc, HTTPException):
        return []
    return [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]


def _retry_after_seconds(headers) -> int | None:
    """Seconds until a rate limit lets the client try again (header, else the limit hit)."""
    retry = next((v for k, v in headers if k.lower() == "retry-after"), "")
    if retry.isdigit():
        return int(retry)
    from ..extensions import limiter

    try:
        current = limiter.current_limit
    except Exception:  # noqa: BLE001 - outside a rate-limited request
        return None
    return max(1, int(current.reset_at - time.time())) if current is not None else None


def error_page(status: int, detail: str, problems: list | None = None):
    """The site's error page with a specific reason. Rolls back first, so a refused
    action changes nothing (the unit of work also rolls back any status >= 400)."""
    db.session.rollback()
    return _render(status, str(detail), problems=problems)


def handle_app_error(exc: AppError):
    db.session.rollback()
    renderer = g.pop("error_renderer", None) if has_request_context() else None
    if renderer is not None and not wants_json() and exc.status in (400, 409):
        try:
            body = renderer(exc)
        except Exception:  # pragma: no cover - a broken renderer must not hide the error
            log.exception("error renderer failed")
        else:
            return body, exc.status
    return _render(exc.status, exc.message, problems=exc.problems)


def register_error_handlers(app):
    for status in MESSAGES:
        if status == 500:
            continue
        app.register_error_handler(status, lambda exc, s=status: _render(s, exc=exc))

    app.register_error_handler(AppError, handle_app_error)

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return _render(400, str(_l("表单已过期或缺少安全令牌（CSRF），请刷新页面后重新提交。")), exc=exc)

    @app.errorhandler(500)
    def server_error(exc):
        db.session.rollback()
        original = getattr(exc, "original_exception", None) or exc
        current_app.logger.error("unhandled exception request_id=%s", g.get("request_id", "-"),
                                 exc_info=(type(original), original, original.__traceback__))
        return _render(500)
