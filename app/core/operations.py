"""State changes of shared settings. Nothing here commits."""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from ..extensions import db
from .audit import record_event
from .errors import InvalidInput
from .models import PolicySetting
from .money import MAX_AMOUNT_FEN


class PolicyError(InvalidInput, ValueError):
    """A refused policy change (400); the message is shown to the administrator."""


# Counts (months, years, days, ratios, points): large enough for any policy, small
# enough that date arithmetic with them (years back, working days ahead) never overflows.
MAX_POLICY_COUNT = 1000


def set_policy(key: str, value: int, *, actor) -> PolicySetting:
    defaults = current_app.config["POLICY"]
    if key not in defaults:
        raise PolicyError(_("未知的政策参数：%(key)s", key=key))
    if value < 0:
        raise PolicyError(_("政策参数不能为负数"))
    limit = MAX_AMOUNT_FEN if key.endswith("_fen") else MAX_POLICY_COUNT
    if value > limit:
        raise PolicyError(_("政策参数过大（上限 %(max)s）", max=limit))
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
