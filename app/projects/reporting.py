"""Milestone reports, their expert review and the bureau's decision; final acceptance.
Nothing here commits."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ..core.audit import record_event
from ..core.money import MAX_AMOUNT_FEN, format_yuan
from ..core.timeutil import format_local, to_local, utcnow
from ..documents.operations import issue_document
from ..extensions import db
from ..notifications.operations import notify
from . import files, panel, rules, signals
from .models import (Acceptance, AcceptanceAttachment, AcceptanceKpiResult, MilestoneReport, MilestoneState,
                     OPEN_MILESTONES, Project, ProjectMilestone, ProjectState, ReportAttachment, ReportKpiValue,
                     ReportRating, ReportReview, ReportState, ReviewState)
from .operations import (ProjectConflict, ProjectInvalid, _plain, _symbol, bureau_staff, checked_upload, date_text,
                         move, team_of)


@dataclass
class ReportData:
    progress: str = ""
    deliverables: str = ""
    spent_fen: int | None = None
    values: dict[int, tuple[Decimal | None, str]] = field(default_factory=dict)   # kpi id -> (value, note)
    files: list = field(default_factory=list)                                     # FileStorage-like objects


def _require_running(project: Project) -> None:
    if project.state is not ProjectState.RUNNING:
        raise ProjectConflict(_("项目当前状态为“%(s)s”，不能提交报告", s=project.state.label))


def _kpi_problems(project: Project, values: dict, prefix: str) -> list:
    problems = []
    for kpi in project.kpis:
        value = values.get(kpi.id, (None, ""))[0]
        problems += rules.measured_problems(f"{prefix}{kpi.id}", kpi.name, kpi.unit, kpi.target_value, value)
    return problems


def _spent_problems(spent: int | None, project: Project) -> list:
    if spent is None:
        return [("spent", _("请填写累计使用资金"))]
    if spent < 0 or spent > MAX_AMOUNT_FEN:
        return [("spent", _("请填写有效的金额"))]
    if spent > project.total_fen:
        return [("spent", _("累计使用资金不能超过项目总经费%(t)s", t=format_yuan(project.total_fen)))]
    return []


def _store_files(data_files, attach, field_name: str) -> None:
    real = [f for f in data_files if f is not None and getattr(f, "filename", None)]
    if len(real) > files.MAX_EVIDENCE_FILES:
        raise ProjectInvalid([(field_name, _("一次最多上传%(n)s个附件", n=files.MAX_EVIDENCE_FILES))])
    for upload in real:
        checked = checked_upload(files.check_evidence, upload.stream, upload.filename, field_name)
        digest = files.store().put(checked.data)
        attach(checked, digest)


# -- milestone reports -----------------------------------------------------------------------

def submit_report(milestone: ProjectMilestone, data: ReportData, *, actor,
                  now: datetime | None = None) -> MilestoneReport:
    """The team's report on a milestone (first, or corrected after 需整改); late ones are flagged."""
    now = now or utcnow()
    project = milestone.project
    _require_running(project)
    if milestone.state not in (MilestoneState.PENDING, MilestoneState.NEEDS_FIX):
        raise ProjectConflict(_("里程碑“%(m)s”当前状态为“%(s)s”，不能提交报告", m=milestone.name,
                                s=milestone.state.label))
    problems = []
    if not data.progress.strip():
        problems.append(("progress", _("请填写进展情况")))
    problems += _spent_problems(data.spent_fen, project)
    problems += _kpi_problems(project, data.values, "kpi_")
    if problems:
        raise ProjectInvalid(problems)
    today = to_local(now).date()
    report = MilestoneReport(milestone=milestone, version_no=len(milestone.reports) + 1,
                             state=ReportState.SUBMITTED, progress=data.progress.strip(),
                             deliverables=data.deliverables.strip(), spent_fen=data.spent_fen,
                             is_late=today > milestone.report_due_on, submitted_at=now, submitted_by_id=actor.id)
    for kpi in project.kpis:
        value, note = data.values[kpi.id]
        report.values.append(ReportKpiValue(kpi_id=kpi.id, measured_value=value, note=(note or "").strip()))
    db.session.add(report)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # the same report sent twice at once
        raise ProjectConflict(_("该报告刚刚已提交，请勿重复提交")) from None
    _store_files(data.files, lambda c, d: db.session.add(ReportAttachment(
        report=report, display_name=c.display_name, sha256=d, size_bytes=len(c.data), content_type=c.content_type)),
        "files")
    move(milestone, MilestoneState.SUBMITTED, actor, None, report_version=report.version_no, late=report.is_late)
    record_event(report, "report_submitted", actor=actor, data={"late": report.is_late})
    notify("report.submitted", bureau_staff(), title=project.title, project_id=project.id,
           milestone=milestone.name, version=report.version_no)
    return report


