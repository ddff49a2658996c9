"""Money as integer fen; formatting in 元 / 万元 and Chinese capital numerals."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l

from .numbers import NumberError, parse_decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ["", "拾", "佰", "仟"]
BIG_UNITS = ["", "万", "亿", "万亿"]


# The largest amount anyone may type or store: 10 trillion yuan, far above any budget
# and far inside a 64-bit BIGINT column even when several amounts are added up.
MAX_AMOUNT_FEN = 10**15
MAX_AMOUNT_YUAN = MAX_AMOUNT_FEN // 100


class MoneyError(ValueError):
    """A malformed or out-of-range amount (HTTP 400)."""

    status = 400


def yuan_to_fen(value: str | int | Decimal) -> int:
    """Parse a yuan amount (``"1,200,000.50"``) into fen, refusing sub-fen precision,
    non-finite values, exponents and amounts beyond ±:data:`MAX_AMOUNT_FEN`."""
    if isinstance(value, bool):
        raise MoneyError(_l("金额格式不正确"))
    try:
        amount = parse_decimal(value, places=2)
    except NumberError as exc:
        if exc.kind == "places":
            raise MoneyError(_l("金额最多保留两位小数")) from None
        raise MoneyError(_l("金额格式不正确：%(reason)s", reason=str(exc))) from None
    if abs(amount) > MAX_AMOUNT_YUAN:
        raise MoneyError(_l("金额过大，请检查单位（元）"))
    return int(amount * 100)


def wan_to_fen(wan: int | str | Decimal) -> int:
    """万元 -> fen, with the same checks (six decimals are whole fen)."""
    try:
        amount = parse_decimal(wan, places=6)
    except NumberError as exc:
        raise MoneyError(_l("金额格式不正确：%(reason)s", reason=str(exc))) from None
    if abs(amount) > MAX_AMOUNT_FEN // 1_000_000:
        raise MoneyError(_l("金额过大，请检查单位（万元）"))
    return int(amount * 1_000_000)


def format_yuan(fen: int) -> str:
    """1234567 fen -> '12,345.67元'."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(int(fen)), 100)
    return f"{sign}{yuan:,}.{cents:02d}元"


def format_wan(fen: int) -> str:
    """Amount in 万元, trailing zeros dropped: 1,200,000 yuan -> '120万元'."""
    wan = (Decimal(int(fen)) / Decimal(1_000_000)).quantize(Decimal("0.000001"), ROUND_HALF_UP)
    text = format(wan.normalize(), "f")
    return f"{text}万元"


def _integer_upper(n: int) -> str:
    digits = str(n)
    length = len(digits)
    out: list[str] = []
    zero_pending = False
    for i, ch in enumerate(digits):
        pos = length - 1 - i
        small, big = pos % 4, pos // 4
        d = int(ch)
        if d == 0:
            zero_pending = True
        else:
            if zero_pending and out:
                out.append("零")
            zero_pending = False
            out.append(DIGITS[d] + SMALL_UNITS[small])
        if small == 0 and big > 0:
            group = digits[max(0, i - 3): i + 1]
            if int(group):
                out.append(BIG_UNITS[big])
    return "".join(out)


def rmb_upper(fen: int) -> str:
    """人民币大写 after the payment-settlement convention.

    1,200,000.00 -> 壹佰贰拾万元整; 0.05 -> 伍分; 10,005 -> 壹万零伍元整.
    """
    fen = int(fen)
    if fen < 0:
        return "负" + rmb_upper(-fen)
    yuan, rest = divmod(fen, 100)
    jiao, cent = divmod(rest, 10)
    if fen == 0:
        return "零元整"
    parts: list[str] = []
    if yuan:
        parts.append(_integer_upper(yuan) + "元")
    if jiao:
        parts.append(DIGITS[jiao] + "角")
    elif cent and yuan:
        parts.append("零")
    if cent:
        parts.append(DIGITS[cent] + "分")
    if not cent and not jiao:
        parts.append("整")
    return "".join(parts)
