"""Numbers typed by people: parsed, bounded and finite before any arithmetic.

Every number a user can send (money, KPI values, counts, ids in forms and query
strings) goes through :func:`parse_decimal` or :func:`parse_int`. Both accept only
plain decimal notation with ASCII digits ("1,200,000.50", "-3", "0.5"), at most
:data:`MAX_INPUT_LENGTH` characters, so ``1e999999``, ``NaN``, ``sNaN``,
``Infinity`` and 5,000-digit strings are refused in microseconds, before
``Decimal``/``int`` arithmetic can burn CPU or overflow a database column.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from .urls import MAX_DB_INTEGER

# Longer than any real amount or value (a 64-bit integer has 19 digits).
MAX_INPUT_LENGTH = 40
# Plain notation only: no exponent, no NaN/Infinity, no non-ASCII digits ("١٢", "²").
_DECIMAL = re.compile(r"[+-]?(\d+)(?:\.(\d*))?|[+-]?\.(\d+)", re.ASCII)
_INTEGER = re.compile(r"[+-]?\d+", re.ASCII)
# Digits and signs typed with a Chinese input method (全角) count as ASCII ones.
_GROUPING = str.maketrans({**{chr(0xFF10 + d): str(d) for d in range(10)},
                           "．": ".", "＋": "+", "－": "-", ",": None, "，": None, "_": None, " ": None})

# Dates people may type: wide enough for any record, narrow enough that date and
# time-zone arithmetic (± days, UTC offsets, working-day calendars) never overflows.
MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2199, 12, 31)


class NumberError(ValueError):
    """A number a user typed is malformed or out of range (HTTP 400); the message is
    shown next to the field."""

    status = 400

    def __init__(self, message, kind: str = "format"):
        super().__init__(message)
        self.kind = kind  # "format" | "places" | "range"


def _clean(value) -> str:
    text = str(value).strip().translate(_GROUPING) if value is not None else ""
    if len(text) > MAX_INPUT_LENGTH:
        raise NumberError(_l("数字过长，请检查"))
    return text


def parse_decimal(value, *, min_value: Decimal | int | None = None,
                  max_value: Decimal | int | None = None, places: int | None = None) -> Decimal:
    """A finite Decimal within [min_value, max_value] with at most ``places`` decimals."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise NumberError(_l("请输入有效的数字"))
        value = format(value, "f") if abs(value.adjusted()) <= MAX_INPUT_LENGTH else "x"
    text = _clean(value)
    match = _DECIMAL.fullmatch(text)
    if not match:
        raise NumberError(_l("请输入有效的数字（如 1200.5），不支持科学计数法"))
    decimals = (match.group(2) or match.group(3) or "").rstrip("0")
    if places is not None and len(decimals) > places:
        raise NumberError(_l("最多保留%(n)s位小数", n=places), "places")
    number = Decimal(text)
    _check_range(number, min_value, max_value)
    return number


def parse_int(value, *, min_value: int | None = 0, max_value: int | None = MAX_DB_INTEGER) -> int:
    """An integer within [min_value, max_value] (by default a non-negative database id)."""
    if isinstance(value, int) and not isinstance(value, bool):
        _check_range(value, min_value, max_value)
        return value
    text = _clean(value)
    if not _INTEGER.fullmatch(text):
        raise NumberError(_l("请输入整数"))
    number = int(text)
    _check_range(number, min_value, max_value)
    return number


def _check_range(number, min_value, max_value) -> None:
    if min_value is not None and number < min_value or max_value is not None and number > max_value:
        if min_value is not None and max_value is not None:
            raise NumberError(_l("数值应在%(min)s到%(max)s之间", min=_plain(min_value), max=_plain(max_value)),
                              "range")
        if min_value is not None:
            raise NumberError(_l("数值不能小于%(min)s", min=_plain(min_value)), "range")
        raise NumberError(_l("数值不能大于%(max)s", max=_plain(max_value)), "range")


def _plain(number) -> str:
    return format(Decimal(number).normalize(), "f") if isinstance(number, Decimal) else str(number)


def db_id(value) -> int:
    """``coerce=`` of id choices (``SelectField``): a non-negative 64-bit integer."""
    return parse_int(value, min_value=0, max_value=MAX_DB_INTEGER)


def query_int(name: str, default: int | None = None, *, min_value: int | None = 0,
              max_value: int | None = MAX_DB_INTEGER) -> int | None:
    """An integer from the query string; a malformed or out-of-range value is the
    default (list pages stay usable after a tampered link)."""
    from flask import request

    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    try:
        return parse_int(raw, min_value=min_value, max_value=max_value)
    except NumberError:
        return default


def check_date(value: date | None) -> None:
    if value is not None and not MIN_DATE <= value <= MAX_DATE:
        raise NumberError(_l("日期应在%(min)s到%(max)s之间", min=MIN_DATE.isoformat(), max=MAX_DATE.isoformat()),
                          "range")