def draw_report_panel(report: MilestoneReport, *, actor, size: int = rules.PANEL_SIZE,
                      seed: str | None = None) -> list[ReportReview]:
    """Draw the report's reviewers (same draw and conflict rules as bid review)."""
    if report.state is not ReportState.SUBMITTED:
        raise ProjectConflict(_("该报告已抽取专家或已作出评估结论"))
    if not 1 <= size <= 15:
        raise ProjectInvalid([("size", _("专家人数应在1到15之间"))])
    project = report.project
    _require_running(project)
    draw = panel.draw_panel(project, size, seed)
    if len(draw.chosen) < size:
        raise ProjectInvalid([("size", _("“%(f)s”领域无利害关系的专家只有%(n)s名，不足%(k)s名",
                                       f=project.challenge.field, n=len(draw.chosen), k=size))])
    report.panel_seed, report.panel_json = draw.seed, draw.to_json()
    reviews = [ReportReview(report=report, expert_id=uid, state=ReviewState.ASSIGNED) for uid in draw.chosen]
    db.session.add_all(reviews)
    move(report, ReportState.UNDER_REVIEW, actor, None, seed=draw.seed, panel=draw.chosen)
    db.session.flush()
    for review in reviews:
        notify("report.assigned", [review.expert_id], title=project.title, milestone=report.milestone.name,
               review_id=review.id)
    record_event(report, "panel_drawn", actor=actor, data={"seed": draw.seed, "chosen": draw.chosen,
                                                           "excluded": {str(k): v for k, v in draw.excluded.items()}})
    return reviews


def score_report(review: ReportReview, *, scores: dict[str, Decimal | None], comment: str, actor) -> ReportReview:
    if review.expert_id != actor.id:
        raise ProjectConflict(_("只能为分配给自己的报告评分"))
    if review.state is not ReviewState.ASSIGNED or review.report.state is not ReportState.UNDER_REVIEW:
        raise ProjectConflict(_("该评审已提交或报告评审已结束"))
    problems = rules.score_problems(scores)
    if problems:
        raise ProjectInvalid(problems)
    for key, _label, _maximum in rules.CRITERIA:
        review.ratings.append(ReportRating(criterion=key, score=scores[key]))
    review.comment = (comment or "").strip()
    review.submitted_at = utcnow()
    move(review, ReviewState.SUBMITTED, actor, None)
    record_event(review.report, "report_scored", actor=actor, data={"total": str(review.total)})
    return review


def recuse_review(review: ReportReview, *, reason: str, actor) -> ReportReview | None:
    """回避: the expert withdraws with a reason; the next expert in the recorded draw
    order without a conflict replaces them (returned, or None when the pool is exhausted)."""
    reason = (reason or "").strip()
    if review.expert_id != actor.id:
        raise ProjectConflict(_("只能对分配给自己的评审申请回避"))
    if not reason:
        raise ProjectInvalid([("reason", _("申请回避必须说明理由"))])
    if review.state is not ReviewState.ASSIGNED or review.report.state is not ReportState.UNDER_REVIEW:
        raise ProjectConflict(_("该评审已提交或报告评审已结束"))
    review.recuse_reason = reason
    move(review, ReviewState.RECUSED, actor, reason)
    report = review.report
    taken = [r.expert_id for r in report.reviews]
    draw = panel.draw_panel(report.project, 1, report.panel_seed, exclude_user_ids=taken)
    if not draw.chosen:
        return None
    replacement = ReportReview(report=report, expert_id=draw.chosen[0], state=ReviewState.ASSIGNED)
    db.session.add(replacement)
    db.session.flush()
    notify("report.assigned", [replacement.expert_id], title=report.project.title,
           milestone=report.milestone.name, review_id=replacement.id)
    return replacement


