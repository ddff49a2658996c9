"""Demands: an enterprise files and submits; the bureau screens. Thin views."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from ..auth.models import Role
from ..core import navigation
from ..core.pagination import paginate
from ..core.permissions import load_or_404, require, role_required
from ..core.storage import BlobStore
from ..extensions import db, limiter
from . import operations as ops
from .models import Demand, DemandAttachment, can_file_demand
from ..challenges.forms import AttachmentForm, ReasonForm
from ..challenges.operations import ChallengeConflict, ChallengeError, ChallengeInvalid
from ..core.errors import rerender_on_error
from ..challenges.viewutil import error_page, state_history
from .forms import DemandForm

bp = Blueprint("demands", __name__, url_prefix="/demands")

navigation.register(_l("需求管理"), "demands.manage_list", [Role.BUREAU], order=10)
navigation.register(_l("我的需求"), "demands.mine", [Role.APPLICANT], order=10)


def _load(demand_id: int) -> Demand:
    demand = load_or_404(Demand, demand_id)
    if not demand.can_view(current_user):
        abort(404)  # another enterprise's demand, or a draft: not even its existence shows
    return demand


def _attach(form, problems) -> None:
    for key, message in problems:
        field = getattr(form, key)
        field.errors = [*field.errors, message]


def _render_form(form, demand=None, status=200):
    return render_template("demands/form.html", form=form, demand=demand), status


def _detail(demand, status=200, **forms):
    forms.setdefault("upload_form", AttachmentForm())
    forms.setdefault("screen_form", ReasonForm())
    return render_template("demands/detail.html", demand=demand, history=state_history(demand),
                           confirm_form=ReasonForm(), **forms), status


@bp.route("/mine")
@role_required(Role.APPLICANT)
def mine():
    stmt = (select(Demand).where(Demand.organisation_id == current_user.organisation_id)
            .order_by(Demand.updated_at.desc(), Demand.id.desc()))
    return render_template("demands/mine.html", page=paginate(stmt),
                           can_file=can_file_demand(current_user))


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.APPLICANT)
def new():
    require(can_file_demand(current_user))
    form = DemandForm()
    if form.validate_on_submit():
        try:
            demand = ops.save_demand(None, form.to_data(), actor=current_user)
        except ChallengeInvalid as exc:
            db.session.rollback()  # re-render from the stored state
            _attach(form, exc.problems)
            return _render_form(form, status=400)
        flash(_("需求草稿已保存，可继续补充附件后提交"), "success")
        return redirect(url_for("demands.detail", demand_id=demand.id))
    return _render_form(form, status=400 if request.method == "POST" else 200)


@bp.route("/<int:demand_id>")
@login_required
def detail(demand_id):
    return _detail(_load(demand_id))


@bp.route("/<int:demand_id>/edit", methods=["GET", "POST"])
@login_required
def edit(demand_id):
    demand = _load(demand_id)
    require(demand.is_member(current_user))
    if not demand.can_edit(current_user):
        raise ChallengeConflict(_("需求“%(title)s”当前状态为%(state)s，不能修改：只有草稿和退回补充的需求可以修改。",
                                  title=demand.title, state=demand.state.label))
    form = DemandForm()
    if request.method == "GET":
        form.fill_from(demand)
    elif form.validate_on_submit():
        try:
            ops.save_demand(demand, form.to_data(), actor=current_user)
        except ChallengeInvalid as exc:
            db.session.rollback()  # re-render from the stored state
            _attach(form, exc.problems)
            return _render_form(form, demand, 400)
        flash(_("需求已保存"), "success")
        return redirect(url_for("demands.detail", demand_id=demand.id))
    else:
        return _render_form(form, demand, 400)
    return _render_form(form, demand)


@bp.route("/<int:demand_id>/submit", methods=["POST"])
@login_required
def submit(demand_id):
    demand = _load(demand_id)
    require(demand.is_member(current_user))
    if not ReasonForm().validate_on_submit():
        abort(400)
    # Every missing item at once, on the demand's own page with a link to fix them.
    rerender_on_error(lambda exc: _detail(db.session.get(Demand, demand_id),
                                          submit_problems=exc.problems or [("state", exc.message)])[0])
    ops.submit_demand(demand, actor=current_user)
    flash(_("需求已提交，请等待科技局筛选"), "success")
    return redirect(url_for("demands.detail", demand_id=demand.id))


def _uploader_key() -> str:
    return f"upload:user:{current_user.id if current_user.is_authenticated else request.remote_addr}"


@bp.route("/<int:demand_id>/attachments", methods=["POST"])
@login_required
@limiter.limit(lambda: current_app.config["UPLOAD_RATE_LIMIT"], key_func=_uploader_key)
def upload(demand_id):
    demand = _load(demand_id)
    require(demand.is_member(current_user))
    form = AttachmentForm()
    if not form.validate_on_submit():
        return _detail(demand, 400, upload_form=form)
    upload_file = form.file.data
    data = upload_file.read(current_app.config["MAX_FILE_SIZE"] + 1)
    try:
        ops.add_demand_attachment(demand, filename=upload_file.filename, data=data, actor=current_user)
    except ChallengeInvalid as exc:
        db.session.rollback()  # re-render from the stored state
        form.file.errors = [m for _k, m in exc.problems]
        return _detail(db.session.get(Demand, demand_id), 400, upload_form=form)
    except ChallengeError as exc:
        return error_page(exc.status, str(exc))
    flash(_("附件已上传"), "success")
    return redirect(url_for("demands.detail", demand_id=demand.id))


def _load_attachment(demand_id: int, attachment_id: int) -> DemandAttachment:
    demand = _load(demand_id)
    attachment = load_or_404(DemandAttachment, attachment_id)
    if attachment.demand_id != demand.id or attachment.is_removed:
        abort(404)
    return attachment


@bp.route("/<int:demand_id>/attachments/<int:attachment_id>")
@login_required
def attachment(demand_id, attachment_id):
    item = _load_attachment(demand_id, attachment_id)
    path = BlobStore(current_app.config["UPLOAD_FOLDER"]).path_for(item.sha256)
    return send_file(path, mimetype=item.content_type, as_attachment=True, download_name=item.filename,
                     max_age=0)


@bp.route("/<int:demand_id>/attachments/<int:attachment_id>/delete", methods=["POST"])
@login_required
def delete_attachment(demand_id, attachment_id):
    item = _load_attachment(demand_id, attachment_id)
    require(item.demand.is_member(current_user))
    if not ReasonForm().validate_on_submit():
        abort(400)
    ops.remove_demand_attachment(item, actor=current_user)
    flash(_("附件已删除"), "success")
    return redirect(url_for("demands.detail", demand_id=demand_id))
