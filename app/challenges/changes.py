"""What an amendment changes, as display text (stored with the amendment, shown publicly)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core.money import format_yuan
from ..core.timeutil import format_local
from .models import Comparator, plain_decimal
from .rules import ChallengeData

FIELD_LABELS = {
    "title": _l("榜单名称"),
    "field": _l("产业领域"),
    "issuer_id": _l("发榜单位"),
    "problem_statement": _l("技术问题描述"),
    "time_limit_months": _l("完成时限（月）"),
    "support_fen": _l("财政支持金额"),
    "issuer_funding_fen": _l("发榜方投入"),
    "ip_terms": _l("知识产权约定"),
    "eligibility": _l("揭榜条件"),
    "contact_name": _l("联系人"),
    "contact_phone": _l("联系电话"),
    "contact_email": _l("联系邮箱"),
    "bid_opens_at": _l("揭榜开始时间"),
    "bid_deadline_at": _l("揭榜截止时间"),
    "slots": _l("揭榜名额（赛马）"),
    "kpis": _l("考核指标"),
    "milestone_template": _l("里程碑节点"),
}


def _scalar_text(name: str, value) -> str:
    if value is None:
        return "—"
    if name.endswith("_fen"):
        return format_yuan(value)
    if name.endswith("_at"):
        return format_local(value)
    return str(value)


def kpi_lines(kpis) -> str:
    rows = []
    for i, k in enumerate(kpis, start=1):
        symbol = Comparator(k.comparator).symbol
        rows.append(f"{i}. {k.name} {symbol} {plain_decimal(k.target_value)} {k.unit or ''}".rstrip()
                    + (f"（{k.verification_method}）" if k.verification_method else ""))
    return "\n".join(rows)


def milestone_lines(milestones) -> str:
    return "\n".join(
        f"{i}. {m.name}：第{m.month_offset}个月，拨付{m.tranche_percent}%"
        + ("（赛马比选）" if m.is_race_checkpoint else "")
        for i, m in enumerate(milestones, start=1)
    )


def describe_changes(challenge, data: ChallengeData) -> list[dict]:
    changes = []
    for name in ChallengeData.SCALARS:
        old, new = getattr(challenge, name), getattr(data, name)
        if old != new:
            changes.append({"field": name, "label": str(FIELD_LABELS[name]),
                            "old": _scalar_text(name, old), "new": _scalar_text(name, new)})
    for name, render in (("kpis", kpi_lines), ("milestone_template", milestone_lines)):
        old, new = render(getattr(challenge, name)), render(getattr(data, name))
        if old != new:
            changes.append({"field": name, "label": str(FIELD_LABELS[name]), "old": old, "new": new})
    return changes