def report_score(report: MilestoneReport) -> Decimal | None:
    return rules.aggregate([r.total for r in report.submitted_reviews])


def criterion_means(report: MilestoneReport) -> list[dict]:
    reviews = report.submitted_reviews
    rows = []
    for key, label, maximum in rules.CRITERIA:
        values = [r.score for rv in reviews for r in rv.ratings if r.criterion == key]
        mean = (sum(values, Decimal(0)) / len(values)).quantize(rules.CENT) if values else None
        rows.append({"key": key, "label": str(label), "max": maximum, "mean": mean})
    return rows


OUTCOMES = {"pass": ReportState.PASSED, "fix": ReportState.NEEDS_FIX, "fail": ReportState.FAILED}
MILESTONE_FOR = {ReportState.PASSED: MilestoneState.PASSED, ReportState.NEEDS_FIX: MilestoneState.NEEDS_FIX,
                 ReportState.FAILED: MilestoneState.FAILED}


def decide_report(report: MilestoneReport, *, outcome: str, reason: str, fix_due_on: date | None, actor,
                  now: datetime | None = None) -> MilestoneReport:
    """The bureau's decision: pass / needs fixing (with a deadline) / fail; issues the
    中期评估意见; a pass tells finance (``milestone_passed``)."""
    now = now or utcnow()
    today = to_local(now).date()
    reason = (reason or "").strip()
    state = OUTCOMES.get(outcome)
    problems = []
    if state is None:
        problems.append(("outcome", _("请选择评估结论")))
    if state in (ReportState.NEEDS_FIX, ReportState.FAILED) and not reason:
        problems.append(("reason", _("需整改或不通过时必须写明理由")))
    if state is ReportState.NEEDS_FIX and (fix_due_on is None or fix_due_on <= today):
        problems.append(("fix_due_on", _("需整改时须给出晚于今天的整改报告提交期限")))
    if problems:
        raise ProjectInvalid(problems)
    if report.state is not ReportState.UNDER_REVIEW:
        raise ProjectConflict(_("该报告尚未组织专家评审或已作出结论"))
    _require_running(report.project)
    if any(r.state is ReviewState.ASSIGNED for r in report.reviews) or not report.submitted_reviews:
        raise ProjectConflict(_("还有专家尚未提交评分，不能作出结论"))
    milestone = report.milestone
    report.decided_at, report.decided_by_id, report.decision_reason = now, actor.id, reason
    report.fix_due_on = fix_due_on if state is ReportState.NEEDS_FIX else None
    move(report, state, actor, reason or None)
    milestone.decided_at = now
    milestone.fix_due_on = report.fix_due_on
    move(milestone, MILESTONE_FOR[state], actor, reason or None)
    project = report.project
    score = report_score(report)
    conclusion = {ReportState.PASSED: _("评估结论：通过。"), ReportState.NEEDS_FIX: _("评估结论：需整改。"),
                  ReportState.FAILED: _("评估结论：不通过。")}[state] + (reason if reason else "")
    context = {
        "project_title": project.title, "lead_name": project.organisation.name, "milestone_name": milestone.name,
        "version_no": report.version_no, "submitted_text": date_text(to_local(report.submitted_at).date()),
        "is_late": report.is_late, "panel_text": f"{len(report.submitted_reviews)}名专家",
        "score_text": f"{score}分",
        "kpis": [{"name": k.name, "target": f"{_symbol(k.comparator)}{_plain(k.target_value)}{k.unit}",
                  "measured": f"{_plain(v.measured_value)}{k.unit}" if (v := report.value_for(k.id)) else "—"}
                 for k in project.kpis],
        "spent_fen": report.spent_fen,
        "scores": [{"criterion": f"{c['label']}（{c['max']}分）", "score": str(c["mean"] or "—")}
                   for c in criterion_means(report)],
        "conclusion": conclusion,
    }
    if state is ReportState.NEEDS_FIX:
        context["fix_text"] = f"请于{date_text(fix_due_on)}前提交整改后的里程碑报告，逾期未提交的，按不通过处理。"
    report.document_id = issue_document("midterm_opinion", context, subject=project, actor=actor,
                                        addressee=project.organisation.name, cc=["市财政局"]).id
    if state is ReportState.PASSED:
        signals.milestone_passed.send(milestone)
    notify("report.decided", team_of(project), title=project.title, project_id=project.id,
           milestone=milestone.name, result=str(state.label), reason=reason)
    return report


