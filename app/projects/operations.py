"""Every state change of a project's lifecycle: approval, agreement and signing,
extension, termination and revocation, the horse race's down-select. Nothing here
commits; the request (or the command's unit of work) commits once.

Milestone reports, expert scoring and acceptance are in ``reporting.py``.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from ..auth.models import Role
from ..auth.operations import add_bad_credit_record
from ..core.audit import record_event, register_labels
from ..core.errors import AppError, InvalidInput, StateConflict
from ..core.money import MAX_AMOUNT_FEN
from ..core.policy import policy
from ..core.timeutil import chinese_date, local_today, to_local, utcnow
from ..core.transitions import TransitionError, transition
from ..documents.operations import issue_document
from ..extensions import db
from ..notifications.operations import notify, users_of_organisations, users_with_role
from . import award_source, files, rules, signals
from . import documents as project_documents
from . import notifications as _kinds  # noqa: F401  (registers the notification kinds)
from .models import (OPEN_MILESTONES, ExtensionState, MilestoneState, Project, ProjectExtension, ProjectKpi,
                     ProjectMember, ProjectMilestone, ProjectState, RaceDecision, RaceOutcome, ReportState,
                     Termination, TerminationKind, TerminationReason)

register_labels(
    actions={"project_approved": _l("立项"), "agreement_uploaded": _l("上传揭榜协议"),
             "project_signed": _l("登记协议签订"), "extension_requested": _l("申请延期"),
             "extension_decided": _l("审批延期"), "race_decided": _l("赛马比较决定"),
             "report_submitted": _l("提交里程碑报告"), "panel_drawn": _l("抽取评审专家"),
             "report_scored": _l("专家评分"), "acceptance_submitted": _l("提交验收材料"),
             "acceptance_decided": _l("验收结论"), "project_terminated": _l("终止项目"),
             "project_revoked": _l("撤销项目")},
    entities={"projects": _l("项目"), "project_milestones": _l("里程碑"), "milestone_reports": _l("里程碑报告"),
              "report_reviews": _l("里程碑评审"), "project_extensions": _l("延期申请"),
              "project_acceptances": _l("验收"), "race_decisions": _l("赛马比较")},
)


class ProjectError(AppError):
    """A refused project operation (the core maps it to its HTTP status)."""


class ProjectInvalid(ProjectError, InvalidInput):
    def __init__(self, problems):
        InvalidInput.__init__(self, list(problems))


class ProjectConflict(ProjectError, StateConflict):
    status = 409


class UploadTooLarge(ProjectError):
    status = 413


def move(obj, to, actor, reason=None, **data) -> None:
    try:
        transition(obj, to, actor, reason, data=data or None)
    except TransitionError as exc:
        raise ProjectConflict(str(exc)) from None


def checked_upload(check, stream, filename, field: str):
    try:
        return check(stream, filename)
    except files.UploadRejected as exc:
        if exc.status == 413:
            raise UploadTooLarge(str(exc)) from None
        raise ProjectInvalid([(field, str(exc))]) from None


def team_of(project) -> list[int]:
    return users_of_organisations([project.organisation_id])


def bureau_staff() -> list[int]:
    return users_with_role(Role.BUREAU)


def date_text(day: date) -> str:
    return chinese_date(day)


# -- approval (立项) ---------------------------------------------------------------------------

def projects_of(challenge) -> list[Project]:
    return list(db.session.scalars(sa.select(Project).where(Project.challenge_id == challenge.id)
                                   .order_by(Project.id)))


def _project_from_bid(bid, *, actor, today: date) -> Project:
    version = bid.latest_version
    snap = version.snapshot
    challenge = bid.challenge
    leader = snap["leader"]
    milestones = snap["milestones"]
    dues = [date.fromisoformat(m["due_on"]) for m in milestones if m["due_on"]]
    planned_end = rules.add_months(to_local(challenge.bid_deadline_at).date(), challenge.time_limit_months)
    end_on = max([planned_end, *dues])
    if end_on <= today:
        raise ProjectConflict(_("揭榜方案的实施期已经结束，不能据此立项"))
    budget = snap["budget"]
    project = Project(
        challenge_id=challenge.id, bid_id=bid.id, bid_version_no=version.version_no,
        organisation_id=bid.organisation_id, state=ProjectState.PREPARING, title=snap["title"][:200],
        leader="，".join(p for p in (leader["name"], leader["title"], leader["phone"]) if p)[:300],
        fiscal_support_fen=budget["fiscal_support_fen"] or 0, issuer_funding_fen=budget["issuer_funding_fen"] or 0,
        self_funding_fen=budget["self_funding_fen"] or 0, ip_terms=challenge.ip_terms, start_on=today,
        original_end_on=end_on, end_on=end_on, approved_by_id=actor.id)
    for position, member in enumerate(snap["members"], 1):
        project.members.append(ProjectMember(organisation_id=member["id"], position=position))
    kpis = {k.id: k for k in challenge.kpis}
    for position, answer in enumerate(snap["kpis"], 1):
        kpi = kpis.get(answer["kpi_id"])
        if kpi is None:
            raise ProjectConflict(_("榜单的考核指标在申报提交后已变更，请先处理变更"))
        project.kpis.append(ProjectKpi(
            position=position, name=kpi.name, comparator=kpi.comparator.value, target_value=kpi.target_value,
            committed_value=Decimal(answer["proposed_value"]) if answer["proposed_value"] is not None else None,
            unit=kpi.unit, verification=answer["verification"] or ""))
    for position, m in enumerate(milestones, 1):
        due = date.fromisoformat(m["due_on"])
        project.milestones.append(ProjectMilestone(
            position=position, name=m["name"], original_due_on=due, due_on=due, deliverable=m["deliverable"] or "",
            tranche_percent=m["tranche_percent"] or 0, is_race_checkpoint=bool(m["is_race_checkpoint"]),
            state=MilestoneState.PENDING))
    return project


def approve_projects(challenge, *, actor, now: datetime | None = None) -> list[Project]:
    """立项: one project per winning bid, prepared from its submitted version. Only when
    the publicity has ended and every objection is resolved (rule 14)."""
    now = now or utcnow()
    blockers = award_source.approval_blockers(challenge, now)
    if blockers:
        raise ProjectConflict("；".join(blockers))
    winners = award_source.winning_bids(challenge)
    if not winners:
        raise ProjectConflict(_("该榜单没有可立项的揭榜方"))
    if len(winners) > challenge.slots:
        raise ProjectConflict(_("揭榜方数量超过榜单的赛马名额（规则13）"))
    existing = {p.bid_id for p in projects_of(challenge)}
    today = to_local(now).date()
    created = []
    for bid in winners:
        if bid.id in existing:
            continue
        project = _project_from_bid(bid, actor=actor, today=today)
        db.session.add(project)
        try:
            with db.session.begin_nested():
                db.session.flush()
        except IntegrityError:
            raise ProjectConflict(_("该揭榜方已经立项，请刷新页面")) from None
        record_event(project, "project_approved", actor=actor, data={"bid_id": bid.id,
                                                                     "version": project.bid_version_no})
        notify("project.approved", team_of(project), title=project.title, project_id=project.id)
        created.append(project)
    if not created:
        raise ProjectConflict(_("该榜单的揭榜方均已立项"))
    from ..challenges.models import ChallengeState

    if challenge.state is ChallengeState.AWARDED:
        transition(challenge, ChallengeState.IN_PROGRESS, actor, None)
    return created


# -- the agreement ---------------------------------------------------------------------------

def upload_agreement(project: Project, stream, filename: str | None, *, actor,
                     now: datetime | None = None) -> Project:
    """The parties' signed and sealed agreement: a PDF (judged by content)."""
    if project.state is not ProjectState.PREPARING:
        raise ProjectConflict(_("协议已签订或项目已结束，不能再上传协议"))
    checked = checked_upload(files.check_pdf, stream, filename, "file")
    digest = files.store().put(checked.data)
    project.agreement_name, project.agreement_sha256 = checked.display_name, digest
    project.agreement_size, project.agreement_uploaded_at = len(checked.data), now or utcnow()
    record_event(project, "agreement_uploaded", actor=actor, data={"sha256": digest, "size": len(checked.data)})
    return project


