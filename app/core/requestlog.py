"""Structured request logging and request ids.

Every request gets an id (a well-formed ``X-Request-ID`` from the reverse proxy, or a
new one), returned in the ``X-Request-ID`` header, written into audit events and
shown on the 500 page so a user can quote it. One JSON line per request goes to
stderr: request id, user id, method, route, path, status, duration.
"""
from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid

from flask import g, request

REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
access_log = logging.getLogger("jiebang.request")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"), "level": record.levelname,
                 "logger": record.name}
        fields = getattr(record, "fields", None)
        if fields:
            entry.update(fields)
        else:
            entry["message"] = record.getMessage()
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(app) -> None:
    """JSON lines to stderr for the application's loggers (once per process)."""
    root = logging.getLogger("jiebang")
    if not any(getattr(h, "_jiebang", False) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        handler._jiebang = True
        root.addHandler(handler)
        root.propagate = False
    root.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    app.logger.handlers = [h for h in root.handlers]
    app.logger.propagate = False

    def _start():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex[:16]
        g.request_started = time.perf_counter()

    # First of all before_request hooks: a request refused by an earlier one (CSRF,
    # rate limit) must still get its id, its header and its log line.
    app.before_request_funcs.setdefault(None, []).insert(0, _start)

    @app.after_request
    def _log(response):
        rid = g.get("request_id")
        if rid:
            response.headers["X-Request-ID"] = rid
        if request.endpoint == "static":
            return response
        started = g.get("request_started")
        user_id = None
        try:
            from flask_login import current_user

            if current_user and current_user.is_authenticated:
                user_id = current_user.id
        except Exception:  # pragma: no cover - never fail a response for a log line
            user_id = None
        access_log.info("request", extra={"fields": {
            "request_id": rid, "user_id": user_id, "method": request.method,
            "route": request.endpoint, "path": request.path, "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
        }})
        return response
