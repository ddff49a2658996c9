"""The user's notifications: list, mark read, preferences, followed fields."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..auth.models import Role
from ..core import navigation
from ..core.errors import InvalidInput, rerender_on_error
from ..core.fields import FIELD_NAMES
from ..core.pagination import paginate
from ..core.permissions import load_or_404
from ..core.urls import safe_next
from ..extensions import db
from . import operations as ops
from . import registry
from .forms import ActionForm, FollowForm, PreferencesForm
from .models import FieldFollow, Notification, NotificationOptOut

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

navigation.register(_l("消息通知"), "notifications.index", [r.value for r in Role], order=95)


@bp.route("/")
@login_required
def index():
    stmt = (sa.select(Notification).where(Notification.user_id == current_user.id)
            .order_by(Notification.id.desc()))
    if request.args.get("unread") == "1":
        stmt = stmt.where(Notification.read_at.is_(None))
    return render_template("notifications/index.html", page=paginate(stmt, per_page=20),
                           unread_only=request.args.get("unread") == "1")


@bp.route("/<int:notification_id>/read", methods=["POST"])
@login_required
def read(notification_id):
    notification = load_or_404(Notification, notification_id)
    if not notification.can_view(current_user):
        return _not_found()
    if not ActionForm().validate_on_submit():
        raise InvalidInput(_("表单已过期，请刷新页面后重试。"))
    ops.mark_read(notification)
    target = safe_next(request.form.get("next")) or notification.link or url_for("notifications.index")
    return redirect(safe_next(target) or url_for("notifications.index"))


def _not_found():
    from ..core.errors import NotFound

    raise NotFound(_("该通知不存在"))


@bp.route("/read-all", methods=["POST"])
@login_required
def read_all():
    if not ActionForm().validate_on_submit():
        raise InvalidInput(_("表单已过期，请刷新页面后重试。"))
    count = ops.mark_all_read(current_user)
    flash(_("已将 %(n)s 条通知标为已读", n=count), "success")
    return redirect(url_for("notifications.index"))


def _preference_choices(form):
    form.categories.choices = [(c.name, str(c.label)) for c in registry.optional_categories()]
    form.locale.choices = list(current_app.config["LANGUAGES"].items())


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    form = PreferencesForm()
    _preference_choices(form)
    follow_form = FollowForm(prefix="follow")
    follow_form.fields.choices = [(f, f) for f in FIELD_NAMES]
    if request.method == "GET":
        off = set(db.session.scalars(sa.select(NotificationOptOut.category)
                                     .where(NotificationOptOut.user_id == current_user.id)))
        form.categories.data = [c for c, _label in form.categories.choices if c not in off]
        form.locale.data = current_user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
        if current_user.organisation_id:
            follow_form.fields.data = list(db.session.scalars(sa.select(FieldFollow.field).where(
                FieldFollow.organisation_id == current_user.organisation_id)))

    def page(exc=None):
        if exc is not None:
            for field, message in exc.problems:
                getattr(form, field, form.categories).errors = [message]
        return render_template("notifications/settings.html", form=form, follow_form=follow_form,
                               can_follow=current_user.can_bid)

    rerender_on_error(page)
    if request.method == "POST":
        if not form.validate_on_submit():
            return page(), 400
        ops.save_preferences(current_user, enabled_categories=set(form.categories.data or []),
                             locale=form.locale.data, languages=current_app.config["LANGUAGES"])
        flash(_("通知设置已保存"), "success")
        return redirect(url_for("notifications.settings"))
    return page()


@bp.route("/follows", methods=["POST"])
@login_required
def follows():
    if not current_user.can_bid:
        from ..core.errors import Forbidden

        raise Forbidden(_("只有单位用户可以关注产业领域"))
    follow_form = FollowForm(prefix="follow")
    follow_form.fields.choices = [(f, f) for f in FIELD_NAMES]
    if not follow_form.validate_on_submit():
        raise InvalidInput([("fields", _("请选择有效的产业领域"))])
    ops.set_field_follows(current_user.organisation, set(follow_form.fields.data or []), set(FIELD_NAMES))
    flash(_("关注的产业领域已保存：有新榜单发布时将通知本单位用户"), "success")
    return redirect(url_for("notifications.settings"))
