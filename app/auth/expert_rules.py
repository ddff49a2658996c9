"""Pure rules about experts: the employers that count for conflicts of interest
(rule 11), year checks and the text formats of the import file."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from ..core.fields import INDUSTRY_FIELDS
from .expert_models import MIN_YEAR

# Rule 11: same employer now or within this many years.
CONFLICT_LOOKBACK_YEARS = 3
MAX_FIELDS = len(INDUSTRY_FIELDS)
MAX_EMPLOYMENTS = 20
MAX_RELATIONSHIPS = 20


def employers_within(profile, years: int = CONFLICT_LOOKBACK_YEARS, on: date | None = None) -> set[int]:
    """Organisation ids the expert works for now or left within ``years`` before ``on``:
    the current employer plus every past employer whose end_year >= on.year - years."""
    from ..core.timeutil import local_today

    on = on or local_today()
    since = on.year - years
    ids = {e.organisation_id for e in profile.employments if e.end_year >= since and e.start_year <= on.year}
    if profile.employer_id is not None:
        ids.add(profile.employer_id)
    return ids


def declared_org_ids(profile) -> set[int]:
    """Organisations the expert declared a relationship with."""
    return {r.organisation_id for r in profile.relationships}


def year_problem(start: int | None, end: int | None, this_year: int) -> str | None:
    """A Chinese message when a start/end year pair is impossible, else None."""
    if start is None or end is None:
        return _("请填写起止年份")
    if not MIN_YEAR <= start <= this_year:
        return _("起始年份应在%(a)s到%(b)s之间", a=MIN_YEAR, b=this_year)
    if not MIN_YEAR <= end <= this_year:
        return _("结束年份应在%(a)s到%(b)s之间（不能晚于今年）", a=MIN_YEAR, b=this_year)
    if end < start:
        return _("结束年份不能早于起始年份")
    return None


_FIELD_SEPARATORS = re.compile(r"[、;；,，/\s]+")


def split_fields(text: str) -> list[str]:
    """专业领域 cell: "新材料、超硬材料" or "新材料;超硬材料" -> list, order kept, no duplicates."""
    seen: list[str] = []
    for part in _FIELD_SEPARATORS.split(text or ""):
        if part and part not in seen:
            seen.append(part)
    return seen


def unknown_fields(fields: list[str]) -> list[str]:
    return [f for f in fields if f not in INDUSTRY_FIELDS]


@dataclass(frozen=True)
class PastEmployer:
    credit_code: str
    start_year: int
    end_year: int


_HISTORY_ITEM = re.compile(r"^([0-9A-Za-z]{1,40})\s*[:：]\s*(\d{1,4})\s*[-–—~～至]\s*(\d{1,4})$")


def parse_history(text: str) -> tuple[list[PastEmployer], list[str]]:
    """历史工作单位 cell: "91410800XXXXXXXXXX:2015-2020;12410800YYYYYYYYYY:2020-2023".

    Returns (employers, problems); years are not range-checked here (see year_problem)."""
    employers, problems = [], []
    for raw in re.split(r"[;；\n]+", text or ""):
        item = raw.strip()
        if not item:
            continue
        match = _HISTORY_ITEM.match(item)
        if match is None:
            problems.append(_("“%(item)s”格式不正确，应为“信用代码:起始年-结束年”", item=item[:40]))
            continue
        code, start, end = match.groups()
        employers.append(PastEmployer(code.upper(), int(start), int(end)))
    return employers, problems
