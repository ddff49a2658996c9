"""Admin pages: users and organisations."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select
from wtforms.fields.choices import SelectChoice

from ..core.pagination import paginate
from ..core.permissions import load_or_404, role_required
from ..extensions import db
from . import operations
from .forms import BadCreditForm, ConfirmForm, OrganisationForm, ResetPasswordForm, UserEditForm, UserForm
from .models import Organisation, OrgType, Role, User

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _org_choices():
    orgs = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    return [SelectChoice(0, _("（无）"))] + [SelectChoice(o.id, o.name) for o in orgs]


@bp.route("/users")
@role_required(Role.ADMIN)
def users():
    q = request.args.get("q", "").strip()
    stmt = select(User).order_by(User.id)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(User.email.ilike(like), User.name.ilike(like)))
    role = request.args.get("role")
    if role in {r.value for r in Role}:
        stmt = stmt.where(User.role == Role(role))
    return render_template("admin/users.html", page=paginate(stmt), q=q, role=role, roles=Role,
                           confirm=ConfirmForm())


@bp.route("/users/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_user():
    form = UserForm()
    form.organisation_id.choices = _org_choices()
    if form.validate_on_submit():
        org = db.session.get(Organisation, form.organisation_id.data) if form.organisation_id.data else None
        try:
            operations.create_user(
                email=form.email.data, name=form.name.data, role=Role(form.role.data),
                password=form.password.data, organisation=org, phone=form.phone.data, actor=current_user,
            )
        except operations.AccountError as exc:
            flash(str(exc), "error")
            return render_template("admin/user_form.html", form=form), 400
        flash(_("用户已创建"), "success")
        return redirect(url_for("admin.users"))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/user_form.html", form=form), status


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_user(user_id):
    user = load_or_404(User, user_id)
    form = UserEditForm(obj=user if request.method == "GET" else None)
    form.organisation_id.choices = _org_choices()
    if request.method == "GET":
        form.role.data = user.role.value
        form.organisation_id.data = user.organisation_id or 0
    password_form = ResetPasswordForm(formdata=None)
    if form.validate_on_submit():
        org = db.session.get(Organisation, form.organisation_id.data) if form.organisation_id.data else None
        try:
            changes = operations.update_user(user, name=form.name.data, phone=form.phone.data,
                                             role=Role(form.role.data), organisation=org, actor=current_user,
                                             reason=form.reason.data or None)
        except operations.AccountError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return render_template("admin/user_edit.html", form=form, user=user,
                                   password_form=password_form), exc.status
        flash(_("用户信息已修改") if changes else _("没有需要保存的修改"), "success" if changes else "info")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/user_edit.html", form=form, user=user, password_form=password_form), status


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@role_required(Role.ADMIN)
def reset_user_password(user_id):
    user = load_or_404(User, user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        operations.reset_password(user, form.password.data, actor=current_user, reason=form.reason.data or None)
        flash(_("密码已重置，请通过安全渠道告知用户并提醒其登录后修改"), "success")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    edit_form = UserEditForm(formdata=None, obj=user)
    edit_form.organisation_id.choices = _org_choices()
    edit_form.role.data = user.role.value
    edit_form.organisation_id.data = user.organisation_id or 0
    return render_template("admin/user_edit.html", form=edit_form, user=user, password_form=form), 400


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@role_required(Role.ADMIN)
def toggle_user(user_id):
    user = load_or_404(User, user_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(_("请求无效，请刷新页面后重试"), "error")
        return redirect(url_for("admin.users")), 400
    try:
        operations.set_user_active(user, not user.is_active_flag, actor=current_user, reason=form.reason.data)
    except operations.AccountError as exc:
        flash(str(exc), "error")
        return redirect(url_for("admin.users")), 409
    flash(_("账号已启用") if user.is_active_flag else _("账号已停用"), "success")
    return redirect(url_for("admin.users"))


@bp.route("/organisations")
@role_required(Role.ADMIN)
def organisations():
    q = request.args.get("q", "").strip()
    stmt = select(Organisation).order_by(Organisation.id)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(Organisation.name.ilike(like), Organisation.credit_code.ilike(like)))
    kind = request.args.get("type")
    if kind in {t.value for t in OrgType}:
        stmt = stmt.where(Organisation.org_type == OrgType(kind))
    return render_template("admin/organisations.html", page=paginate(stmt), q=q, kind=kind,
                           org_types=OrgType)


@bp.route("/organisations/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_organisation():
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            org = operations.create_organisation(
                name=form.name.data, short_name=form.short_name.data, org_type=OrgType(form.org_type.data),
                credit_code=form.credit_code.data, district=form.district.data, field=form.field.data,
                actor=current_user,
            )
        except operations.AccountError as exc:
            flash(str(exc), "error")
            return render_template("admin/organisation_form.html", form=form), 400
        flash(_("单位已登记"), "success")
        return redirect(url_for("admin.organisation", org_id=org.id))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/organisation_form.html", form=form), status


@bp.route("/organisations/<int:org_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def organisation(org_id):
    org = load_or_404(Organisation, org_id)
    form = BadCreditForm()
    if form.validate_on_submit():
        operations.add_bad_credit_record(org, recorded_on=form.recorded_on.data, reason=form.reason.data,
                                         source=form.source.data, actor=current_user)
        flash(_("失信记录已登记"), "success")
        return redirect(url_for("admin.organisation", org_id=org.id))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/organisation.html", org=org, form=form, confirm=ConfirmForm()), status


@bp.route("/organisations/<int:org_id>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_organisation(org_id):
    org = load_or_404(Organisation, org_id)
    form = OrganisationForm(obj=org if request.method == "GET" else None)
    if request.method == "GET":
        form.org_type.data = org.org_type.value
    if form.validate_on_submit():
        try:
            changes = operations.update_organisation(
                org, name=form.name.data, short_name=form.short_name.data, org_type=OrgType(form.org_type.data),
                credit_code=form.credit_code.data, district=form.district.data, field=form.field.data,
                actor=current_user, reason=form.reason.data or None,
            )
        except operations.AccountError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return render_template("admin/organisation_form.html", form=form, org=org), exc.status
        flash(_("单位信息已修改") if changes else _("没有需要保存的修改"), "success" if changes else "info")
        return redirect(url_for("admin.organisation", org_id=org.id))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/organisation_form.html", form=form, org=org), status


@bp.route("/organisations/<int:org_id>/active", methods=["POST"])
@role_required(Role.ADMIN)
def toggle_organisation(org_id):
    org = load_or_404(Organisation, org_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(_("请求无效，请刷新页面后重试"), "error")
        return redirect(url_for("admin.organisation", org_id=org.id)), 400
    operations.set_organisation_active(org, not org.is_active, actor=current_user, reason=form.reason.data)
    flash(_("单位已启用") if org.is_active else _("单位已停用"), "success")
    return redirect(url_for("admin.organisation", org_id=org.id))
