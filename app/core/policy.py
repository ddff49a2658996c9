"""Policy values (domain.md §4, marked configurable): config defaults + DB overrides."""
from __future__ import annotations

from flask import current_app

from .models import PolicySetting


def policy(key: str) -> int:
    defaults = current_app.config["POLICY"]
    if key not in defaults:
        raise KeyError(f"unknown policy key {key!r}")
    row = PolicySetting.query.filter_by(key=key).first()
    return row.value if row is not None else defaults[key]


def all_policies() -> dict[str, int]:
    values = dict(current_app.config["POLICY"])
    for row in PolicySetting.query.all():
        if row.key in values:
            values[row.key] = row.value
    return values


# Display names and units for the admin policy page; ``_fen`` keys are money.
POLICY_LABELS: dict[str, tuple[str, str]] = {
    "max_time_limit_months": ("完成时限上限（规则3）", "个月"),
    "min_agreement_total_fen": ("协议总额下限（规则4）", "元"),
    "single_project_cap_fen": ("单个项目财政支持上限（规则5）", "元"),
    "enterprise_self_funding_ratio": ("企业牵头自筹与财政资金比例下限（规则6）", "倍"),
    "academic_self_funding_ratio": ("高校院所牵头自筹与财政资金比例下限（规则6）", "倍"),
    "max_consortium_members": ("联合体成员上限（不含牵头单位，规则7）", "家"),
    "bad_credit_lookback_years": ("失信记录追溯年限（规则8）", "年"),
    "score_deviation_flag_points": ("评分偏离中位数提示阈值（规则12）", "分"),
    "publicity_working_days": ("公示期（规则14）", "个工作日"),
    "max_extension_months": ("延期上限（规则18）", "个月"),
    "acceptance_due_months": ("验收材料提交期限（规则18）", "个月"),
    "min_bid_window_days": ("发榜后最短揭榜期", "天"),
    "conflict_lookback_years": ("专家回避追溯年限（规则11）", "年"),
    "review_panel_size": ("评审专家组默认人数", "名"),
}


def is_money_key(key: str) -> bool:
    return key.endswith("_fen")
