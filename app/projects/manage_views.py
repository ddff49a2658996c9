"""The bureau's project pages: approval (立项), signing, the project list with filters
and timelines, milestone-report review and decision, the horse race's comparison,
extension decisions, acceptance, termination and revocation."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from ..auth.models import Role
from ..challenges.models import PUBLIC_STATES, Challenge
from ..core import navigation
from ..core.audit import history
from ..core.errors import error_page, rerender_on_error
from ..core.numbers import query_int
from ..core.pagination import paginate
from ..core.permissions import load_or_404, role_required
from ..core.timeutil import local_today, utcnow
from ..documents.operations import documents_for
from ..extensions import db
from . import award_source, operations as ops, queries, reporting, rules
from .forms import (ConfirmForm, DecisionForm, ExtensionDecisionForm, PanelForm, RevokeForm, SignForm, TerminateForm,
                    acceptance_decision_form, race_form)
from .models import MilestoneReport, Project, ProjectExtension, ProjectState, ReportState, TerminationReason

bp = Blueprint("project_manage", __name__, url_prefix="/manage/projects")

navigation.register(_l("项目管理"), "project_manage.index", [Role.BUREAU], order=14)
navigation.register_panel("projects/panel_programme.html", [Role.BUREAU], order=5,
                          context=lambda user: {"p": queries.programme(local_today())})
navigation.register_panel("projects/panel_finance.html", [Role.FINANCE], order=5,
                          context=lambda user: {"projects": queries.finance_projects()})

STAFF = (Role.BUREAU,)


def _project(project_id: int) -> Project:
    return load_or_404(Project, project_id)


@bp.route("/")
@role_required(Role.BUREAU, Role.FINANCE)
def index():
    today = local_today()
    challenge_id = query_int("challenge")
    state = request.args.get("state", "")
    state = state if state in {s.value for s in ProjectState} else ""
    health = request.args.get("health", "")
    health = health if health in rules.HEALTH_LABELS else ""
    stmt = queries.projects_select(challenge_id=challenge_id, state=state or None)
    if health:
        ids = [p.id for p in queries.filter_by_health(list(db.session.scalars(stmt)), health, today)]
        stmt = queries.projects_select().where(Project.id.in_(ids))
    challenges = list(db.session.scalars(select(Challenge).where(Challenge.state.in_(PUBLIC_STATES))
                                             .order_by(Challenge.id.desc()).limit(200)))
    awaiting = [c for c in challenges if award_source.winning_bids(c)
                and len(ops.projects_of(c)) < len(award_source.winning_bids(c))]
    return render_template("projects/manage_index.html", page=paginate(stmt), today=today,
                           health_of=queries.project_health, labels=rules.HEALTH_LABELS, states=list(ProjectState),
                           challenges=challenges, selected={"challenge": challenge_id, "state": state,
                                                            "health": health},
                           awaiting=awaiting, races=queries.race_challenges())


# -- approval ---------------------------------------------------------------------------------

def _public_challenge(challenge_id: int) -> Challenge:
    challenge = load_or_404(Challenge, challenge_id)
    if not challenge.is_public:
        abort(404)
    return challenge


@bp.route("/challenge/<int:challenge_id>")
@role_required(Role.BUREAU)
def approval(challenge_id):
    challenge = _public_challenge(challenge_id)
    return render_template("projects/approval.html", challenge=challenge,
                           blockers=award_source.approval_blockers(challenge, utcnow()),
                           winners=award_source.winning_bids(challenge), projects=ops.projects_of(challenge),
                           confirm=ConfirmForm())


@bp.route("/challenge/<int:challenge_id>/approve", methods=["POST"])
@role_required(Role.BUREAU)
def approve(challenge_id):
    challenge = _public_challenge(challenge_id)
    if not ConfirmForm().validate_on_submit():
        return error_page(400, _("请求无效，请刷新页面后重试"))
    created = ops.approve_projects(challenge, actor=current_user)
    flash(_("已立项%(n)s个项目，请通知揭榜单位上传签字盖章的揭榜协议", n=len(created)), "success")
    return redirect(url_for("project_manage.approval", challenge_id=challenge.id))


# -- one project ---------------------------------------------------------------------------------

def _detail(project, status=200, **forms):
    today = local_today()
    forms.setdefault("sign_form", SignForm())
    forms.setdefault("extension_form", ExtensionDecisionForm())
    return render_template("projects/manage_detail.html", project=project, today=today,
                           health=queries.project_health(project, today), labels=rules.HEALTH_LABELS,
                           documents=documents_for(project), events=history(project),
                           acceptance_due=reporting.acceptance_due_on(project),
                           timeline=queries.timeline(project, today),
                           can_manage=current_user.role is Role.BUREAU, **forms), status


@bp.route("/<int:project_id>")
@role_required(Role.BUREAU, Role.FINANCE)
def detail(project_id):
    return _detail(_project(project_id))


@bp.route("/<int:project_id>/sign", methods=["POST"])
@role_required(Role.BUREAU)
def sign(project_id):
    project = _project(project_id)
    form = SignForm()

    def page(exc):
        form.signed_on.errors = [m for _f, m in exc.problems] or [str(exc)]
        return _detail(project, sign_form=form)[0]

    rerender_on_error(page)
    if not form.validate_on_submit():
        return _detail(project, 400, sign_form=form)
    ops.sign_project(project, signed_on=form.signed_on.data, actor=current_user)
    flash(_("已登记协议签订日期，立项通知书和合同摘要已印发"), "success")
    return redirect(url_for("project_manage.detail", project_id=project.id))


@bp.route("/<int:project_id>/extension", methods=["POST"])
@role_required(Role.BUREAU)
def decide_extension(project_id):
    project = _project(project_id)
    extension = project.extension
    if extension is None:
        abort(404)
    form = ExtensionDecisionForm()
    rerender_on_error(lambda exc: (form.attach_problems(exc.problems or [("note", str(exc))]),
                                   _detail(project, extension_form=form)[0])[1])
    if not form.validate_on_submit():
        return _detail(project, 400, extension_form=form)
    ops.decide_extension(extension, approve=form.decision.data == "approve", note=form.note.data,
                         actor=current_user)
    flash(_("延期申请已审批"), "success")
    return redirect(url_for("project_manage.detail", project_id=project.id))


# -- milestone reports -----------------------------------------------------------------------------

def _report(report_id: int) -> MilestoneReport:
    return load_or_404(MilestoneReport, report_id)


def _report_page(report, **forms):
    forms.setdefault("panel_form", PanelForm())
    forms.setdefault("decision_form", DecisionForm())
    return render_template("projects/manage_report.html", report=report, project=report.project,
                           score=reporting.report_score(report), criteria=reporting.criterion_means(report),
                           draw=reporting.panel_of(report), criteria_spec=rules.CRITERIA, **forms)


@bp.route("/reports/<int:report_id>")
@role_required(Role.BUREAU)
def report(report_id):
    return _report_page(_report(report_id))


@bp.route("/reports/<int:report_id>/panel", methods=["POST"])
@role_required(Role.BUREAU)
def draw_panel(report_id):
    report = _report(report_id)
    form = PanelForm()

    def page(exc):
        form.size.errors = [m for _f, m in exc.problems] or [str(exc)]
        return _report_page(report, panel_form=form)

    rerender_on_error(page)
    if report.state is not ReportState.SUBMITTED:
        raise ops.ProjectConflict(_("该报告已抽取专家或已作出评估结论"))
    if not form.validate_on_submit():
        return _report_page(report, panel_form=form), 400
    reviews = reporting.draw_report_panel(report, actor=current_user, size=form.size.data)
    flash(_("已抽取%(n)s名评审专家，抽取记录（随机种子）已保存", n=len(reviews)), "success")
    return redirect(url_for("project_manage.report", report_id=report.id))


@bp.route("/reports/<int:report_id>/decide", methods=["POST"])
@role_required(Role.BUREAU)
def decide_report(report_id):
    report = _report(report_id)
    form = DecisionForm()
    rerender_on_error(lambda exc: (form.attach_problems(exc.problems or [("reason", str(exc))]),
                                   _report_page(report, decision_form=form))[1])
    if not form.validate_on_submit():
        return _report_page(report, decision_form=form), 400
    reporting.decide_report(report, outcome=form.outcome.data, reason=form.reason.data,
                            fix_due_on=form.fix_due_on.data, actor=current_user)
    flash(_("评估结论已记录，中期评估意见已印发"), "success")
    return redirect(url_for("project_manage.detail", project_id=report.project.id))


# -- the horse race -----------------------------------------------------------------------------------

@bp.route("/race/<int:challenge_id>", methods=["GET", "POST"])
@role_required(Role.BUREAU)
def race(challenge_id):
    challenge = _public_challenge(challenge_id)
    rows = queries.race_rows(challenge)
    running = [r.project for r in rows if r.project.state is ProjectState.RUNNING]
    form = race_form(running)

    def page(exc=None):
        if exc is not None:
            form.attach_problems(exc.problems or [("summary", str(exc))])
        return render_template("projects/race.html", challenge=challenge, rows=rows, form=form,
                               blockers=ops.race_blockers(challenge), decision=queries.race_decision(challenge),
                               chart=queries.race_chart(rows))

    rerender_on_error(page)
    if request.method == "POST":
        blockers = ops.race_blockers(challenge)
        if blockers:
            raise ops.ProjectConflict("；".join(blockers))
        if not form.validate_on_submit():
            return page(), 400
        decisions = {p.id: (getattr(form, f"p{p.id}").data == "continue",
                            getattr(form, f"reason_{p.id}").data or "") for p in running}
        ops.decide_race(challenge, decisions, summary=form.summary.data, actor=current_user)
        flash(_("赛马比较决定已记录，淘汰通知已印发"), "success")
        return redirect(url_for("project_manage.race", challenge_id=challenge.id))
    return page()


# -- acceptance ------------------------------------------------------------------------------------

def _acceptance_page(project, **forms):
    forms.setdefault("panel_form", PanelForm())
    forms.setdefault("form", acceptance_decision_form(project))
    return render_template("projects/manage_acceptance.html", project=project, acceptance=project.acceptance,
                           draw=reporting.panel_of(project.acceptance) if project.acceptance else None, **forms)


def _acceptance_project(project_id):
    project = _project(project_id)
    if project.acceptance is None:
        abort(404)
    return project


@bp.route("/<int:project_id>/acceptance")
@role_required(Role.BUREAU)
def acceptance(project_id):
    return _acceptance_page(_acceptance_project(project_id))


@bp.route("/<int:project_id>/acceptance/panel", methods=["POST"])
@role_required(Role.BUREAU)
def acceptance_panel(project_id):
    project = _acceptance_project(project_id)
    form = PanelForm()
    if not form.validate_on_submit():
        return _acceptance_page(project, panel_form=form), 400
    reporting.draw_acceptance_panel(project.acceptance, actor=current_user, size=form.size.data)
    flash(_("验收专家组已抽取"), "success")
    return redirect(url_for("project_manage.acceptance", project_id=project.id))


@bp.route("/<int:project_id>/acceptance/decide", methods=["POST"])
@role_required(Role.BUREAU)
def decide_acceptance(project_id):
    project = _acceptance_project(project_id)
    form = acceptance_decision_form(project)
    rerender_on_error(lambda exc: (form.attach_problems(exc.problems or [("opinion", str(exc))]),
                                   _acceptance_page(project, form=form))[1])
    if not form.validate_on_submit():
        return _acceptance_page(project, form=form), 400
    results = {kid: (getattr(form, f"measured_{kid}").data, getattr(form, f"met_{kid}").data == "yes")
               for kid in form.kpi_ids}
    reporting.decide_acceptance(project.acceptance, results=results, is_passed=form.outcome.data == "pass",
                                opinion=form.opinion.data, actor=current_user)
    flash(_("验收结论已记录，验收意见书已印发"), "success")
    return redirect(url_for("project_manage.detail", project_id=project.id))


# -- termination ---------------------------------------------------------------------------------------

def _end_page(project, **forms):
    forms.setdefault("terminate_form", TerminateForm())
    forms.setdefault("revoke_form", RevokeForm())
    return render_template("projects/manage_end.html", project=project, **forms)


@bp.route("/<int:project_id>/end")
@role_required(Role.BUREAU)
def end(project_id):
    return _end_page(_project(project_id))


@bp.route("/<int:project_id>/terminate", methods=["POST"])
@role_required(Role.BUREAU)
def terminate(project_id):
    project = _project(project_id)
    form = TerminateForm()
    rerender_on_error(lambda exc: (form.attach_problems(exc.problems or [("explanation", str(exc))]),
                                   _end_page(project, terminate_form=form))[1])
    if not form.validate_on_submit():
        return _end_page(project, terminate_form=form), 400
    ops.terminate_project(project, reason_code=TerminationReason(form.reason_code.data),
                          explanation=form.explanation.data, is_tolerated=form.is_tolerated.data,
                          refund_fen=form.refund.data, actor=current_user)
    flash(_("项目已终止，终止通知已印发"), "success")
    return redirect(url_for("project_manage.detail", project_id=project.id))


@bp.route("/<int:project_id>/revoke", methods=["POST"])
@role_required(Role.BUREAU)
def revoke(project_id):
    project = _project(project_id)
    form = RevokeForm()
    rerender_on_error(lambda exc: (form.attach_problems(exc.problems or [("explanation", str(exc))]),
                                   _end_page(project, revoke_form=form))[1])
    if not form.validate_on_submit():
        return _end_page(project, revoke_form=form), 400
    ops.revoke_project(project, explanation=form.explanation.data, recover_fen=form.recover.data,
                       actor=current_user)
    flash(_("项目已撤销，追回通知已印发，失信记录已登记"), "success")
    return redirect(url_for("project_manage.detail", project_id=project.id))


__all__ = ["bp", "ProjectExtension", "STAFF"]
