"""The team's project pages (tasks, due dates, documents, history; agreement upload,
milestone reports, extension request, final materials) and the experts' report
reviews. Thin: load (404), check access, validate, call one operation, redirect."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from ..auth.models import Role
from ..core import navigation
from ..core.audit import history
from ..core.errors import rerender_on_error
from ..core.pagination import paginate
from ..core.permissions import load_or_404, role_required
from ..core.timeutil import local_today
from ..documents.operations import documents_for
from . import files, operations as ops, reporting, rules
from .forms import AgreementForm, ConfirmForm, ExtensionForm, RecuseForm, report_form, score_form
from .models import (MilestoneReport, Project, ProjectMember, ReportAttachment, ReportReview, ReportState,
                     ReviewState)
from .queries import project_health, timeline

bp = Blueprint("projects", __name__, url_prefix="/projects")

navigation.register(_l("我的项目"), "projects.index", [Role.APPLICANT], order=30)
navigation.register(_l("里程碑评审"), "projects.reviews", [Role.EXPERT], order=30)


def load_project(project_id: int) -> Project:
    project = load_or_404(Project, project_id)
    if not project.can_view(current_user):
        abort(404)  # another organisation's project: not even its existence shows
    return project


def load_team_project(project_id: int) -> Project:
    project = load_or_404(Project, project_id)
    if not project.is_team(current_user):
        abort(404)
    return project


@bp.route("/")
@role_required(Role.APPLICANT)
def index():
    org = current_user.organisation_id
    member_of = select(ProjectMember.project_id).where(ProjectMember.organisation_id == org)
    stmt = (select(Project).where((Project.organisation_id == org) | Project.id.in_(member_of))
            .order_by(Project.id.desc()))
    return render_template("projects/index.html", page=paginate(stmt), today=local_today(),
                           health=project_health, labels=rules.HEALTH_LABELS)


def _detail(project, status=200, **forms):
    forms.setdefault("agreement_form", AgreementForm())
    forms.setdefault("extension_form", ExtensionForm())
    today = local_today()
    return render_template("projects/detail.html", project=project, today=today,
                           health=project_health(project, today), labels=rules.HEALTH_LABELS,
                           documents=documents_for(project), events=history(project),
                           acceptance_due=reporting.acceptance_due_on(project),
                           max_extension=ops.policy("max_extension_months"),
                           timeline=timeline(project, today), **forms), status


@bp.route("/<int:project_id>")
@login_required
def detail(project_id):
    return _detail(load_project(project_id))


@bp.route("/<int:project_id>/agreement", methods=["POST"])
@role_required(Role.APPLICANT)
def upload_agreement(project_id):
    project = load_team_project(project_id)
    form = AgreementForm()

    def page(exc):
        form.file.errors = [m for _f, m in exc.problems] or [str(exc)]
        return _detail(project, agreement_form=form)[0]

    rerender_on_error(page)
    if not form.validate_on_submit():
        return _detail(project, 400, agreement_form=form)
    ops.upload_agreement(project, form.file.data.stream, form.file.data.filename, actor=current_user)
    flash(_("揭榜协议已上传，等待科技局登记签订日期"), "success")
    return redirect(url_for("projects.detail", project_id=project.id))


def _send(sha256, name, mimetype):
    response = send_file(files.store().path_for(sha256), mimetype=mimetype, as_attachment=True,
                         download_name=name, max_age=0, conditional=False, etag=False)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<int:project_id>/agreement.pdf")
@login_required
def agreement(project_id):
    project = load_project(project_id)
    if project.agreement_sha256 is None:
        abort(404)
    return _send(project.agreement_sha256, project.agreement_name, "application/pdf")


@bp.route("/<int:project_id>/milestones/<int:milestone_id>/report", methods=["GET", "POST"])
@role_required(Role.APPLICANT)
def report(project_id, milestone_id):
    project = load_team_project(project_id)
    milestone = project.milestone(milestone_id)
    if milestone is None:
        abort(404)
    form = report_form(project)
    if request.method == "GET" and milestone.latest_report is not None:
        last = milestone.latest_report  # a corrected report starts from the previous one
        form.progress.data, form.deliverables.data = last.progress, last.deliverables
        for value in last.values:
            getattr(form, f"kpi_{value.kpi_id}").data = value.measured_value
            getattr(form, f"note_{value.kpi_id}").data = value.note

    def page(exc=None, status=200):
        if exc is not None:
            form.attach_problems(exc.problems or [("progress", str(exc))])
        return render_template("projects/report_form.html", project=project, milestone=milestone, form=form,
                               today=local_today())

    rerender_on_error(page)
    if request.method == "POST":
        if not form.validate_on_submit():
            return page(), 400
        reporting.submit_report(milestone, reporting.ReportData(
            progress=form.progress.data or "", deliverables=form.deliverables.data or "",
            spent_fen=form.spent.data, values=form.kpi_values(), files=request.files.getlist("files")),
            actor=current_user)
        flash(_("里程碑报告已提交，等待专家评审"), "success")
        return redirect(url_for("projects.detail", project_id=project.id))
    return page()


def _report_of(project, report_id) -> MilestoneReport:
    report = load_or_404(MilestoneReport, report_id)
    if report.milestone.project_id != project.id:
        abort(404)
    return report


@bp.route("/<int:project_id>/reports/<int:report_id>")
@login_required
def report_detail(project_id, report_id):
    project = load_project(project_id)
    report = _report_of(project, report_id)
    return render_template("projects/report_detail.html", project=project, report=report,
                           score=reporting.report_score(report) if report.state is not ReportState.SUBMITTED else None,
                           criteria=reporting.criterion_means(report))


@bp.route("/<int:project_id>/reports/<int:report_id>/files/<int:file_id>")
@login_required
def report_file(project_id, report_id, file_id):
    project = load_project(project_id)
    report = _report_of(project, report_id)
    attachment = load_or_404(ReportAttachment, file_id)
    if attachment.report_id != report.id:
        abort(404)
    return _send(attachment.sha256, attachment.display_name, attachment.content_type)


@bp.route("/<int:project_id>/extension", methods=["POST"])
@role_required(Role.APPLICANT)
def request_extension(project_id):
    project = load_team_project(project_id)
    form = ExtensionForm()
    rerender_on_error(lambda exc: (form.attach_problems(exc.problems or [("months", str(exc))]),
                                   _detail(project, extension_form=form)[0])[1])
    if not form.validate_on_submit():
        return _detail(project, 400, extension_form=form)
    ops.request_extension(project, months=form.months.data, reason=form.reason.data, actor=current_user)
    flash(_("延期申请已提交，等待科技局审批"), "success")
    return redirect(url_for("projects.detail", project_id=project.id))


@bp.route("/<int:project_id>/acceptance", methods=["GET", "POST"])
@role_required(Role.APPLICANT)
def acceptance(project_id):
    project = load_team_project(project_id)
    form = report_form(project, final=True)

    def page(exc=None):
        if exc is not None:
            form.attach_problems(exc.problems or [("progress", str(exc))])
        return render_template("projects/acceptance_form.html", project=project, form=form, today=local_today(),
                               due=reporting.acceptance_due_on(project))

    rerender_on_error(page)
    if request.method == "POST":
        if not form.validate_on_submit():
            return page(), 400
        reporting.submit_acceptance(project, reporting.ReportData(
            progress=form.progress.data or "", deliverables=form.deliverables.data or "",
            spent_fen=form.spent.data, values=form.kpi_values(), files=request.files.getlist("files")),
            actor=current_user)
        flash(_("验收材料已提交，等待科技局组织验收"), "success")
        return redirect(url_for("projects.detail", project_id=project.id))
    return page()


# -- experts ---------------------------------------------------------------------------------

@bp.route("/reviews")
@role_required(Role.EXPERT)
def reviews():
    stmt = (select(ReportReview).where(ReportReview.expert_id == current_user.id)
            .order_by(ReportReview.state, ReportReview.id.desc()))
    return render_template("projects/reviews.html", page=paginate(stmt))


def _own_review(review_id) -> ReportReview:
    review = load_or_404(ReportReview, review_id)
    if review.expert_id != current_user.id:
        abort(404)
    return review


@bp.route("/reviews/<int:review_id>", methods=["GET", "POST"])
@role_required(Role.EXPERT)
def review(review_id):
    review = _own_review(review_id)
    form = score_form()
    recuse_form = RecuseForm()

    def page(exc=None):
        if exc is not None:
            form.attach_problems(exc.problems or [("comment", str(exc))])
        return render_template("projects/review.html", review=review, report=review.report,
                               project=review.report.project, form=form, recuse_form=recuse_form,
                               criteria=rules.CRITERIA, can_score=review.state is ReviewState.ASSIGNED
                               and review.report.state is ReportState.UNDER_REVIEW)

    rerender_on_error(page)
    if request.method == "POST":
        if not form.validate_on_submit():
            return page(), 400
        reporting.score_report(review, scores={k: getattr(form, k).data for k, _l2, _m in rules.CRITERIA},
                               comment=form.comment.data, actor=current_user)
        flash(_("评分已提交"), "success")
        return redirect(url_for("projects.reviews"))
    return page()


@bp.route("/reviews/<int:review_id>/recuse", methods=["POST"])
@role_required(Role.EXPERT)
def recuse(review_id):
    review = _own_review(review_id)
    form = RecuseForm()
    if not form.validate_on_submit():
        from ..core.errors import error_page

        return error_page(400, "；".join(str(e) for errors in form.errors.values() for e in errors))
    reporting.recuse_review(review, reason=form.reason.data, actor=current_user)
    flash(_("已回避，系统已按抽取记录递补专家"), "success")
    return redirect(url_for("projects.reviews"))


__all__ = ["bp", "ConfirmForm"]


@bp.app_template_filter("plain_number")
def plain_number(value) -> str:
    """A Decimal without exponent or trailing zeros (30 -> "30", not "3E+1")."""
    from .operations import _plain

    return _plain(value)
