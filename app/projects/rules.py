"""Pure rules of projects (no database): milestone-report criteria and aggregation,
KPI judgement and plausibility of measured values, extension (rule 18), acceptance
deadline, health of a project (on track / at risk / overdue), the race comparison."""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable, Sequence

from flask_babel import lazy_gettext as _l

Problem = tuple[str, str]
CENT = Decimal("0.01")

# Milestone-report criteria: key, label, maximum score (the maxima sum to 100).
CRITERIA: tuple[tuple[str, object, int], ...] = (
    ("progress", _l("进度完成情况"), 40),
    ("kpi", _l("考核指标进展"), 30),
    ("funds", _l("资金使用规范性"), 15),
    ("deliverables", _l("阶段成果交付"), 15),
)
CRITERION_MAX = {key: maximum for key, _label, maximum in CRITERIA}
PASS_MARK = Decimal(60)

# Bounds of a measured KPI value anyone may type (beyond them it is a typing error).
MEASURE_LIMIT = Decimal(10) ** 12
# A measured value more than this many times the target is implausible (wrong unit?).
ABSURD_FACTOR = Decimal(1000)
# Milestones due within this many days without a report put a project "at risk".
AT_RISK_DAYS = 14
REMIND_DAYS = 7
PANEL_SIZE = 3


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# -- scores --------------------------------------------------------------------------------

def score_problems(scores: dict[str, Decimal | None]) -> list[Problem]:
    problems = []
    for key, label, maximum in CRITERIA:
        value = scores.get(key)
        if value is None:
            problems.append((key, str(_l("请为“%(c)s”评分", c=label))))
        elif not (0 <= value <= maximum):
            problems.append((key, str(_l("“%(c)s”的得分应在0到%(m)s之间", c=label, m=maximum))))
    return problems


def aggregate(totals: Sequence[Decimal]) -> Decimal | None:
    """Rule 12's aggregation: with >= 5 scores drop one highest and one lowest, then average."""
    values = sorted(totals)
    if not values:
        return None
    if len(values) >= 5:
        values = values[1:-1]
    return (sum(values, Decimal(0)) / len(values)).quantize(CENT, ROUND_HALF_UP)


# -- KPIs ----------------------------------------------------------------------------------

def kpi_met(comparator: str, target: Decimal, value: Decimal | None) -> bool | None:
    if value is None:
        return None
    return {"ge": value >= target, "gt": value > target, "le": value <= target,
            "lt": value < target, "eq": value == target}[comparator]


def kpi_progress(comparator: str, target: Decimal, value: Decimal | None) -> Decimal | None:
    """How far the measured value has come toward the target, 0..1 (1 = met)."""
    if value is None:
        return None
    if kpi_met(comparator, target, value):
        return Decimal(1)
    if comparator in ("ge", "gt"):
        ratio = value / target if target > 0 else Decimal(0)
    elif comparator in ("le", "lt"):
        ratio = target / value if value > 0 else Decimal(0)
    else:
        ratio = Decimal(1) - abs(value - target) / abs(target) if target else Decimal(0)
    return min(max(ratio, Decimal(0)), Decimal(1)).quantize(Decimal("0.001"), ROUND_HALF_UP)


def measured_problems(field: str, name: str, unit: str, target: Decimal, value: Decimal | None,
                      *, required: bool = True) -> list[Problem]:
    """A measured value that is missing, outside every plausible range or absurd next to
    its target (a percentage above 100, a thousand times the target)."""
    if value is None:
        return [(field, str(_l("请填写指标“%(n)s”的实测值", n=name)))] if required else []
    if not value.is_finite() or abs(value) > MEASURE_LIMIT:
        return [(field, str(_l("指标“%(n)s”的实测值超出合理范围", n=name)))]
    if unit.strip() in ("%", "％") and not (0 <= value <= 100):
        return [(field, str(_l("指标“%(n)s”以百分比计，实测值应在0到100之间", n=name)))]
    if target and abs(value) > ABSURD_FACTOR * abs(target):
        return [(field, str(_l("指标“%(n)s”的实测值是目标值的1000倍以上，请检查单位或数值", n=name)))]
    return []


# -- extension (rule 18) -------------------------------------------------------------------

def extension_problems(months: int | None, max_months: int, *, already_requested: bool) -> list[Problem]:
    if already_requested:
        return [("months", str(_l("每个项目只能申请一次延期，本项目已申请过")))]
    if months is None or months < 1:
        return [("months", str(_l("请填写延期月数（至少1个月）")))]
    if months > max_months:
        return [("months", str(_l("延期不能超过%(n)s个月", n=max_months)))]
    return []


def shifted(due_on: date, months: int, after: date) -> date:
    """A milestone due after ``after`` (the decision day) moves by ``months``; earlier
    ones (already due) stay."""
    return add_months(due_on, months) if due_on > after else due_on


def acceptance_due_on(end_on: date, months: int) -> date:
    return add_months(end_on, months)


# -- health -------------------------------------------------------------------------------

class Health:
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OVERDUE = "overdue"
    ENDED = "ended"


HEALTH_LABELS = {Health.ON_TRACK: _l("正常"), Health.AT_RISK: _l("有风险"), Health.OVERDUE: _l("逾期"),
                 Health.ENDED: _l("已结束")}


@dataclass(frozen=True)
class MilestoneFacts:
    state: str
    report_due_on: date


def health(*, active: bool, milestones: Iterable[MilestoneFacts], today: date, end_on: date,
           final_submitted: bool, acceptance_due: date) -> str:
    if not active:
        return Health.ENDED
    milestones = list(milestones)
    waiting = [m for m in milestones if m.state in ("pending", "needs_fix")]
    if any(today > m.report_due_on for m in waiting):
        return Health.OVERDUE
    if not final_submitted and today > acceptance_due:
        return Health.OVERDUE
    if any(m.state in ("needs_fix", "failed") for m in milestones):
        return Health.AT_RISK
    if any(m.report_due_on - timedelta(days=AT_RISK_DAYS) <= today for m in waiting):
        return Health.AT_RISK
    if not final_submitted and today >= end_on:
        return Health.AT_RISK
    return Health.ON_TRACK


def reminder_kind(due: date, today: date) -> str | None:
    """Which reminder a report due on ``due`` calls for today: due in 7 days, due today, overdue."""
    if today == due - timedelta(days=REMIND_DAYS):
        return "due7"
    if today == due:
        return "due0"
    if today > due:
        return "overdue"
    return None
