"""Home page, role home pages, language switch, policy settings, audit log."""
from __future__ import annotations

from flask import (Blueprint, abort, current_app, flash, jsonify, make_response, redirect, render_template,
                   request, url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired

from ..auth.models import Role
from . import navigation, operations
from .forms import BaseForm
from .models import AuditEvent
from .money import MoneyError, format_yuan, yuan_to_fen
from .numbers import NumberError, parse_int
from .pagination import paginate
from .permissions import role_required
from .policy import POLICY_LABELS, all_policies, is_money_key
from .urls import safe_next

bp = Blueprint("core", __name__)


@bp.route("/")
def index():
    return render_template("core/index.html")


@bp.route("/dashboard")
@login_required
def dashboard():
    # One home page per role; each domain adds its panels to the role's template.
    return render_template(f"core/home_{current_user.role.value}.html",
                           dashboard_panels=navigation.panels_for(current_user))


@bp.route("/audit/head.json")
def audit_head():
    """The audit chain's head, public: outsiders can write it down and compare later."""
    from .audit import chain_head
    from .timeutil import utcnow

    head = chain_head()
    response = jsonify({"height": head.height, "hash": head.hash, "algorithm": "sha256",
                        "checked_at": utcnow().isoformat()})
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/lang/<code>")
def set_language(code):
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    target = safe_next(request.args.get("next")) or url_for("core.index")
    response = make_response(redirect(target))
    response.set_cookie("lang", code, max_age=365 * 24 * 3600, httponly=True, samesite="Lax")
    return response


class PolicyForm(BaseForm):
    key = HiddenField(validators=[DataRequired()])
    value = StringField(validators=[DataRequired()])


@bp.route("/admin/policy", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def policy_settings():
    form = PolicyForm()
    status = 200
    if form.validate_on_submit():
        key = form.key.data
        try:
            if key not in POLICY_LABELS:
                raise operations.PolicyError(_("未知的政策参数"))
            raw = form.value.data
            if is_money_key(key):
                value = yuan_to_fen(raw)
            else:
                try:
                    value = parse_int(raw, min_value=0, max_value=operations.MAX_POLICY_COUNT)
                except NumberError:
                    raise operations.PolicyError(_("请输入非负整数（不超过%(max)s）",
                                                   max=operations.MAX_POLICY_COUNT)) from None
            operations.set_policy(key, value, actor=current_user)
        except (operations.PolicyError, MoneyError) as exc:
            flash(str(exc), "error")
            status = 400
        else:
            flash(_("政策参数已更新"), "success")
            return redirect(url_for("core.policy_settings"))
    elif request.method == "POST":
        flash(_("请求无效，请检查输入"), "error")
        status = 400
    values = all_policies()
    rows = [
        {
            "key": key,
            "label": label,
            "unit": unit,
            "value": values[key],
            "display": format_yuan(values[key]) if is_money_key(key) else str(values[key]),
            "input": str(values[key] // 100) if is_money_key(key) else str(values[key]),
            "default": current_app.config["POLICY"][key],
        }
        for key, (label, unit) in POLICY_LABELS.items()
    ]
    return render_template("admin/policy.html", rows=rows, form=form), status


@bp.route("/admin/audit")
@role_required(Role.ADMIN, Role.BUREAU)
def audit_log():
    from .audit import visible_events_select

    stmt = (visible_events_select(current_user).order_by(AuditEvent.height.desc())
            .options(selectinload(AuditEvent.actor)))
    entity = request.args.get("entity", "").strip()[:64]
    if entity:
        stmt = stmt.where(AuditEvent.entity_type == entity)
    return render_template("admin/audit.html", page=paginate(stmt, per_page=50), entity=entity)