# -- acceptance (验收) ---------------------------------------------------------------------------

def acceptance_due_on(project: Project) -> date:
    from ..core.policy import policy

    return rules.acceptance_due_on(project.end_on, policy("acceptance_due_months"))


def submit_acceptance(project: Project, data: ReportData, *, actor, now: datetime | None = None) -> Acceptance:
    """Final materials after the end date; every milestone must have its conclusion."""
    now = now or utcnow()
    today = to_local(now).date()
    if project.state is not ProjectState.RUNNING:
        raise ProjectConflict(_("项目当前状态为“%(s)s”，不能提交验收材料", s=project.state.label))
    if today < project.end_on:
        raise ProjectConflict(_("项目实施期至%(d)s结束，结束后才能提交验收材料", d=date_text(project.end_on)))
    waiting = [m.name for m in project.milestones if m.state in OPEN_MILESTONES]
    if waiting:
        raise ProjectConflict(_("以下里程碑尚未完成评估：%(m)s", m="、".join(waiting)))
    problems = []
    if not data.progress.strip():
        problems.append(("progress", _("请填写项目完成情况总结")))
    problems += _spent_problems(data.spent_fen, project)
    problems += _kpi_problems(project, data.values, "kpi_")
    if problems:
        raise ProjectInvalid(problems)
    acceptance = Acceptance(project=project, summary=data.progress.strip(), spent_fen=data.spent_fen,
                            is_late=today > acceptance_due_on(project), submitted_at=now, submitted_by_id=actor.id)
    for kpi in project.kpis:
        acceptance.results.append(AcceptanceKpiResult(kpi_id=kpi.id, claimed_value=data.values[kpi.id][0]))
    db.session.add(acceptance)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise ProjectConflict(_("验收材料刚刚已提交，请勿重复提交")) from None
    _store_files(data.files, lambda c, d: db.session.add(AcceptanceAttachment(
        acceptance=acceptance, display_name=c.display_name, sha256=d, size_bytes=len(c.data),
        content_type=c.content_type)), "files")
    move(project, ProjectState.FINAL_SUBMITTED, actor, None, late=acceptance.is_late)
    record_event(acceptance, "acceptance_submitted", actor=actor, data={"late": acceptance.is_late})
    notify("acceptance.submitted", bureau_staff(), title=project.title, project_id=project.id)
    return acceptance


def draw_acceptance_panel(acceptance: Acceptance, *, actor, size: int = rules.PANEL_SIZE,
                          seed: str | None = None) -> panel.Draw:
    if acceptance.project.state is not ProjectState.FINAL_SUBMITTED or acceptance.panel_json:
        raise ProjectConflict(_("验收专家组已抽取或项目不在待验收状态"))
    if not 1 <= size <= 15:
        raise ProjectInvalid([("size", _("专家人数应在1到15之间"))])
    draw = panel.draw_panel(acceptance.project, size, seed)
    if len(draw.chosen) < size:
        raise ProjectInvalid([("size", _("无利害关系的专家只有%(n)s名，不足%(k)s名", n=len(draw.chosen), k=size))])
    acceptance.panel_seed, acceptance.panel_json = draw.seed, draw.to_json()
    record_event(acceptance, "panel_drawn", actor=actor, data={"seed": draw.seed, "chosen": draw.chosen})
    return draw


