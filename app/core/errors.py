"""Error pages in the site's style (and JSON for the API)."""
from __future__ import annotations

import time

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..extensions import db

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


def _render(status: int, detail: str | None = None, exc=None):
    title, message = MESSAGES.get(status, MESSAGES[500])
    headers = _headers(exc)
    if status == 429 and detail is None:
        seconds = _retry_after_seconds(headers)
        if seconds:
            from ..auth.throttle import wait_text

            detail = str(_l("请求次数过多，%(wait)s。", wait=wait_text(seconds)))
    if request.path.startswith("/api/"):
        body = {"error": {"status": status, "title": str(title), "message": detail or str(message)}}
        return body, status, headers
    return render_template("errors/error.html", status=status, title=title, message=message,
                           detail=detail), status, headers


def error_page(status: int, detail: str, problems: list | None = None):
    """The site's error page with a specific Chinese reason, for views that refuse an
    action (409 "fields frozen", 400 with every problem found...). Rolls back first,
    so a refused action changes nothing."""
    db.session.rollback()
    if problems and len(problems) > 1:
        detail = "；".join(str(m) for _f, m in problems)
    return _render(status, detail)


def register_error_handlers(app):
    for status in MESSAGES:
        if status == 500:
            continue
        app.register_error_handler(status, lambda exc, s=status: _render(s, exc=exc))

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return _render(400, str(_l("表单已过期或缺少安全令牌（CSRF），请刷新页面后重新提交。")), exc=exc)

    @app.errorhandler(500)
    def server_error(exc):
        db.session.rollback()
        return _render(500)