def agreement_context(project: Project) -> dict:
    return {
        "project_title": project.title, "challenge_title": project.challenge.title,
        "issuer_name": project.challenge.issuer.name, "lead_name": project.organisation.name,
        "members": [m.organisation.name for m in project.members],
        "fiscal_support_fen": project.fiscal_support_fen, "issuer_funding_fen": project.issuer_funding_fen,
        "self_funding_fen": project.self_funding_fen,
        "period_text": f"{date_text(project.start_on)}至{date_text(project.end_on)}",
        "signed_text": date_text(project.signed_on),
        "kpis": [{"name": k.name, "target": f"{_symbol(k.comparator)}{_plain(k.target_value)}{k.unit}",
                  "committed": f"{_plain(k.committed_value)}{k.unit}" if k.committed_value is not None else "—"}
                 for k in project.kpis],
        "milestones": [{"name": m.name, "due_text": date_text(m.due_on), "deliverable": m.deliverable or "—",
                        "tranche_percent": m.tranche_percent} for m in project.milestones],
        "ip_terms": project.ip_terms or "按揭榜协议约定执行。",
    }


SYMBOLS = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<", "eq": "="}


def _symbol(comparator: str) -> str:
    return SYMBOLS.get(comparator, "")


def _plain(value) -> str:
    return "—" if value is None else format(value.normalize(), "f")


