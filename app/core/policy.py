"""Policy values (domain.md §4, marked configurable): config defaults + DB overrides.

Each value has a :class:`PolicySpec`: its label and unit, whether it is a count, a
money amount (fen) or a ratio (decimals, e.g. 1.5:1), and the floor and ceiling an
administrator may set it to. A value outside them is refused with a message naming
the range, so no bureau can set a minimum bid window of 0 days or a 1000-year
look-back by a slip of the keyboard.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l

from .models import PolicySetting

COUNT, MONEY, RATIO = "count", "money", "ratio"


@dataclass(frozen=True)
class PolicySpec:
    label: object
    unit: object
    floor: Decimal | int
    ceiling: Decimal | int
    kind: str = COUNT  # count | money (fen) | ratio (decimal, shown "1.5:1")

    @property
    def places(self) -> int:
        return {COUNT: 0, MONEY: 2, RATIO: 2}[self.kind]


_WAN = 1_000_000  # fen in 10,000 yuan

POLICY_SPECS: dict[str, PolicySpec] = {
    "max_time_limit_months": PolicySpec(_l("完成时限上限（规则3）"), _l("个月"), 1, 120),
    "min_agreement_total_fen": PolicySpec(_l("协议总额下限（规则4）"), _l("元"), 0, 100_000 * _WAN, MONEY),
    "single_project_cap_fen": PolicySpec(_l("单个项目财政支持上限（规则5）"), _l("元"), 1 * _WAN,
                                         100_000 * _WAN, MONEY),
    "enterprise_self_funding_ratio": PolicySpec(_l("企业牵头自筹与财政资金比例下限（规则6）"), "", 0, 10, RATIO),
    "academic_self_funding_ratio": PolicySpec(_l("高校院所牵头自筹与财政资金比例下限（规则6）"), "", 0, 10, RATIO),
    "max_consortium_members": PolicySpec(_l("联合体成员上限（不含牵头单位，规则7）"), _l("家"), 0, 20),
    "bad_credit_lookback_years": PolicySpec(_l("失信记录追溯年限（规则8）"), _l("年"), 1, 10),
    "score_deviation_flag_points": PolicySpec(_l("评分偏离中位数提示阈值（规则12）"), _l("分"), 1, 100),
    "publicity_working_days": PolicySpec(_l("公示期（规则14）"), _l("个工作日"), 5, 30),
    "max_extension_months": PolicySpec(_l("延期上限（规则18）"), _l("个月"), 0, 36),
    "acceptance_due_months": PolicySpec(_l("验收材料提交期限（规则18）"), _l("个月"), 1, 12),
    "min_bid_window_days": PolicySpec(_l("发榜后最短揭榜期"), _l("天"), 1, 180),
    "conflict_lookback_years": PolicySpec(_l("专家回避追溯年限（规则11）"), _l("年"), 1, 10),
    "reconfirm_min_days": PolicySpec(_l("榜单变更后揭榜方重新确认的最短期限"), _l("天"), 1, 60),
    "review_panel_size": PolicySpec(_l("评审专家组默认人数"), _l("名"), 3, 15),
}

# Display names and units (kept for callers that only need the label).
POLICY_LABELS: dict[str, tuple[object, object]] = {k: (s.label, s.unit) for k, s in POLICY_SPECS.items()}


def normalised(value) -> int | Decimal:
    """An integral value as ``int`` (counts, fen, 2:1); a fractional ratio as Decimal."""
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else value.normalize()


def policy(key: str) -> int | Decimal:
    defaults = current_app.config["POLICY"]
    if key not in defaults:
        raise KeyError(f"unknown policy key {key!r}")
    row = PolicySetting.query.filter_by(key=key).first()
    return normalised(row.value if row is not None else defaults[key])


def all_policies() -> dict[str, int | Decimal]:
    values = {k: normalised(v) for k, v in current_app.config["POLICY"].items()}
    for row in PolicySetting.query.all():
        if row.key in values:
            values[row.key] = normalised(row.value)
    return values


def display_value(key: str, value) -> str:
    """How a value is shown: 5,000,000.00元, 1.5:1, 36."""
    from .money import format_yuan

    spec = POLICY_SPECS[key]
    if spec.kind == MONEY:
        return format_yuan(int(value))
    if spec.kind == RATIO:
        return f"{normalised(value)}:1"
    return str(normalised(value))


def input_value(key: str, value) -> str:
    """The value as the admin form shows it for editing (money in yuan)."""
    spec = POLICY_SPECS[key]
    if spec.kind == MONEY:
        yuan, cents = divmod(int(value), 100)
        return f"{yuan}.{cents:02d}" if cents else str(yuan)
    return str(normalised(value))


def is_money_key(key: str) -> bool:
    return key in POLICY_SPECS and POLICY_SPECS[key].kind == MONEY
