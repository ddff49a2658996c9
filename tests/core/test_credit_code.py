"""Unified social credit codes (GB 32100-2015) and their check character."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.credit_code import ALPHABET, check_char, is_valid, normalise, synthetic, validation_error

# Published codes of real organisations (from their business licences / public registers).
REAL_CODES = [
    "91440300708461136T",
    "91330100799655058B",
    "914403001922038216",
    "91350100M000100Y43",
    "911100001000079554",
    "91110108551385082Q",
    "12100000400000624D",  # a public institution (事业单位), registration authority 1
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid(code):
    assert validation_error(code) is None
    assert is_valid(code)


@pytest.mark.parametrize("code", REAL_CODES)
def test_wrong_check_character_is_refused(code):
    wrong = next(ch for ch in ALPHABET if ch != code[-1])
    assert validation_error(code[:-1] + wrong) == "统一社会信用代码校验位错误"


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_forbidden_letters_are_refused(letter):
    code = "91440300708461136T"
    bad = code[:10] + letter + code[11:]
    assert validation_error(bad) == f"统一社会信用代码含有不允许的字符：{letter}"


@pytest.mark.parametrize("code", ["", "9144030070846113", "91440300708461136", "91440300708461136TX",
                                  "91440300708461136T0"])
def test_wrong_length_is_refused(code):
    assert validation_error(code) == "统一社会信用代码应为18位"


def test_none_is_refused():
    assert validation_error(None) == "统一社会信用代码应为18位"


def test_punctuation_and_full_width_characters_are_refused():
    assert "不允许的字符" in validation_error("91440300-08461136T")
    assert "不允许的字符" in validation_error("９1440300708461136T")


def test_lowercase_and_spaces_are_normalised():
    assert normalise("  91350100m000100y43 ") == "91350100M000100Y43"
    assert validation_error(" 91350100m000100y43") is None


def test_check_character_matches_the_standard_formula():
    # C18 = 31 - (sum(Ci * Wi) mod 31), computed by hand for 91350100M000100Y4.
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    body = "91350100M000100Y4"
    total = sum(ALPHABET.index(c) * w for c, w in zip(body, weights))
    assert ALPHABET[(31 - total % 31) % 31] == check_char(body) == "3"


@given(st.text(min_size=1, max_size=40))
def test_synthetic_codes_are_always_valid(seed):
    code = synthetic(seed)
    assert len(code) == 18
    assert code.startswith("91410800")
    assert validation_error(code) is None
    assert synthetic(seed) == code  # deterministic


@given(st.text(min_size=1, max_size=20), st.integers(0, 16), st.sampled_from(ALPHABET))
def test_any_single_character_change_is_detected(seed, position, replacement):
    code = synthetic(seed)
    if code[position] == replacement:
        return
    changed = code[:position] + replacement + code[position + 1:]
    assert validation_error(changed) == "统一社会信用代码校验位错误"


def test_demo_organisations_get_the_category_of_their_kind(app):
    """Issue 9, item 16: universities and institutes are public institutions (12…),
    bureaus government organs (11…), enterprises 91…"""
    from app.auth.models import Organisation, OrgType
    from app.core.demo import load_demo_data, seed_organisations

    seed_organisations({"data": load_demo_data()}, lambda line: None)
    orgs = Organisation.query.all()
    assert orgs
    expected = {OrgType.ENTERPRISE: "91", OrgType.GOVERNMENT: "11", OrgType.UNIVERSITY: "12",
                OrgType.INSTITUTE: "12", OrgType.NEW_RD_INSTITUTE: "12"}
    for org in orgs:
        assert org.credit_code.startswith(expected[org.org_type]), (org.name, org.credit_code)
        assert is_valid(org.credit_code)
    assert {o.org_type for o in orgs} >= {OrgType.ENTERPRISE, OrgType.UNIVERSITY}