def sign_project(project: Project, *, signed_on: date | None, actor, now: datetime | None = None) -> Project:
    """The bureau records the signing date: the project starts, the joint 立项通知书 and
    the 合同摘要 are issued, finance is told (``project_signed``)."""
    now = now or utcnow()
    today = to_local(now).date()
    problems = []
    if signed_on is None:
        problems.append(("signed_on", _("请填写协议签订日期")))
    elif signed_on > today:
        problems.append(("signed_on", _("签订日期不能晚于今天")))
    elif signed_on < to_local(project.created_at).date():
        problems.append(("signed_on", _("签订日期不能早于立项日期")))
    if project.agreement_sha256 is None:
        problems.append(("signed_on", _("揭榜单位尚未上传签字盖章的揭榜协议（PDF）")))
    if problems:
        raise ProjectInvalid(problems)
    project.signed_on = signed_on
    move(project, ProjectState.RUNNING, actor, None, signed_on=signed_on.isoformat())
    context = agreement_context(project)
    issue_document("project_approval", context, subject=project, actor=actor,
                   addressee=project.organisation.name, cc=[project.challenge.issuer.name])
    issue_document("contract_summary", context, subject=project, actor=actor, addressee="市财政局")
    signals.project_signed.send(project)
    notify("project.signed", team_of(project), title=project.title, project_id=project.id,
           signed=date_text(signed_on))
    return project


# -- ending a project early ------------------------------------------------------------------

def end_project(project: Project, to: ProjectState, *, actor, reason: str, signal_reason: str,
                now: datetime | None = None) -> None:
    """Move the project to an end state, cancel its open milestones and void its reports
    in review, and tell finance (``project_ended``: unpaid tranches are cancelled)."""
    now = now or utcnow()
    with db.session.no_autoflush:  # state and ended_at change together (CHECK ended_has_time)
        project.ended_at = now
        move(project, to, actor, reason)
    note = _("项目已结束：%(s)s", s=to.label)
    for milestone in project.milestones:
        if milestone.state in OPEN_MILESTONES:
            report = milestone.latest_report
            if report is not None and report.state in (ReportState.SUBMITTED, ReportState.UNDER_REVIEW):
                move(report, ReportState.VOID, actor, note)
            move(milestone, MilestoneState.CANCELLED, actor, note)
    signals.project_ended.send(project, reason=signal_reason)


