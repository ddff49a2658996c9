"""Rules 2-5 of domain.md §4 for challenges, as pure functions.

Each check returns ``(field, message)`` pairs so a form can show a message next to
the field it concerns; an empty list means the values are acceptable. The inputs
are plain values (or any object with the challenge's attribute names), never the
request, so the rules are easy to unit-test at their boundaries.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import datetime, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core.money import format_yuan

Problem = tuple[str, str]


@dataclass
class KpiData:
    name: str
    comparator: str
    target_value: Decimal | None
    unit: str = ""
    verification_method: str = ""


@dataclass
class MilestoneData:
    name: str
    month_offset: int
    tranche_percent: int
    is_race_checkpoint: bool = False


@dataclass
class ChallengeData:
    """The editable fields of a challenge, as a form (or a test) supplies them."""

    title: str
    field: str
    issuer_id: int | None
    problem_statement: str
    time_limit_months: int | None
    support_fen: int | None
    issuer_funding_fen: int | None
    ip_terms: str
    eligibility: str
    contact_name: str
    contact_phone: str
    contact_email: str
    bid_opens_at: datetime | None
    bid_deadline_at: datetime | None
    slots: int
    kpis: list[KpiData] = dc_field(default_factory=list)
    milestone_template: list[MilestoneData] = dc_field(default_factory=list)

    SCALARS = ("title", "field", "issuer_id", "problem_statement", "time_limit_months",
               "support_fen", "issuer_funding_fen", "ip_terms", "eligibility", "contact_name",
               "contact_phone", "contact_email", "bid_opens_at", "bid_deadline_at", "slots")


@dataclass(frozen=True)
class Limits:
    max_time_limit_months: int
    min_agreement_total_fen: int
    single_project_cap_fen: int
    min_bid_window_days: int
    reconfirm_min_days: int = 15

    @classmethod
    def current(cls) -> "Limits":
        """The bureau's configured values (config defaults + admin overrides)."""
        from ..core.policy import policy

        return cls(**{name: policy(name) for name in cls.__dataclass_fields__})


def time_limit_problems(months: int | None, limits: Limits) -> list[Problem]:
    if months is None:
        return [("time_limit_months", _("请填写完成时限"))]
    if months < 1:
        return [("time_limit_months", _("完成时限至少为1个月"))]
    if months > limits.max_time_limit_months:
        return [("time_limit_months",
                 _("完成时限不超过%(n)s个月", n=limits.max_time_limit_months))]
    return []


def funding_problems(support_fen: int | None, issuer_funding_fen: int | None,
                     limits: Limits) -> list[Problem]:
    problems: list[Problem] = []
    if support_fen is None:
        problems.append(("support_fen", _("请填写财政支持金额")))
    elif support_fen <= 0:
        problems.append(("support_fen", _("财政支持金额必须大于零")))
    elif support_fen > limits.single_project_cap_fen:
        problems.append(("support_fen", _("财政支持金额不能超过单个项目上限%(cap)s",
                                          cap=format_yuan(limits.single_project_cap_fen))))
    if issuer_funding_fen is None:
        problems.append(("issuer_funding_fen", _("请填写发榜方投入资金")))
    elif issuer_funding_fen < 0:
        problems.append(("issuer_funding_fen", _("金额不能为负数")))
    if not problems and support_fen + issuer_funding_fen < limits.min_agreement_total_fen:
        problems.append(("issuer_funding_fen",
                         _("财政支持与发榜方投入合计不得低于%(min)s（当前合计%(total)s）",
                           min=format_yuan(limits.min_agreement_total_fen),
                           total=format_yuan(support_fen + issuer_funding_fen))))
    return problems


def window_problems(opens_at: datetime | None, deadline_at: datetime | None, *,
                    published_at: datetime, now: datetime, limits: Limits) -> list[Problem]:
    """Bid window: opens before the deadline; the deadline is in the future and at
    least ``min_bid_window_days`` after publication (``published_at``; for a draft,
    the moment it would be published, i.e. now)."""
    if opens_at is None:
        return [("bid_opens_at", _("请填写揭榜开始时间"))]
    if deadline_at is None:
        return [("bid_deadline_at", _("请填写揭榜截止时间"))]
    if deadline_at <= opens_at:
        return [("bid_deadline_at", _("揭榜截止时间必须晚于开始时间"))]
    if deadline_at <= now:
        return [("bid_deadline_at", _("揭榜截止时间已过，请选择将来的时间"))]
    if deadline_at < published_at + timedelta(days=limits.min_bid_window_days):
        return [("bid_deadline_at", _("揭榜截止时间距发布至少应有%(n)s天", n=limits.min_bid_window_days))]
    return []