def panel_of(obj) -> dict | None:
    return json.loads(obj.panel_json) if obj.panel_json else None


def decide_acceptance(acceptance: Acceptance, *, results: dict[int, tuple[Decimal | None, bool | None]],
                      is_passed: bool | None, opinion: str, actor, now: datetime | None = None) -> Acceptance:
    """The panel's verdict per KPI (measured value, met / not met) and the outcome;
    issues the 验收意见书; a pass tells finance (``project_accepted``)."""
    now = now or utcnow()
    project = acceptance.project
    opinion = (opinion or "").strip()
    problems = []
    for kpi in project.kpis:
        measured, met = results.get(kpi.id, (None, None))
        problems += rules.measured_problems(f"measured_{kpi.id}", kpi.name, kpi.unit, kpi.target_value, measured)
        if met is None:
            problems.append((f"met_{kpi.id}", _("请判定指标“%(n)s”是否达到", n=kpi.name)))
    if is_passed is None:
        problems.append(("outcome", _("请选择验收结论")))
    elif not is_passed and not opinion:
        problems.append(("opinion", _("验收不通过时必须写明意见")))
    if is_passed and any(results.get(k.id, (None, None))[1] is False for k in project.kpis):
        problems.append(("outcome", _("有考核指标未达到，不能判定为验收通过")))
    if problems:
        raise ProjectInvalid(problems)
    if project.state is not ProjectState.FINAL_SUBMITTED or acceptance.decided_at is not None:
        raise ProjectConflict(_("项目不在待验收状态"))
    if not acceptance.panel_json:
        raise ProjectConflict(_("请先抽取验收专家组"))
    for result in acceptance.results:
        result.measured_value, result.is_met = results[result.kpi_id]
    acceptance.is_passed, acceptance.opinion = is_passed, opinion
    acceptance.decided_at, acceptance.decided_by_id = now, actor.id
    move(project, ProjectState.ACCEPTED if is_passed else ProjectState.ACCEPTANCE_FAILED, actor, opinion or None)
    chosen = panel_of(acceptance)["chosen"]
    conclusion = (_("验收结论：通过。") if is_passed else _("验收结论：不通过。")) + opinion
    kpis = []
    for kpi in project.kpis:
        r = acceptance.result_for(kpi.id)
        kpis.append({"name": kpi.name, "target": f"{_symbol(kpi.comparator)}{_plain(kpi.target_value)}{kpi.unit}",
                     "measured": f"{_plain(r.measured_value)}{kpi.unit}", "verdict": "达到" if r.is_met else "未达到"})
    acceptance.document_id = issue_document("acceptance_opinion", {
        "project_title": project.title, "lead_name": project.organisation.name,
        "period_text": f"{date_text(project.start_on)}至{date_text(project.end_on)}",
        "submitted_text": date_text(to_local(acceptance.submitted_at).date()), "is_late": acceptance.is_late,
        "panel_text": f"{len(chosen)}名专家组成的验收专家组", "kpis": kpis,
        "fiscal_support_fen": project.fiscal_support_fen, "spent_fen": acceptance.spent_fen,
        "conclusion": conclusion}, subject=project, actor=actor, addressee=project.organisation.name,
        cc=["市财政局", project.challenge.issuer.name]).id
    record_event(acceptance, "acceptance_decided", actor=actor, reason=opinion or None,
                 data={"passed": is_passed, "at": format_local(now)})
    if is_passed:
        signals.project_accepted.send(project)
    notify("acceptance.decided", team_of(project), title=project.title, project_id=project.id,
           result=str(project.state.label))
    return acceptance