def _paid(project) -> int:
    from .money import paid_fen

    return paid_fen(project)


def _amount(value: int | None, field: str) -> int:
    if value is None or value < 0 or value > MAX_AMOUNT_FEN:
        raise ProjectInvalid([(field, _("请填写有效的金额"))])
    return value


def terminate_project(project: Project, *, reason_code: TerminationReason | None, explanation: str,
                      is_tolerated: bool, refund_fen: int | None, actor, now: datetime | None = None) -> Termination:
    """Voluntary termination for a legitimate reason, with the 容错 decision and the
    leftover funds to return."""
    explanation = (explanation or "").strip()
    problems = []
    if reason_code is None:
        problems.append(("reason_code", _("请选择终止原因")))
    if not explanation:
        problems.append(("explanation", _("请说明终止的具体情况")))
    if problems:
        raise ProjectInvalid(problems)
    refund = _amount(refund_fen, "refund")
    if refund > project.fiscal_support_fen:
        raise ProjectInvalid([("refund", _("退回结余资金不能超过财政支持资金"))])
    if not project.is_active:
        raise ProjectConflict(_("项目已结束，不能终止"))
    termination = Termination(project=project, kind=TerminationKind.VOLUNTARY, reason_code=reason_code,
                              explanation=explanation, is_tolerated=is_tolerated, refund_fen=refund,
                              recover_fen=0, decided_by_id=actor.id, decided_at=now or utcnow())
    db.session.add(termination)
    reason = f"{reason_code.label}：{explanation}"
    end_project(project, ProjectState.TERMINATED, actor=actor, reason=reason, signal_reason="terminated", now=now)
    tolerance = (_("经研究，项目承担单位已勤勉尽责，予以容错免责。") if is_tolerated
                 else _("经研究，不适用容错免责。"))
    termination.document_id = issue_document(
        "termination_notice", {"verb": "终止", "project_title": project.title,
                               "challenge_title": project.challenge.title, "lead_name": project.organisation.name,
                               "reason": reason, "paid_fen": _paid(project), "refund_fen": refund,
                               "recover_fen": 0, "tolerance_text": tolerance},
        subject=project, actor=actor, addressee=project.organisation.name, cc=["市财政局"]).id
    record_event(project, "project_terminated", actor=actor, reason=reason,
                 data={"tolerated": is_tolerated, "refund_fen": refund})
    notify("project.ended", team_of(project), title=project.title, project_id=project.id,
           result=str(ProjectState.TERMINATED.label), reason=reason)
    return termination


def revoke_project(project: Project, *, explanation: str, recover_fen: int | None, actor,
                   now: datetime | None = None) -> Termination:
    """Revocation for misconduct: the amount to recover (追回) and a bad-credit record."""
    explanation = (explanation or "").strip()
    if not explanation:
        raise ProjectInvalid([("explanation", _("请说明撤销的事实和依据"))])
    recover = _amount(recover_fen, "recover")
    if recover > project.fiscal_support_fen:
        raise ProjectInvalid([("recover", _("追回金额不能超过财政支持资金"))])
    if not project.is_active:
        raise ProjectConflict(_("项目已结束，不能撤销"))
    today = local_today()
    record = add_bad_credit_record(project.organisation, recorded_on=today,
                                   reason=_("“揭榜挂帅”项目“%(t)s”被撤销：%(r)s", t=project.title, r=explanation)[:2000],
                                   source=_("市科技局项目撤销决定"), actor=actor)
    db.session.flush()
    termination = Termination(project=project, kind=TerminationKind.REVOKED, reason_code=None,
                              explanation=explanation, is_tolerated=None, refund_fen=0, recover_fen=recover,
                              bad_credit_record_id=record.id, decided_by_id=actor.id, decided_at=now or utcnow())
    db.session.add(termination)
    end_project(project, ProjectState.REVOKED, actor=actor, reason=explanation, signal_reason="revoked", now=now)
    termination.document_id = issue_document(
        "termination_notice", {"verb": "撤销", "project_title": project.title,
                               "challenge_title": project.challenge.title, "lead_name": project.organisation.name,
                               "reason": explanation, "paid_fen": _paid(project), "refund_fen": 0,
                               "recover_fen": recover},
        subject=project, actor=actor, addressee=project.organisation.name, cc=["市财政局"]).id
    record_event(project, "project_revoked", actor=actor, reason=explanation, data={"recover_fen": recover})
    notify("project.ended", team_of(project), title=project.title, project_id=project.id,
           result=str(ProjectState.REVOKED.label), reason=explanation)
    return termination