def published_window_problems(current, data, *, now: datetime) -> list[Problem]:
    """After publication the deadline only moves later, and an opened window keeps its
    opening time: an amendment may give bidders more time, never take it away (or
    break the seal early by pulling the deadline forward)."""
    problems: list[Problem] = []
    old_deadline, new_deadline = current.bid_deadline_at, data.bid_deadline_at
    if old_deadline is not None and new_deadline is not None and new_deadline < old_deadline:
        from ..core.timeutil import format_local

        problems.append(("bid_deadline_at",
                         _("榜单发布后揭榜截止时间只能推迟，不能提前（现截止时间为%(old)s）",
                           old=format_local(old_deadline))))
    old_opens = current.bid_opens_at
    if old_opens is not None and old_opens <= now and data.bid_opens_at != old_opens:
        problems.append(("bid_opens_at", _("揭榜已经开始，开始时间不能再修改")))
    return problems


def reconfirm_deadline(deadline: datetime, *, now: datetime, min_days: int) -> datetime:
    """The deadline after an amendment: unchanged when bidders still have ``min_days``
    to re-confirm, else the first day at the same local time of day that leaves them."""
    earliest = now + timedelta(days=min_days)
    if deadline >= earliest:
        return deadline
    moved = deadline + timedelta(days=(earliest - deadline).days)
    while moved < earliest:
        moved += timedelta(days=1)
    return moved


def kpi_problems(kpis) -> list[Problem]:
    """Rule 2: at least one KPI; each with a name and a target; names not repeated."""
    if not kpis:
        return [("kpis", _("至少填写一项考核指标"))]
    problems: list[Problem] = []
    names = [k.name for k in kpis]
    if len(set(names)) != len(names):
        problems.append(("kpis", _("考核指标名称不能重复")))
    unnamed = [str(i) for i, k in enumerate(kpis, 1) if not (k.name or "").strip()]
    if unnamed:
        problems.append(("kpis", _("第%(rows)s项考核指标未填写指标名称", rows="、".join(unnamed))))
    missing = [str(i) for i, k in enumerate(kpis, 1) if k.target_value is None]
    if missing:
        problems.append(("kpis", _("第%(rows)s项考核指标未填写目标值", rows="、".join(missing))))
    return problems


def milestone_problems(milestones, *, slots: int, time_limit_months: int | None) -> list[Problem]:
    """Tranche percentages sum to exactly 100; a race checkpoint exactly when slots > 1."""
    if not milestones:
        return [("milestones", _("至少设置一个里程碑节点"))]
    problems: list[Problem] = []
    unnamed = [str(i) for i, m in enumerate(milestones, 1) if not (m.name or "").strip()]
    if unnamed:
        problems.append(("milestones", _("第%(rows)s个里程碑节点未填写节点名称", rows="、".join(unnamed))))
    total = sum(m.tranche_percent for m in milestones)
    if total != 100:
        problems.append(("milestones", _("各节点拨付比例之和必须为100%%（当前为%(total)s%%）", total=total)))
    offsets = [m.month_offset for m in milestones]
    if offsets != sorted(offsets):
        problems.append(("milestones", _("里程碑节点应按月份先后排列")))
    if time_limit_months is not None and offsets and max(offsets) > time_limit_months:
        problems.append(("milestones", _("里程碑节点月份不能超过完成时限")))
    races = sum(1 for m in milestones if m.is_race_checkpoint)
    if slots > 1 and races != 1:
        problems.append(("milestones", _("多个揭榜名额（赛马制）须指定且只指定一个赛马比选节点")))
    if slots <= 1 and races:
        problems.append(("milestones", _("只有一个揭榜名额时不设赛马比选节点")))
    return problems


TEXT_FIELDS = {
    "title": _l("请填写榜单名称"),
    "field": _l("请选择产业领域"),
    "problem_statement": _l("请填写需要解决的技术问题"),
    "ip_terms": _l("请填写知识产权约定"),
    "eligibility": _l("请填写揭榜条件"),
    "contact_name": _l("请填写联系人"),
    "contact_phone": _l("请填写联系电话"),
}


def missing_text(obj, required: dict) -> list[Problem]:
    """(field, message) for each text attribute of ``obj`` named in ``required`` left blank."""
    return [(name, str(message)) for name, message in required.items()
            if not (getattr(obj, name, None) or "").strip()]


def completeness_problems(c) -> list[Problem]:
    """Rule 2: a published challenge has every field of stage 2."""
    problems = missing_text(c, TEXT_FIELDS)
    if getattr(c, "issuer_id", None) is None and getattr(c, "issuer", None) is None:
        problems.append(("issuer_id", _("请选择发榜单位")))
    if (getattr(c, "slots", None) or 0) < 1:
        problems.append(("slots", _("揭榜名额至少为1个")))
    return problems


