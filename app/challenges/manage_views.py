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
from ..core.errors import InvalidInput, rerender_on_error
from .forms import FIELD_CHOICES, MAX_KPI_ROWS, MAX_MILESTONE_ROWS, ChallengeForm, PublishForm, RequiredReasonForm
from .models import Challenge, ChallengeState
from .notices import notices_for
from .queries import state_condition
from .viewutil import state_history
from . import todo as _todo  # noqa: F401  (registers the home pages' to-do panels)

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
    return render_template("challenges/challenge_form.html", form=form, challenge=challenge, amend=amend,
                           limits=FORM_LIMITS), status


FORM_LIMITS = {"kpis": MAX_KPI_ROWS, "milestones": MAX_MILESTONE_ROWS}


def _save(form, challenge, operation, *, amend=False):
    """The shared handling of new / edit / amend: "add a row" re-renders with one more
    row; a form error re-renders with every message; an operation's refusal
    (InvalidInput) re-renders likewise through the core handler — status 400 and
    everything typed kept in each case."""
    if request.method == "POST" and form.add_row_requested(request.form):
        return _render_form(form, challenge, amend=amend)
    if not form.validate_on_submit():
        if request.method == "POST":
            form.attach_problems([])
            return _render_form(form, challenge, amend=amend, status=400)
        return _render_form(form, challenge, amend=amend)
    challenge_id = challenge.id if challenge else None

    def render(exc):
        form.attach_problems(exc.problems)
        stored = db.session.get(Challenge, challenge_id) if challenge_id else None
        return _render_form(form, stored, amend=amend, status=400)[0]

    rerender_on_error(render)
    return operation(form.to_data())


def _index_page(publish_problems=None, status=200):
    stmt = select(Challenge).order_by(Challenge.id.desc())
    state = request.args.get("state", "")
    if state in {s.value for s in ChallengeState}:
        stmt = stmt.where(state_condition(ChallengeState(state)))
    field = request.args.get("field", "")
    if field:
        stmt = stmt.where(Challenge.field == field)
    return render_template("challenges/manage_list.html", page=paginate(stmt), state=state, field=field,
                           states=list(ChallengeState), fields=[c.value for c in FIELD_CHOICES if c.value],
                           publish_form=PublishForm(), publish_problems=publish_problems), status


@bp.route("/")
@role_required(Role.BUREAU)
def index():
    return _index_page()


def _flash_saved(challenge) -> None:
    missing = ops.publication_problems(challenge)
    if missing:
        flash(_("榜单草稿已保存。发布前还需补充%(n)s项内容，见本页“发布前检查”。", n=len(missing)), "success")
    else:
        flash(_("榜单草稿已保存，内容已完整，可以发布"), "success")


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.BUREAU)
def new():
    form = _form()

    def create(data):
        challenge = ops.create_challenge(data, actor=current_user)
        db.session.flush()
        _flash_saved(challenge)
        return redirect(url_for("challenges.detail", challenge_id=challenge.id))

    return _save(form, None, create)


def _detail_page(challenge, status=200, cancel_form=None):
    checklist = ops.publication_problems(challenge) if challenge.can_edit(current_user) else []
    return render_template("challenges/manage_detail.html", c=challenge, history=state_history(challenge),
                           notices=notices_for(challenge, current_user), publish_form=PublishForm(),
                           cancel_form=cancel_form or RequiredReasonForm(),
                           can_manage=challenge.can_manage(current_user), checklist=checklist), status


@bp.route("/<int:challenge_id>")
@login_required
def detail(challenge_id):
    challenge = _load(challenge_id)
    if not challenge.can_follow(current_user):
        # the internal page (handling history) is for the bureau and the issuer; others read the portal
        return redirect(url_for("portal.detail", challenge_id=challenge.id))
    return _detail_page(challenge)


@bp.route("/<int:challenge_id>/edit", methods=["GET", "POST"])
@role_required(Role.BUREAU)
def edit(challenge_id):
    challenge = _load(challenge_id)
    if not challenge.can_edit(current_user):
        raise ops.ChallengeConflict(str(FROZEN) if challenge.can_amend(current_user) else _(
            "“%(title)s”当前状态为%(state)s，只有草稿可以直接修改。", title=challenge.title,
            state=challenge.display_state.label))
    form = _form(challenge)

    def update(data):
        ops.update_challenge(challenge, data, actor=current_user)
        _flash_saved(challenge)
        return redirect(url_for("challenges.detail", challenge_id=challenge.id))

    return _save(form, challenge, update)


@bp.route("/publish", methods=["POST"])
@role_required(Role.BUREAU)
def publish():
    form = PublishForm()
    form.challenge_ids.choices = [SelectChoice(i, str(i)) for i in request.form.getlist("challenge_ids", type=db_id)]
    if not form.validate_on_submit():
        if not form.challenge_ids.data:
            # back to the list, which says what to do (not a dead-end error page)
            return _index_page(publish_problems=[
                _("没有选择榜单：请在下面的列表中勾选要发布的草稿，再点“发布所选榜单”。")], status=400)
        raise InvalidInput([(name, m) for name, ms in form.errors.items() for m in ms])
    challenges = [load_or_404(Challenge, i) for i in dict.fromkeys(form.challenge_ids.data)]
    rerender_on_error(lambda exc: render_template(
        "challenges/publish_problems.html", by_challenge=getattr(exc, "by_challenge", None) or [],
        message=str(exc)))
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
        raise ops.ChallengeConflict(_(
            "“%(title)s”当前状态为%(state)s：只有揭榜截止前的已发布榜单可以发布变更。",
            title=challenge.title, state=challenge.display_state.label))
    form = _form(challenge)

    def amend_it(data):
        amendment = ops.amend_challenge(challenge, data, reason=form.reason.data, actor=current_user)
        flash(_("变更已发布，已提交的揭榜申报需由揭榜方重新确认"), "success")
        for change in amendment.changes:
            if change.get("note"):
                flash(change["note"], "warning")
        return redirect(url_for("challenges.detail", challenge_id=challenge.id))

    return _save(form, challenge, amend_it, amend=True)


@bp.route("/<int:challenge_id>/cancel", methods=["POST"])
@role_required(Role.BUREAU)
def cancel(challenge_id):
    challenge = _load(challenge_id)
    require(challenge.can_manage(current_user))
    form = RequiredReasonForm()
    if not form.validate_on_submit():
        return _detail_page(challenge, 400, cancel_form=form)
    ops.cancel_challenge(challenge, actor=current_user, reason=form.reason.data)
    flash(_("榜单已撤销"), "success")
    return redirect(url_for("challenges.detail", challenge_id=challenge.id))
