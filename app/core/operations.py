"""State changes of shared settings. Nothing here commits."""
from __future__ import annotations

from decimal import Decimal

from flask import current_app
from flask_babel import gettext as _

from ..extensions import db
from .audit import record_event
from .errors import InvalidInput
from .models import PolicySetting
from .money import MoneyError, yuan_to_fen
from .numbers import NumberError, parse_decimal
from .policy import MONEY, POLICY_SPECS, display_value, normalised


class PolicyError(InvalidInput, ValueError):
    """A refused policy change (400); the message is shown to the administrator."""

    def __init__(self, message):
        InvalidInput.__init__(self, [("value", str(message))])


# Kept for callers that bound counts themselves (years back, working days ahead).
MAX_POLICY_COUNT = max(int(s.ceiling) for s in POLICY_SPECS.values() if s.kind != MONEY)


def _range_message(key: str) -> str:
    spec = POLICY_SPECS[key]
    low, high = display_value(key, spec.floor), display_value(key, spec.ceiling)
    if spec.kind == MONEY:
        return _("“%(label)s”应在%(low)s到%(high)s之间", label=spec.label, low=low, high=high)
    if spec.places:
        return _("“%(label)s”应在%(low)s到%(high)s之间，最多两位小数", label=spec.label, low=low, high=high)
    return _("“%(label)s”应为%(low)s到%(high)s之间的整数（单位：%(unit)s）", label=spec.label, low=low,
             high=high, unit=spec.unit)


def parse_policy_value(key: str, raw: str) -> int | Decimal:
    """The value an administrator typed (money in yuan, ratios with decimals), checked
    against the parameter's floor and ceiling; PolicyError names the allowed range."""
    spec = POLICY_SPECS.get(key)
    if spec is None:
        raise PolicyError(_("未知的政策参数"))
    if spec.kind == MONEY:
        try:
            value = yuan_to_fen(raw)
        except MoneyError as exc:
            raise PolicyError(str(exc)) from None
    else:
        try:
            value = parse_decimal(raw, places=spec.places)
        except NumberError:
            raise PolicyError(_range_message(key)) from None
    check_policy_value(key, value)
    return normalised(value)


def check_policy_value(key: str, value) -> None:
    spec = POLICY_SPECS.get(key)
    if spec is None or key not in current_app.config["POLICY"]:
        raise PolicyError(_("未知的政策参数：%(key)s", key=key))
    try:
        value = Decimal(value)
    except (ArithmeticError, TypeError, ValueError):
        raise PolicyError(_range_message(key)) from None
    if not value.is_finite() or not spec.floor <= value <= spec.ceiling \
            or value != value.quantize(Decimal(1).scaleb(-spec.places)):
        raise PolicyError(_range_message(key))


def set_policy(key: str, value, *, actor) -> PolicySetting | None:
    """Set one value. A save that changes nothing writes nothing (no row, no audit
    entry) and returns None; a change is audited with the old and new values."""
    check_policy_value(key, value)
    value = normalised(value)
    defaults = current_app.config["POLICY"]
    row = PolicySetting.query.filter_by(key=key).first()
    old = normalised(row.value if row is not None else defaults[key])
    if old == value:
        return None
    if row is None:
        row = PolicySetting(key=key, value=value, updated_by_id=actor.id)
        db.session.add(row)
    else:
        row.value = value
        row.updated_by_id = actor.id
    db.session.flush()
    spec = POLICY_SPECS[key]
    record_event(row, "policy_changed", actor=actor,
                 data={"key": key, "label": str(spec.label), "old": display_value(key, old),
                       "new": display_value(key, value)})
    return row
