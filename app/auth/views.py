"""Login, logout, change password. Thin: form -> operation -> commit -> redirect."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..core.uow import keep_on_error
from ..core.urls import safe_next
from ..extensions import limiter
from . import operations, throttle
from .forms import ChangePasswordForm, LoginForm

bp = Blueprint("auth", __name__)


def _ip_limit():
    return current_app.config["LOGIN_RATE_LIMIT_PER_IP"]


def _failed(response) -> bool:
    """Only failed attempts count towards the limits."""
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_ip_limit, methods=["POST"], deduct_when=_failed)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        # Throttled per (account, address) with growing delays: see auth/throttle.py.
        wait = throttle.seconds_to_wait(form.email.data)
        if wait:
            return _throttled(form, wait)
        user = operations.authenticate(form.email.data, form.password.data)
        if user is None:
            keep_on_error()  # the failed attempt is a security record: it survives the 401
            operations.record_failed_login(form.email.data)
            delay = throttle.record_failure(form.email.data)
            if delay:
                operations.record_throttled(form.email.data, delay)
                return _throttled(form, delay)
            flash(_("电子邮箱或密码不正确"), "error")
            return render_template("auth/login.html", form=form), 401
        throttle.record_success(form.email.data)
        if not user.is_active:
            flash(_("该账号已停用，请联系系统管理员"), "error")
            return render_template("auth/login.html", form=form), 403
        # Remember-me (14 days at most) is for applicants and experts, never for staff.
        remember = bool(form.remember.data) and not user.is_staff
        login_user(user, remember=remember)
        operations.record_login(user, remembered=remember)
        return redirect(safe_next(request.args.get("next")) or url_for("core.dashboard"))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


def _throttled(form, seconds: int):
    flash(_("登录失败次数过多，%(wait)s。", wait=throttle.wait_text(seconds)), "error")
    response = current_app.make_response((render_template("auth/login.html", form=form), 429))
    response.headers["Retry-After"] = str(seconds)
    return response


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    user = current_user._get_current_object()
    logout_user()
    operations.logout(user)
    flash(_("您已安全退出"), "info")
    return redirect(url_for("core.index"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            operations.change_password(current_user, form.current_password.data, form.new_password.data)
        except operations.AccountError as exc:
            flash(str(exc), "error")
            return render_template("auth/change_password.html", form=form), 400
        # Every session was revoked; this one continues with the new token.
        login_user(current_user._get_current_object())
        flash(_("密码已修改"), "success")
        return redirect(url_for("core.dashboard"))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/change_password.html", form=form), status
