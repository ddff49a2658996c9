"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters from the alphabet 0-9 A-H J-N P-R T U W-Y (no I, O, S, V, Z);
the last character is a check digit: C18 = 31 - (sum(Ci * Wi) mod 31), 31 -> 0.
"""
from __future__ import annotations

import random

from flask_babel import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
VALUE = {ch: i for i, ch in enumerate(ALPHABET)}


def check_char(first17: str) -> str:
    total = sum(VALUE[ch] * w for ch, w in zip(first17, WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def normalise(code: str) -> str:
    return (code or "").strip().upper()


def validation_error(code: str) -> str | None:
    """A Chinese message saying what is wrong with ``code``, or None when it is valid."""
    code = normalise(code)
    if len(code) != 18:
        return _("统一社会信用代码应为18位")
    bad = sorted({ch for ch in code if ch not in VALUE})
    if bad:
        return _("统一社会信用代码含有不允许的字符：%(chars)s", chars="".join(bad))
    if not code[8:17].isalnum():
        return _("统一社会信用代码格式不正确")
    if check_char(code[:17]) != code[17]:
        return _("统一社会信用代码校验位错误")
    return None


def is_valid(code: str) -> bool:
    return validation_error(code) is None


def synthetic(seed: str, region: str = "410800", kind: str = "91") -> str:
    """A deterministic, well-formed code for demo data (region 410800 = Jiaozuo).

    ``kind`` is the registering authority and category: "91" an enterprise registered
    with market regulation, "11" a government organ (机关), "12" a public institution.
    The organisation code part is random from ``seed`` so it is not any real unit's.
    """
    rng = random.Random(seed)
    body = kind + region + "".join(rng.choice(ALPHABET[:10] + ALPHABET[10:]) for _ in range(9))
    return body + check_char(body)


# The first two characters (登记管理部门 + 机构类别) by kind of organisation, as real
# codes have them: 91 an enterprise (市场监管), 11 a government organ (机构编制, 机关),
# 12 a public institution (机构编制, 事业单位: universities, institutes, most new-type
# R&D institutes).
CATEGORY_BY_ORG_TYPE = {"enterprise": "91", "government": "11", "university": "12", "institute": "12",
                        "new_rd_institute": "12"}


def category_for(org_type: str) -> str:
    return CATEGORY_BY_ORG_TYPE.get(org_type, "91")
