"""The expert pool (专家库): list, detail, edit, import for bureau staff (and admins);
我的专家档案 for the expert. Thin: load, check, form, one operation, commit once."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_, select

from ..core import navigation
from ..core.audit import history
from ..core.errors import error_page
from ..core.fields import INDUSTRY_FIELDS
from ..core.pagination import paginate
from ..core.permissions import load_or_404, require, role_required
from ..core.uploads import UploadRejected
from ..extensions import db
from . import expert_import
from .expert_forms import ExpertProfileForm, ImportForm
from .expert_models import ExpertField, ExpertProfile, can_edit_expert
from .expert_operations import ExpertError, save_expert_profile, set_expert_active
from .expert_rules import CONFLICT_LOOKBACK_YEARS, declared_org_ids, employers_within
from .forms import ConfirmForm
from .models import Organisation, Role, User

bp = Blueprint("experts", __name__)
STAFF = (Role.BUREAU, Role.ADMIN)

navigation.register(_l("专家库"), "experts.index", [Role.BUREAU], order=13)
navigation.register(_l("我的专家档案"), "experts.mine", [Role.EXPERT], order=30)


def _expert_or_404(user_id: int) -> User:
    user = load_or_404(User, user_id)
    if user.role is not Role.EXPERT:
        abort(404)
    return user


@bp.route("/experts")
@role_required(*STAFF)
def index():
    stmt = (select(User).outerjoin(ExpertProfile, ExpertProfile.user_id == User.id)
            .where(User.role == Role.EXPERT).order_by(User.id))
    q = request.args.get("q", "").strip()[:100]
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(User.name.ilike(like), User.email.ilike(like)))
    field = request.args.get("field", "")
    if field in INDUSTRY_FIELDS:
        stmt = stmt.where(ExpertProfile.id.in_(select(ExpertField.profile_id).where(ExpertField.field == field)))
    else:
        field = ""
    active = request.args.get("active", "")
    if active == "1":
        stmt = stmt.where(ExpertProfile.is_active.is_(True), User.is_active_flag.is_(True))
    elif active == "0":
        stmt = stmt.where(or_(ExpertProfile.id.is_(None), ExpertProfile.is_active.is_(False),
                              User.is_active_flag.is_(False)))
    else:
        active = ""
    return render_template("experts/index.html", page=paginate(stmt), q=q, field=field, active=active,
                           fields=INDUSTRY_FIELDS)


CHANGE_LABELS = {"title": _l("职称"), "employer": _l("现工作单位"), "fields": _l("专业领域"),
                 "employments": _l("历史工作单位"), "relationships": _l("申报的利害关系"),
                 "is_active": _l("在库状态")}


def _shown(value) -> str:
    if value is None or value == [] or value == "":
        return "—"
    if isinstance(value, bool):
        return _("在库") if value else _("不在库")
    if isinstance(value, list):
        return "、".join(map(str, value))
    return str(value)


def _event_rows(profile) -> list[dict]:
    return [{"event": e, "changes": [(str(CHANGE_LABELS.get(k, k)), _shown(old), _shown(new))
                                     for k, (old, new) in (e.data.get("changes") or {}).items()]}
            for e in history(profile)]


def _detail_context(expert: User) -> dict:
    profile = expert.expert_profile
    context = {"expert": expert, "profile": profile, "conflict_orgs": [], "events": [],
               "lookback": CONFLICT_LOOKBACK_YEARS}
    if profile is not None:
        ids = employers_within(profile, CONFLICT_LOOKBACK_YEARS) | declared_org_ids(profile)
        context["conflict_orgs"] = db.session.scalars(
            select(Organisation).where(Organisation.id.in_(ids)).order_by(Organisation.name)).all()
        context["events"] = _event_rows(profile)
    return context


@bp.route("/experts/<int:user_id>")
@role_required(*STAFF)
def detail(user_id):
    expert = _expert_or_404(user_id)
    return render_template("experts/detail.html", confirm=ConfirmForm(), **_detail_context(expert))


def _edit(expert: User, *, template_args: dict, done_url: str):
    """The shared edit flow of the bureau's page and the expert's own page."""
    require(can_edit_expert(current_user, expert))
    staff = current_user.role in STAFF
    form = ExpertProfileForm(can_set_active=staff)
    profile = expert.expert_profile
    if request.method == "GET":
        form.fill_from(profile)
        if profile is None and staff:
            form.is_active.data = True
        form.add_blank_rows()
        return render_template("experts/edit.html", form=form, expert=expert, **template_args)
    if form.validate_on_submit():
        try:
            save_expert_profile(expert, form.to_data(), actor=current_user,
                                is_active=form.is_active.data if staff else None)
        except ExpertError as exc:
            db.session.rollback()
            if exc.status == 403:
                abort(403)
            form.show_problems(exc.problems)
        else:
            flash(_("专家档案已保存"), "success")
            return redirect(done_url)
    return render_template("experts/edit.html", form=form, expert=expert, **template_args), 400


@bp.route("/experts/<int:user_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def edit(user_id):
    expert = _expert_or_404(user_id)
    return _edit(expert, template_args={"own": False},
                 done_url=url_for("experts.detail", user_id=expert.id))


@bp.route("/my/expert-profile", methods=["GET", "POST"])
@role_required(Role.EXPERT)
def mine():
    if request.method == "GET" and request.args.get("view") != "edit":
        return render_template("experts/mine.html", **_detail_context(current_user))
    return _edit(current_user, template_args={"own": True}, done_url=url_for("experts.mine"))


@bp.route("/experts/<int:user_id>/active", methods=["POST"])
@role_required(*STAFF)
def toggle_active(user_id):
    expert = _expert_or_404(user_id)
    profile = expert.expert_profile
    form = ConfirmForm()
    if profile is None:
        return error_page(409, _("该专家尚未建立专家档案，请先填写档案"))
    if not form.validate_on_submit():
        return error_page(400, _("请求无效，请刷新页面后重试"))
    set_expert_active(profile, not profile.is_active, actor=current_user, reason=form.reason.data or None)
    flash(_("专家已入库") if profile.is_active else _("专家已出库"), "success")
    return redirect(url_for("experts.detail", user_id=expert.id))


@bp.route("/experts/import", methods=["GET", "POST"])
@role_required(*STAFF)
def import_experts():
    form = ImportForm()
    if request.method == "GET":
        return render_template("experts/import.html", form=form, result=None, columns=expert_import.COLUMNS)
    if not form.validate_on_submit():
        return render_template("experts/import.html", form=form, result=None, columns=expert_import.COLUMNS), 400
    try:
        data = expert_import.read_upload(form.file.data)
        result = expert_import.import_experts(data, actor=current_user)
    except UploadRejected as exc:
        db.session.rollback()
        form.file.errors = [str(exc)]
        return render_template("experts/import.html", form=form, result=None,
                               columns=expert_import.COLUMNS), exc.status
    if result.problems:
        db.session.rollback()
        return render_template("experts/import.html", form=form, result=result, columns=expert_import.COLUMNS), 400
    flash(_("已导入%(n)s位专家；账号需由管理员重置密码后方可登录", n=len(result.created)), "success")
    return redirect(url_for("experts.index"))


@bp.route("/experts/import/template.csv")
@role_required(*STAFF)
def import_template():
    header = ",".join(expert_import.COLUMNS)
    from ..core.credit_code import synthetic

    sample = f"张三,zhangsan@example.cn,13800000000,教授,{synthetic('示例单位')},新材料、超硬材料,"
    body = "\ufeff" + header + "\r\n" + sample + "\r\n"
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=expert-import-template.csv"})
