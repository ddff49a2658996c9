"""Home page, role home pages, language switch, policy settings, audit log."""
from __future__ import annotations

from flask import (Blueprint, abort, current_app, flash, jsonify, make_response, redirect, render_template,
                   request, url_for)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired

from ..auth.models import Role
from . import navigation, operations
from .forms import BaseForm
from .models import AuditEvent
from .pagination import paginate
from .permissions import role_required
from .errors import rerender_on_error
from .policy import POLICY_SPECS, all_policies, display_value, input_value
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
    key = HiddenField(validators=[DataRequired(_l("未指定要修改的政策参数"))])
    value = StringField(validators=[DataRequired(_l("请填写参数值"))])


def _policy_rows(form=None) -> list[dict]:
    values = all_policies()
    rows = []
    for key, spec in POLICY_SPECS.items():
        mine = form is not None and form.key.data == key
        rows.append({
            "key": key, "label": spec.label, "unit": spec.unit, "value": values[key],
            "display": display_value(key, values[key]),
            "input": (form.value.data or "") if mine else input_value(key, values[key]),
            "range": _("%(low)s 至 %(high)s", low=display_value(key, spec.floor),
                       high=display_value(key, spec.ceiling)),
            "default": display_value(key, current_app.config["POLICY"][key]),
            "errors": [m for f, m in form.problems] if mine and getattr(form, "problems", None) else [],
        })
    return rows


@bp.route("/admin/policy", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def policy_settings():
    form = PolicyForm()
    if form.validate_on_submit():
        def rerender(exc):
            form.problems = exc.problems
            unknown = form.key.data not in POLICY_SPECS
            return render_template("admin/policy.html", rows=_policy_rows(form), form=form,
                                   general_errors=[m for _f, m in exc.problems] if unknown else [])

        rerender_on_error(rerender)
        key = form.key.data
        value = operations.parse_policy_value(key, form.value.data)
        if operations.set_policy(key, value, actor=current_user) is None:
            flash(_("“%(label)s”未改变，无需保存", label=POLICY_SPECS[key].label), "info")
        else:
            flash(_("政策参数已更新"), "success")
        return redirect(url_for("core.policy_settings"))
    if request.method == "POST":
        problems = [("value", m) for errors in form.errors.values() for m in errors]
        form.problems = problems or [("value", _("请求无效，请检查输入"))]
        return render_template("admin/policy.html", rows=_policy_rows(form), form=form,
                               general_errors=[m for _f, m in form.problems]
                               if form.key.data not in POLICY_SPECS else []), 400
    return render_template("admin/policy.html", rows=_policy_rows(), form=form)


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
