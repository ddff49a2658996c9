"""Every change of expert profiles (专家档案). Nothing here commits.

Organisations are given by their 18-character credit codes and resolved to rows here,
so a profile only ever refers to registered organisations."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core.errors import AppError, Forbidden, InvalidInput
from ..core import credit_code as cc
from ..core.audit import record_event, register_labels
from ..core.timeutil import local_today
from ..extensions import db
from .expert_models import ExpertEmployment, ExpertField, ExpertProfile, ExpertRelationship
from .expert_rules import MAX_EMPLOYMENTS, MAX_RELATIONSHIPS, unknown_fields, year_problem
from .models import Organisation, Role

register_labels(
    actions={"expert_profile_created": _l("建立专家档案"), "expert_profile_updated": _l("修改专家档案"),
             "expert_enabled": _l("专家入库"), "expert_disabled": _l("专家出库"),
             "experts_imported": _l("批量导入专家")},
    entities={"expert_profiles": _l("专家档案")},
)


class ExpertError(AppError):
    """A refused change; ``str(exc)`` is shown; ``problems`` are (field, message) pairs."""


class ExpertInvalid(ExpertError, InvalidInput):
    """Input breaks a rule (400)."""

    def __init__(self, problems):
        InvalidInput.__init__(self, list(problems))


class ExpertForbidden(ExpertError, Forbidden):
    status = 403


@dataclass
class ExpertData:
    """The editable content of a profile, as the form, the import or a test supplies it."""

    title: str | None = None
    employer_code: str | None = None
    fields: list[str] = field(default_factory=list)
    employments: list[tuple[str, int, int]] = field(default_factory=list)  # (credit code, start, end)
    relationships: list[tuple[str, str]] = field(default_factory=list)  # (credit code, reason)


def find_organisation(code: str) -> tuple[Organisation | None, str | None]:
    """The registered organisation with this credit code, or (None, a Chinese reason)."""
    code = cc.normalise(code)
    if not code.isprintable():
        return None, _("统一社会信用代码含有不可见的控制字符")
    problem = cc.validation_error(code)
    if problem:
        return None, problem
    org = Organisation.query.filter_by(credit_code=code).first()
    if org is None:
        return None, _("信用代码%(code)s的单位尚未登记，请先由管理员登记该单位", code=code)
    return org, None


def check_data(data: ExpertData, this_year: int | None = None) -> tuple[dict, list]:
    """Resolve credit codes and check every value. Returns (resolved, problems)."""
    this_year = this_year or local_today().year
    problems: list = []
    resolved: dict = {"employer": None, "employments": [], "relationships": []}
    if data.title and len(data.title) > 64:
        problems.append(("title", _("职称不能超过64个字符")))
    if data.employer_code:
        org, problem = find_organisation(data.employer_code)
        if problem:
            problems.append(("employer_code", _("现工作单位：%(p)s", p=problem)))
        resolved["employer"] = org
    bad = unknown_fields(data.fields)
    if bad:
        problems.append(("fields", _("未知的专业领域：%(f)s", f="、".join(b[:20] for b in bad[:5]))))
    if len(set(data.fields)) != len(data.fields):
        problems.append(("fields", _("专业领域有重复")))
    if len(data.employments) > MAX_EMPLOYMENTS:
        problems.append(("employments", _("历史工作单位最多%(n)s条", n=MAX_EMPLOYMENTS)))
    seen = set()
    for index, (code, start, end) in enumerate(data.employments[:MAX_EMPLOYMENTS], start=1):
        org, problem = find_organisation(code)
        problem = problem or year_problem(start, end, this_year)
        if problem is None and (org.id, start) in seen:
            problem = _("与前面的记录重复")
        if problem:
            problems.append(("employments", _("历史工作单位第%(n)s条：%(p)s", n=index, p=problem)))
            continue
        seen.add((org.id, start))
        resolved["employments"].append((org, start, end))
    if len(data.relationships) > MAX_RELATIONSHIPS:
        problems.append(("relationships", _("利害关系最多%(n)s条", n=MAX_RELATIONSHIPS)))
    declared = set()
    for index, (code, reason) in enumerate(data.relationships[:MAX_RELATIONSHIPS], start=1):
        org, problem = find_organisation(code)
        reason = (reason or "").strip()
        if problem is None and not reason:
            problem = _("请填写关系说明")
        if problem is None and len(reason) > 500:
            problem = _("关系说明不能超过500个字符")
        if problem is None and org.id in declared:
            problem = _("同一单位只需申报一次")
        if problem:
            problems.append(("relationships", _("利害关系第%(n)s条：%(p)s", n=index, p=problem)))
            continue
        declared.add(org.id)
        resolved["relationships"].append((org, reason))
    return resolved, problems


def _snapshot(profile: ExpertProfile | None) -> dict:
    """Plain values of a profile, for the audit trail's old -> new changes."""
    if profile is None:
        return {"title": None, "employer": None, "fields": [], "employments": [], "relationships": [],
                "is_active": None}
    return {
        "title": profile.title,
        "employer": profile.employer.credit_code if profile.employer else None,
        "fields": sorted(profile.fields),
        "employments": sorted(f"{e.organisation.credit_code}:{e.start_year}-{e.end_year}" for e in profile.employments),
        "relationships": sorted(f"{r.organisation.credit_code}:{r.reason}" for r in profile.relationships),
        "is_active": profile.is_active,
    }