# -- extension (rule 18) -----------------------------------------------------------------------

def request_extension(project: Project, *, months: int | None, reason: str, actor,
                      now: datetime | None = None) -> ProjectExtension:
    reason = (reason or "").strip()
    problems = rules.extension_problems(months, policy("max_extension_months"),
                                        already_requested=project.extension is not None)
    if not reason:
        problems.append(("reason", _("请填写延期理由")))
    if problems:
        raise ProjectInvalid(problems)
    if project.state is not ProjectState.RUNNING:
        raise ProjectConflict(_("只有实施中的项目可以申请延期"))
    extension = ProjectExtension(project=project, months=months, reason=reason, state=ExtensionState.REQUESTED,
                                 requested_at=now or utcnow(), requested_by_id=actor.id)
    db.session.add(extension)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # a second request from another tab
        raise ProjectInvalid([("months", _("每个项目只能申请一次延期，本项目已申请过"))]) from None
    record_event(project, "extension_requested", actor=actor, reason=reason, data={"months": months})
    notify("extension.requested", bureau_staff(), title=project.title, project_id=project.id, months=months,
           reason=reason)
    return extension


def decide_extension(extension: ProjectExtension, *, approve: bool, note: str, actor,
                     now: datetime | None = None) -> ProjectExtension:
    """Approve (the end date and the later milestones move by the months) or refuse."""
    now = now or utcnow()
    note = (note or "").strip()
    project = extension.project
    if not approve and not note:
        raise ProjectInvalid([("note", _("不予批准时必须说明理由"))])
    if extension.state is not ExtensionState.REQUESTED:
        raise ProjectConflict(_("该延期申请已经审批"))
    if approve and project.state is not ProjectState.RUNNING:
        raise ProjectConflict(_("项目当前状态为“%(s)s”，不能延期", s=project.state.label))
    extension.decided_at, extension.decided_by_id, extension.decision_note = now, actor.id, note
    move(extension, ExtensionState.APPROVED if approve else ExtensionState.REJECTED, actor, note or None)
    if approve:
        today = to_local(now).date()
        old_end = project.end_on
        project.end_on = rules.add_months(project.end_on, extension.months)
        for milestone in project.milestones:
            if milestone.state in OPEN_MILESTONES:
                milestone.due_on = rules.shifted(milestone.due_on, extension.months, today)
        record_event(project, "extension_decided", actor=actor, reason=note or None,
                     data={"months": extension.months, "from": old_end.isoformat(), "to": project.end_on.isoformat()})
    notify("extension.decided", team_of(project), title=project.title, project_id=project.id,
           result=str(extension.state.label), note=note, end=date_text(project.end_on))
    return extension


# -- the horse race ---------------------------------------------------------------------------

def checkpoint_of(project: Project) -> ProjectMilestone | None:
    marked = [m for m in project.milestones if m.is_race_checkpoint]
    return marked[0] if marked else (project.milestones[0] if project.milestones else None)