_INDICATOR_NUMBERING = re.compile(r"^\s*(?:[（(]?\d{1,2}[)）.、．]|[一二三四五六七八九十]{1,3}[、.．]|[-•·*])\s*")
_INDICATOR = re.compile(
    r"^(?P<name>.+?)\s*(?P<op>≥|>=|≧|不低于|不小于|不少于|达到|大于等于|≤|<=|≦|不高于|不大于|不超过|小于等于|"
    r">|大于|高于|超过|<|小于|低于|=|为|等于)\s*(?P<value>[0-9]+(?:\.[0-9]+)?)\s*(?P<unit>[^\s，,；;。]{0,16})")
_OPS = {"≥": "ge", ">=": "ge", "≧": "ge", "不低于": "ge", "不小于": "ge", "不少于": "ge", "达到": "ge",
        "大于等于": "ge", "≤": "le", "<=": "le", "≦": "le", "不高于": "le", "不大于": "le", "不超过": "le",
        "小于等于": "le", ">": "gt", "大于": "gt", "高于": "gt", "超过": "gt", "<": "lt", "小于": "lt",
        "低于": "lt", "=": "eq", "为": "eq", "等于": "eq"}


def kpis_from_indicators(text: str, *, max_rows: int = 20, max_name: int = 200) -> list[KpiData]:
    """The demand's core indicators (one a line, as an enterprise writes them:
    "1. CO2矿化固定率≥90%") as draft KPI rows. A line with a comparison and a number
    gives name, comparator, target and unit; any other line becomes a row with only its
    name, for the bureau to complete (publication requires every target)."""
    rows: list[KpiData] = []
    for line in re.split(r"[\r\n；;]+", text or ""):
        line = _INDICATOR_NUMBERING.sub("", line).strip().rstrip("；;。，,")
        if not line:
            continue
        match = _INDICATOR.match(line)
        if match and match.group("name").strip():
            rows.append(KpiData(name=match.group("name").strip()[:max_name], comparator=_OPS[match.group("op")],
                                target_value=Decimal(match.group("value")), unit=match.group("unit")[:32]))
        else:
            rows.append(KpiData(name=line[:max_name], comparator="ge", target_value=None))
        if len(rows) >= max_rows:
            break
    names: set[str] = set()
    unique = []
    for row in rows:  # a repeated line would make the draft unsavable (names are unique)
        if row.name not in names:
            names.add(row.name)
            unique.append(row)
    return unique


def draft_problems(c, *, limits: Limits) -> list[Problem]:
    """What even a draft may not hold: values that are wrong, not merely missing.
    A draft is saved half-filled; completeness (rule 2) is checked at publication."""
    problems: list[Problem] = []
    if getattr(c, "issuer_id", None) is None:
        problems.append(("issuer_id", _("请选择发榜单位")))
    if not (getattr(c, "field", None) or "").strip():
        problems.append(("field", _("请选择产业领域")))
    if c.time_limit_months is not None:
        problems += time_limit_problems(c.time_limit_months, limits)
    if c.support_fen is not None and c.support_fen > limits.single_project_cap_fen:
        problems += [p for p in funding_problems(c.support_fen, 0, limits) if p[0] == "support_fen"]
    for name in ("support_fen", "issuer_funding_fen"):
        value = getattr(c, name)
        if value is not None and value < 0:
            problems.append((name, _("金额不能为负数")))
    if c.bid_opens_at is not None and c.bid_deadline_at is not None and c.bid_deadline_at <= c.bid_opens_at:
        problems.append(("bid_deadline_at", _("揭榜截止时间必须晚于开始时间")))
    names = [k.name for k in c.kpis if k.name]
    if len(set(names)) != len(names):
        problems.append(("kpis", _("考核指标名称不能重复")))
    return problems


def challenge_problems(c, *, now: datetime, limits: Limits,
                       published_at: datetime | None = None) -> list[Problem]:
    """Everything rules 2-5 ask of a challenge about to be (or already) published."""
    return (
        completeness_problems(c)
        + time_limit_problems(c.time_limit_months, limits)
        + funding_problems(c.support_fen, c.issuer_funding_fen, limits)
        + window_problems(c.bid_opens_at, c.bid_deadline_at, published_at=published_at or now,
                          now=now, limits=limits)
        + kpi_problems(list(c.kpis))
        + milestone_problems(list(c.milestone_template), slots=c.slots or 0,
                             time_limit_months=c.time_limit_months)
    )
