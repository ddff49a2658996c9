"""Small helpers shared by this package's views."""
from __future__ import annotations

from functools import wraps

from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from ..core.errors import error_page


def conflict_on_concurrent_change(view):
    """Someone else changed (or closed) the same challenge meanwhile: 409, nothing saved."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except StaleDataError:
            return error_page(409, _("该榜单刚刚被其他人修改或已自动截止，本次操作未保存，请刷新页面后重试。"))

    return wrapped


def state_history(obj) -> list[dict]:
    """Transitions of ``obj`` (who, when, from, to, why) for status pages, with labels."""
    from ..core.audit import history, state_label

    kind = obj.__tablename__
    return [{"at": e.created_at, "from": state_label(kind, e.from_state) or "—",
             "to": state_label(kind, e.to_state), "actor": e.actor.name if e.actor else None,
             "reason": e.reason}
            for e in history(obj) if e.action == "transition"]
