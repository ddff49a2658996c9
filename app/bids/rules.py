"""Rules 1 and 4-10 of domain.md §4 for bids, as pure functions.

Each check returns ``(field, message)`` pairs (empty list = acceptable) so a form
can show the message next to the field it concerns. Inputs are plain values, never
the request or the database, so every boundary is easy to unit-test.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext as _

from ..core.money import format_yuan
from ..core.timeutil import format_local

Problem = tuple[str, str]


@dataclass(frozen=True)
class BidLimits:
    """The policy values bids are judged by (config defaults + admin overrides)."""

    min_agreement_total_fen: int
    single_project_cap_fen: int
    enterprise_self_funding_ratio: int
    academic_self_funding_ratio: int
    max_consortium_members: int
    bad_credit_lookback_years: int

    @classmethod
    def current(cls) -> "BidLimits":
        from ..core.policy import policy

        return cls(**{name: policy(name) for name in cls.__dataclass_fields__})

    def self_funding_ratio(self, lead_is_academic: bool) -> int:
        return self.academic_self_funding_ratio if lead_is_academic else self.enterprise_self_funding_ratio


# -- rule 1 -----------------------------------------------------------------------

def issuer_problems(issuer_credit_code: str, lead_credit_code: str,
                    member_credit_codes: list[str]) -> list[Problem]:
    """The issuing enterprise (same credit code) may not bid on its own challenge."""
    issuer = (issuer_credit_code or "").upper()
    if lead_credit_code.upper() == issuer:
        return [("organisation", _("发榜单位（统一社会信用代码相同）不得揭榜本单位发布的榜单（规则1）"))]
    if any(code.upper() == issuer for code in member_credit_codes):
        return [("member_ids", _("发榜单位（统一社会信用代码相同）不得作为联合体成员揭榜本单位发布的榜单（规则1）"))]
    return []


# -- rules 4-6 ----------------------------------------------------------------------

def budget_problems(*, fiscal_fen: int | None, issuer_fen: int | None, self_fen: int | None,
                    challenge_support_fen: int, challenge_issuer_funding_fen: int,
                    lead_is_academic: bool, limits: BidLimits) -> list[Problem]:
    problems: list[Problem] = []
    for name, value, label in (("fiscal_support", fiscal_fen, _("申请财政支持")),
                               ("issuer_funding", issuer_fen, _("发榜方投入")),
                               ("self_funding", self_fen, _("自筹资金"))):
        if value is None:
            problems.append((name, _("请填写%(what)s", what=label)))
        elif value < 0:
            problems.append((name, _("金额不能为负数")))
    if problems:
        return problems
    if fiscal_fen <= 0:
        problems.append(("fiscal_support", _("申请财政支持必须大于零")))
    if fiscal_fen > challenge_support_fen:  # rule 5
        problems.append(("fiscal_support", _("申请财政支持不得超过榜单支持金额%(cap)s（规则5）",
                                             cap=format_yuan(challenge_support_fen))))
    if fiscal_fen > limits.single_project_cap_fen:  # rule 5
        problems.append(("fiscal_support", _("申请财政支持不得超过单个项目上限%(cap)s（规则5）",
                                             cap=format_yuan(limits.single_project_cap_fen))))
    if issuer_fen > challenge_issuer_funding_fen:
        problems.append(("issuer_funding", _("发榜方投入不得超过榜单载明的发榜方投入%(cap)s",
                                             cap=format_yuan(challenge_issuer_funding_fen))))
    total = fiscal_fen + issuer_fen + self_fen
    if total < limits.min_agreement_total_fen:  # rule 4
        problems.append(("self_funding", _("协议总额（财政支持＋发榜方投入＋自筹）不得低于%(min)s，当前为%(total)s（规则4）",
                                           min=format_yuan(limits.min_agreement_total_fen),
                                           total=format_yuan(total))))
    ratio = limits.self_funding_ratio(lead_is_academic)
    if self_fen < ratio * fiscal_fen:  # rule 6
        who = _("高校、科研院所牵头") if lead_is_academic else _("企业牵头")
        problems.append(("self_funding", _("%(who)s时自筹资金不得低于财政支持的%(r)s倍，即至少%(min)s（规则6）",
                                           who=who, r=ratio, min=format_yuan(ratio * fiscal_fen))))
    return problems


def agreement_total(fiscal_fen: int | None, issuer_fen: int | None, self_fen: int | None) -> int:
    return (fiscal_fen or 0) + (issuer_fen or 0) + (self_fen or 0)


# -- rule 7 -------------------------------------------------------------------------

def consortium_problems(lead_id: int, member_ids: list[int], max_members: int) -> list[Problem]:
    problems: list[Problem] = []
    if lead_id in member_ids:
        problems.append(("member_ids", _("牵头单位不能同时作为联合体成员（规则7）")))
    if len(set(member_ids)) != len(member_ids):
        problems.append(("member_ids", _("同一单位不能在联合体中出现两次（规则7）")))
    if len(set(member_ids) - {lead_id}) > max_members:
        problems.append(("member_ids", _("联合体成员（不含牵头单位）最多%(n)s家（规则7）", n=max_members)))
    return problems


# -- who may bid ------------------------------------------------------------------------

# Enterprises, universities, research institutes and new-type R&D institutes take up
# challenges (domain.md §2); government bodies never do, alone or in a consortium.
ELIGIBLE_ORG_TYPES = frozenset({"enterprise", "university", "institute", "new_rd_institute"})


def org_type_problems(lead: tuple[str, str], members: list[tuple[str, str]]) -> list[Problem]:
    """``lead`` and ``members``: (name, organisation type value)."""
    problems: list[Problem] = []
    if lead[1] not in ELIGIBLE_ORG_TYPES:
        problems.append(("organisation", _("%(name)s不是企业、高校、科研院所或新型研发机构，不能揭榜", name=lead[0])))
    problems += [("member_ids", _("%(name)s不是企业、高校、科研院所或新型研发机构，不能作为联合体成员", name=name))
                 for name, kind in members if kind not in ELIGIBLE_ORG_TYPES]
    return problems


# -- rule 8 -------------------------------------------------------------------------

def bad_credit_problems(records: dict[str, list[date]], years: int, field: str = "organisation") -> list[Problem]:
    """``records``: organisation name -> dates of its bad-credit records within the window."""
    return [(field, _("%(name)s在近%(y)s年内有失信记录（%(d)s），不得揭榜（规则8）",
                      name=name, y=years, d=max(days).isoformat()))
            for name, days in records.items() if days]


# -- rule 9 -------------------------------------------------------------------------

def kpi_problems(kpi_names: dict[int, str], answers: dict[int, tuple[Decimal | None, str]]) -> list[Problem]:
    """Every KPI of the challenge needs a proposed value and how it will be verified."""
    problems: list[Problem] = []
    for kpi_id, name in kpi_names.items():
        value, method = answers.get(kpi_id, (None, ""))
        if value is None or not (method or "").strip():
            problems.append(("kpis", _("考核指标“%(name)s”未作答：须填写承诺值和验证方式（规则9）", name=name)))
    return problems


def misses_target(comparator: str, target: Decimal, value: Decimal) -> bool:
    """Whether a committed ``value`` falls short of the KPI's target in its direction
    (comparator ``ge`` ≥, ``gt`` >, ``le`` ≤, ``lt`` <, ``eq`` =)."""
    met = {"ge": value >= target, "gt": value > target, "le": value <= target, "lt": value < target,
           "eq": value == target}[comparator]
    return not met


# -- rule 10 ------------------------------------------------------------------------

def window_problems(now: datetime, opens_at: datetime | None, deadline_at: datetime | None) -> list[Problem]:
    """Judged by the server clock; times are shown in Asia/Shanghai with the zone."""
    if opens_at is not None and now < opens_at:
        return [("deadline", _("揭榜尚未开始，开始时间为%(t)s", t=format_local(opens_at)))]
    if deadline_at is None or now >= deadline_at:
        return [("deadline", _("揭榜已于%(t)s截止，不再接受提交、修改或撤回（规则10）",
                               t=format_local(deadline_at)))]
    return []


# -- milestone plan -------------------------------------------------------------------

def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass
class PlannedMilestone:
    name: str
    due_on: date | None
    tranche_percent: int | None
    deliverable: str = ""


def milestone_problems(milestones: list[PlannedMilestone], *, start: date,
                       time_limit_months: int) -> list[Problem]:
    """Dates from ``start`` (the bid deadline) to the end of the time limit, in order;
    tranche percentages between 0 and 100 summing to exactly 100."""
    if not milestones:
        return [("milestones", _("请填写里程碑计划"))]
    end = add_months(start, time_limit_months)
    problems: list[Problem] = []
    previous: date | None = None
    total = 0
    for m in milestones:
        if m.due_on is None:
            problems.append(("milestones", _("里程碑“%(name)s”须填写计划完成日期", name=m.name)))
        elif not start <= m.due_on <= end:
            problems.append(("milestones", _("里程碑“%(name)s”的日期须在%(a)s至%(b)s之间（揭榜截止日起，完成时限%(n)s个月）",
                                             name=m.name, a=start.isoformat(), b=end.isoformat(),
                                             n=time_limit_months)))
        elif previous is not None and m.due_on < previous:
            problems.append(("milestones", _("里程碑“%(name)s”的日期不能早于前一个里程碑", name=m.name)))
        if m.due_on is not None:
            previous = m.due_on
        if m.tranche_percent is None or not 0 <= m.tranche_percent <= 100:
            problems.append(("milestones", _("里程碑“%(name)s”的拨付比例须为0到100之间的整数", name=m.name)))
        else:
            total += m.tranche_percent
        if not (m.deliverable or "").strip():
            problems.append(("milestones", _("里程碑“%(name)s”须填写交付成果", name=m.name)))
    if total != 100:
        problems.append(("milestones", _("各里程碑拨付比例之和须为100%%，当前为%(n)s%%", n=total)))
    return problems