def race_blockers(challenge) -> list[str]:
    """Why the comparison cannot be decided yet (empty: it can)."""
    if challenge.slots <= 1:
        return [_("单一名额的榜单不进行赛马比较")]
    if db.session.scalar(sa.select(RaceDecision.id).where(RaceDecision.challenge_id == challenge.id)):
        return [_("该榜单的赛马比较已经决定")]
    running = [p for p in projects_of(challenge) if p.state is ProjectState.RUNNING]
    if len(running) < 2:
        return [_("实施中的并行项目少于2个，无需比较")]
    reasons = []
    for project in running:
        checkpoint = checkpoint_of(project)
        if checkpoint is None or checkpoint.state not in (MilestoneState.PASSED, MilestoneState.FAILED):
            reasons.append(_("“%(t)s”的比较节点里程碑尚未完成评估", t=project.title))
    return reasons


def decide_race(challenge, decisions: dict[int, tuple[bool, str]], *, summary: str, actor,
                now: datetime | None = None) -> RaceDecision:
    """淘汰 at the checkpoint: ``decisions`` maps every running project's id to
    (continues, reason). Eliminated projects end (notice issued, tranches cancelled)."""
    now = now or utcnow()
    blockers = race_blockers(challenge)
    if blockers:
        raise ProjectConflict("；".join(blockers))
    running = [p for p in projects_of(challenge) if p.state is ProjectState.RUNNING]
    problems = []
    for project in running:
        if project.id not in decisions:
            problems.append((f"p{project.id}", _("请对“%(t)s”作出继续或淘汰的决定", t=project.title)))
        elif not decisions[project.id][0] and not decisions[project.id][1].strip():
            problems.append((f"p{project.id}", _("淘汰“%(t)s”必须填写理由", t=project.title)))
    if not problems and not any(decisions[p.id][0] for p in running):
        problems.append(("summary", _("至少应有一个项目继续实施")))
    unknown = set(decisions) - {p.id for p in running}
    if unknown:
        problems.append(("summary", _("决定中包含不属于本榜单实施中项目的编号")))
    if problems:
        raise ProjectInvalid(problems)
    decision = RaceDecision(challenge_id=challenge.id, decided_at=now, decided_by_id=actor.id,
                            summary=(summary or "").strip())
    db.session.add(decision)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise ProjectConflict(_("该榜单的赛马比较已经决定")) from None
    for project in running:
        continues, reason = decisions[project.id]
        outcome = RaceOutcome(decision=decision, project_id=project.id, continues=continues,
                              reason=reason.strip())
        db.session.add(outcome)
        if continues:
            notify("project.continues", team_of(project), title=project.title, project_id=project.id)
            continue
        checkpoint = checkpoint_of(project)
        end_project(project, ProjectState.ELIMINATED, actor=actor, reason=reason.strip(),
                    signal_reason="eliminated", now=now)
        outcome.document_id = issue_document(
            "elimination_notice", {"project_title": project.title, "challenge_title": challenge.title,
                                   "lead_name": project.organisation.name, "checkpoint_name": checkpoint.name,
                                   "decided_text": date_text(to_local(now).date()), "race_size": len(running),
                                   "reason": reason.strip(), "paid_fen": _paid(project)},
            subject=project, actor=actor, addressee=project.organisation.name, cc=["市财政局"]).id
        notify("project.eliminated", team_of(project), title=project.title, project_id=project.id,
               reason=reason.strip())
    record_event(decision, "race_decided", actor=actor, reason=decision.summary or None,
                 data={"continues": [p.id for p in running if decisions[p.id][0]],
                       "eliminated": [p.id for p in running if not decisions[p.id][0]]})
    return decision


__all__ = ["ProjectConflict", "ProjectError", "ProjectInvalid", "approve_projects", "decide_extension",
           "decide_race", "project_documents", "request_extension", "revoke_project", "sign_project",
           "terminate_project", "upload_agreement"]
