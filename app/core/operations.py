"""State changes of shared settings. Nothing here commits."""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from ..extensions import db
from .audit import record_event
from .errors import InvalidInput
from .models import PolicySetting


class PolicyError(InvalidInput, ValueError):
    """A refused policy value (400)."""


def set_policy(key: str, value: int, *, actor) -> PolicySetting:
    defaults = current_app.config["POLICY"]
    if key not in defaults:
        raise PolicyError(_("未知的政策参数：%(key)s", key=key))
    if value < 0:
        raise PolicyError(_("政策参数不能为负数"))
    row = PolicySetting.query.filter_by(key=key).first()
    old = row.value if row is not None else defaults[key]
    if row is None:
        row = PolicySetting(key=key, value=value, updated_by_id=actor.id)
        db.session.add(row)
    else:
        row.value = value
        row.updated_by_id = actor.id
    db.session.flush()
    record_event(row, "policy_changed", actor=actor, data={"key": key, "old": old, "new": value})
    return row
