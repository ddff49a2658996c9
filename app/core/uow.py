"""One transaction per request and per CLI command.

Views call operations and never commit; operations never commit. The unit of work
wraps every view function (installed once by :func:`install`):

* a view that raises: roll back; database races become :class:`StateConflict` (409);
* a GET/HEAD/OPTIONS request, or a response with status >= 400: roll back — a GET
  never writes and a refused request changes nothing (except security records the
  view keeps with :func:`keep_on_error`, such as a failed login);
* otherwise: commit once, then deliver the outbox messages that this transaction
  wrote (mail and notifications leave the process only after the commit).

CLI commands and scheduled jobs use :func:`unit_of_work` the same way.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from functools import wraps

from flask import current_app, g, request
from flask_babel import gettext as _
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from ..extensions import db
from .errors import StateConflict

log = logging.getLogger("jiebang.uow")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# SQLSTATEs of PostgreSQL races: serialization failure, deadlock, lock not available,
# unique / foreign-key / check violations raised by a concurrent writer.
RACE_SQLSTATES = {"40001", "40P01", "55P03", "23505", "23503", "23514"}


def is_race(exc: BaseException) -> bool:
    """A failure caused by another transaction (retrying later can succeed)."""
    if isinstance(exc, (IntegrityError, StaleDataError)):
        return True
    if isinstance(exc, OperationalError):
        text = str(getattr(exc, "orig", exc)).lower()
        if "locked" in text or "busy" in text:  # SQLite
            return True
    if isinstance(exc, DBAPIError):
        code = getattr(getattr(exc, "orig", None), "sqlstate", None)
        return code in RACE_SQLSTATES
    return False


def race_conflict() -> StateConflict:
    return StateConflict(_("该事项刚刚被其他人修改，本次操作未保存，请刷新页面后重试。"))


def _commit() -> None:
    try:
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        if is_race(exc):
            log.warning("commit lost a race: %s", exc.__class__.__name__)
            raise race_conflict() from exc
        raise
    from . import outbox

    outbox.dispatch_after_commit()


def wrap_view(view):
    @wraps(view)
    def unit_of_work_view(*args, **kwargs):
        try:
            rv = view(*args, **kwargs)
        except Exception as exc:
            db.session.rollback()
            if is_race(exc):
                log.warning("request lost a race: %s", exc.__class__.__name__)
                raise race_conflict() from exc
            raise
        response = current_app.make_response(rv)
        refused = response.status_code >= 400 and not g.get("uow_keep_on_error")
        if request.method in SAFE_METHODS or refused:
            db.session.rollback()
        else:
            _commit()
        return response

    unit_of_work_view.__wrapped_by_uow__ = True
    return unit_of_work_view


def keep_on_error() -> None:
    """Commit this request's changes even though it answers with an error status: for
    security records of a refused request (a failed login, a throttled account), which
    must survive the refusal. Never for a GET."""
    g.uow_keep_on_error = True


def install(app) -> None:
    """Wrap every view function of ``app`` (call after the blueprints are registered)."""
    for endpoint, view in list(app.view_functions.items()):
        if endpoint == "static" or getattr(view, "__wrapped_by_uow__", False):
            continue
        app.view_functions[endpoint] = wrap_view(view)


@contextmanager
def unit_of_work():
    """``with unit_of_work(): ...`` — commit once at the end, roll back on error;
    for CLI commands, jobs and scripts."""
    try:
        yield db.session
    except Exception:
        db.session.rollback()
        raise
    _commit()
