from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.money import MoneyError, format_wan, format_yuan, rmb_upper, yuan_to_fen

UPPER_CASES = [
    (1_200_000_00, "壹佰贰拾万元整"),
    (5, "伍分"),
    (10_005_00, "壹万零伍元整"),
    (0, "零元整"),
    (1_00, "壹元整"),
    (10_00, "壹拾元整"),
    (15_00, "壹拾伍元整"),
    (100_00, "壹佰元整"),
    (101_00, "壹佰零壹元整"),
    (110_00, "壹佰壹拾元整"),
    (1_000_00, "壹仟元整"),
    (1_001_00, "壹仟零壹元整"),
    (1_010_00, "壹仟零壹拾元整"),
    (10_000_00, "壹万元整"),
    (100_000_00, "壹拾万元整"),
    (105_000_00, "壹拾万零伍仟元整"),
    (1_050_000_00, "壹佰零伍万元整"),
    (5_000_000_00, "伍佰万元整"),
    (10_000_000_00, "壹仟万元整"),
    (12_003_000_00, "壹仟贰佰万零叁仟元整"),
    (100_000_000_00, "壹亿元整"),
    (100_010_000_00, "壹亿零壹万元整"),
    (123_456_789_01, "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元零壹分"),
    (50, "伍角"),
    (1_50, "壹元伍角"),
    (1_05, "壹元零伍分"),
    (1_004_05, "壹仟零肆元零伍分"),
    (99, "玖角玖分"),
    (6_000_000_00, "陆佰万元整"),
    (-3_00, "负叁元整"),
]


@pytest.mark.parametrize("fen, expected", UPPER_CASES)
def test_rmb_upper_table(fen, expected):
    assert rmb_upper(fen) == expected


def test_table_is_large_enough():
    assert len(UPPER_CASES) >= 20


@pytest.mark.parametrize("text, fen", [
    ("1,200,000.00", 120000000), ("0.05", 5), ("10005", 1000500), (" 12.5 ", 1250), ("１２", 1200),
])
def test_yuan_to_fen(text, fen):
    if fen is None:
        with pytest.raises(MoneyError):
            yuan_to_fen(text)
    else:
        assert yuan_to_fen(text) == fen


@pytest.mark.parametrize("bad", ["abc", "1.001", "NaN", "Infinity", "", "1e400x"])
def test_yuan_to_fen_rejects(bad):
    with pytest.raises(MoneyError):
        yuan_to_fen(bad)


def test_formats():
    assert format_yuan(1_200_000_00) == "1,200,000.00元"
    assert format_yuan(5) == "0.05元"
    assert format_wan(1_200_000_00) == "120万元"
    assert format_wan(5_000_000_00) == "500万元"
    assert format_wan(1_234_500) == "1.2345万元"


@given(st.integers(min_value=0, max_value=10**14))
def test_upper_is_wellformed(fen):
    text = rmb_upper(fen)
    assert text
    assert "零零" not in text
    assert not text.startswith("零") or fen == 0
    assert text.endswith(("整", "角", "分"))
    assert set(text) <= set("零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整")


@given(st.decimals(min_value=0, max_value=10**10, places=2, allow_nan=False, allow_infinity=False))
def test_yuan_roundtrip(amount):
    fen = yuan_to_fen(str(amount))
    assert Decimal(fen) / 100 == amount
