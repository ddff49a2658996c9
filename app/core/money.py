"""Money as integer fen; formatting in 元 / 万元 and Chinese capital numerals."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ["", "拾", "佰", "仟"]
BIG_UNITS = ["", "万", "亿", "万亿"]


class MoneyError(ValueError):
    pass


def yuan_to_fen(value: str | int | Decimal) -> int:
    """Parse a yuan amount (``"1,200,000.50"``) into fen, refusing sub-fen precision."""
    if isinstance(value, int):
        return value * 100
    text = str(value).strip().replace(",", "").replace("，", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise MoneyError(f"金额格式不正确：{value}") from None
    if not amount.is_finite():
        raise MoneyError(f"金额格式不正确：{value}")
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise MoneyError(f"金额最多保留两位小数：{value}")
    return int(fen)


def wan_to_fen(wan: int | str | Decimal) -> int:
    return yuan_to_fen(Decimal(str(wan)) * 10000)


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