def changes_between(old: dict, new: dict) -> dict:
    return {key: [old.get(key), new[key]] for key in new if old.get(key) != new[key]}


def save_expert_profile(expert, data: ExpertData, *, actor, is_active: bool | None = None) -> ExpertProfile:
    """Create or replace ``expert``'s profile. ``is_active`` (在库) is changed only by
    bureau staff and admins; None keeps it. Raises ExpertInvalid with every problem."""
    from .expert_models import can_edit_expert

    if expert.role is not Role.EXPERT:
        raise ExpertInvalid([("user", _("只有评审专家账号才能建立专家档案"))])
    if actor is not None and not can_edit_expert(actor, expert):
        raise ExpertForbidden(_("无权修改该专家档案"))
    if is_active is not None and actor is not None and actor.role not in (Role.BUREAU, Role.ADMIN):
        raise ExpertForbidden(_("只有科技局工作人员可以调整专家在库状态"))
    resolved, problems = check_data(data)
    if problems:
        raise ExpertInvalid(problems)
    profile = expert.expert_profile
    old = _snapshot(profile)
    created = profile is None
    if created:
        profile = ExpertProfile(user=expert, is_active=True if is_active is None else is_active)
        db.session.add(profile)
    elif is_active is not None:
        profile.is_active = is_active
    profile.title = (data.title or "").strip() or None
    profile.employer = resolved["employer"]
    wanted_fields = list(data.fields)
    for row in list(profile.field_rows):
        if row.field not in wanted_fields:
            profile.field_rows.remove(row)
    have = set(profile.fields)
    for f in wanted_fields:
        if f not in have:
            profile.field_rows.append(ExpertField(field=f))
    profile.employments.clear()
    profile.relationships.clear()
    db.session.flush()  # delete old rows before re-adding rows with the same unique keys
    for org, start, end in resolved["employments"]:
        profile.employments.append(ExpertEmployment(organisation=org, start_year=start, end_year=end))
    for org, reason in resolved["relationships"]:
        profile.relationships.append(ExpertRelationship(organisation=org, reason=reason))
    db.session.flush()
    new = _snapshot(profile)
    changes = changes_between(old, new)
    if created:
        record_event(profile, "expert_profile_created", actor=actor, data={"changes": changes})
    elif changes:
        record_event(profile, "expert_profile_updated", actor=actor, data={"changes": changes})
    return profile


def set_expert_active(profile: ExpertProfile, active: bool, *, actor, reason: str | None = None) -> None:
    """入库 / 出库: only active experts may be drawn for review panels."""
    if actor is not None and actor.role not in (Role.BUREAU, Role.ADMIN):
        raise ExpertForbidden(_("只有科技局工作人员可以调整专家在库状态"))
    if profile.is_active == active:
        return
    profile.is_active = active
    record_event(profile, "expert_enabled" if active else "expert_disabled", actor=actor, reason=reason,
                 data={"changes": {"is_active": [not active, active]}})
