"""Bureau pages for challenges: drafts, editing, publication, amendments, cancellation."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ..auth.models import Organisation, OrgType, Role
from ..core import navigation
from ..core.numbers import db_id
from ..core.pagination import paginate
from ..core.permissions import load_or_404, require, role_required
from ..extensions import db
from . import operations as ops
from .forms import FIELD_CHOICES, ChallengeForm, PublishForm, RequiredReasonForm
from .models import Challenge, ChallengeState
from .notices import notices_for
from .queries import state_condition
from .viewutil import error_page, state_history

bp = Blueprint("challenges", __name__, url_prefix="/manage/challenges")

navigation.register(_l("榜单管理"), "challenges.index", [Role.BUREAU], order=11)

FROZEN = _l("榜单已发布，字段已冻结，不能直接修改；如需变更请通过“发布变更”填写理由，变更将公开显示。")


def _load(challenge_id: int) -> Challenge:
    challenge = load_or_404(Challenge, challenge_id)
    if not challenge.can_view(current_user):
        abort(404)
    if request.method == "POST":
        ops.close_if_due(challenge)  # a POST acting on it sees the deadline's effect first
    return challenge


def _issuer_choices():
    orgs = db.session.scalars(select(Organisation).where(Organisation.org_type == OrgType.ENTERPRISE,
                                                         Organisation.is_active.is_(True))
                              .order_by(Organisation.name)).all()
    return [SelectChoice(0, _("请选择"))] + [SelectChoice(o.id, o.name) for o in orgs]


def _form(challenge=None) -> ChallengeForm:
    form = ChallengeForm()
    form.issuer_id.choices = _issuer_choices()
    if request.method == "GET" and challenge is not None:
        form.fill_from(challenge)
    return form


def _render_form(form, challenge=None, *, amend=False, status=200):
    if status == 200:
        form.add_blank_rows()
    return render_template("challenges/challenge_form.html", form=form, challenge=challenge, amend=amend), status


@bp.route("/")
@role_required(Role.BUREAU)
def index():
    stmt = select(Challenge).order_by(Challenge.id.desc())
    state = request.args.get("state", "")
    if state in {s.value for s in ChallengeState}:
        stmt = stmt.where(state_condition(ChallengeState(state)))
    field = request.args.get("field", "")
    if field:
        stmt = stmt.where(Challenge.field == field)
    return render_template("challenges/manage_list.html", page=paginate(stmt), state=state, field=field,
                           states=list(ChallengeState), fields=[c.value for c in FIELD_CHOICES if c.value],
                           publish_form=PublishForm())


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.BUREAU)
def new():
    form = _form()
    if form.validate_on_submit():
        try:
            challenge = ops.create_challenge(form.to_data(), actor=current_user)
        except ops.ChallengeInvalid as exc:
            db.session.rollback()  # re-render from the stored state
            form.attach_problems(exc.problems)
            return _render_form(form, status=400)
        flash(_("榜单草稿已保存"), "success")
        return redirect(url_for("challenges.detail", challenge_id=challenge.id))
    return _render_form(form, status=400 if request.method == "POST" else 200)


@bp.route("/<int:challenge_id>")
@login_required
def detail(challenge_id):
    challenge = _load(challenge_id)
    if not challenge.can_follow(current_user):
        # the internal page (handling history) is for the bureau and the issuer; others read the portal
        return redirect(url_for("portal.detail", challenge_id=challenge.id))
    return render_template("challenges/manage_detail.html", c=challenge, history=state_history(challenge),
                           notices=notices_for(challenge, current_user), publish_form=PublishForm(),
                           cancel_form=RequiredReasonForm(), can_manage=challenge.can_manage(current_user))


@bp.route("/<int:challenge_id>/edit", methods=["GET", "POST"])
@role_required(Role.BUREAU)
def edit(challenge_id):
    challenge = _load(challenge_id)
    if not challenge.can_edit(current_user):
        return error_page(409, str(FROZEN))
    form = _form(challenge)
    if form.validate_on_submit():
        try:
            ops.update_challenge(challenge, form.to_data(), actor=current_user)
        except ops.ChallengeInvalid as exc:
            db.session.rollback()  # re-render from the stored state
            form.attach_problems(exc.problems)
            return _render_form(form, challenge, status=400)
        flash(_("榜单草稿已保存"), "success")
        return redirect(url_for("challenges.detail", challenge_id=challenge.id))
    return _render_form(form, challenge, status=400 if request.method == "POST" else 200)


@bp.route("/publish", methods=["POST"])
@role_required(Role.BUREAU)
def publish():
    form = PublishForm()
    form.challenge_ids.choices = [SelectChoice(i, str(i)) for i in request.form.getlist("challenge_ids", type=db_id)]
    if not form.validate_on_submit():
        return error_page(400, _("请至少选择一个榜单"))
    challenges = [load_or_404(Challenge, i) for i in dict.fromkeys(form.challenge_ids.data)]
    publication = ops.publish_challenges(challenges, actor=current_user)
    flash(_("已发布%(n)s个榜单，并印发榜单发布公告", n=len(publication.challenges)), "success")
    if len(challenges) == 1:
        return redirect(url_for("challenges.detail", challenge_id=challenges[0].id))
    return redirect(url_for("challenges.index"))


@bp.route("/<int:challenge_id>/amend", methods=["GET", "POST"])
@role_required(Role.BUREAU)
def amend(challenge_id):
    challenge = _load(challenge_id)
    if not challenge.can_amend(current_user):
        return error_page(409, _("只有揭榜截止前的已发布榜单可以变更"))
    form = _form(challenge)
    if form.validate_on_submit():
        try:
            ops.amend_challenge(challenge, form.to_data(), reason=form.reason.data, actor=current_user)
        except ops.ChallengeInvalid as exc:
            db.session.rollback()  # re-render from the stored state
            form.attach_problems(exc.problems)
            return _render_form(form, db.session.get(Challenge, challenge_id), amend=True, status=400)
        except ops.ChallengeError as exc:
            return error_page(exc.status, str(exc))
        flash(_("变更已发布，已提交的揭榜申报需由揭榜方重新确认"), "success")
        return redirect(url_for("challenges.detail", challenge_id=challenge.id))
    return _render_form(form, challenge, amend=True, status=400 if request.method == "POST" else 200)


@bp.route("/<int:challenge_id>/cancel", methods=["POST"])
@role_required(Role.BUREAU)
def cancel(challenge_id):
    challenge = _load(challenge_id)
    require(challenge.can_manage(current_user))
    form = RequiredReasonForm()
    if not form.validate_on_submit():
        return error_page(400, _("撤榜必须填写理由"))
    ops.cancel_challenge(challenge, actor=current_user, reason=form.reason.data)
    flash(_("榜单已撤销"), "success")
    return redirect(url_for("challenges.detail", challenge_id=challenge.id))
