"""The bureau's demand pages: the list of filed demands and screening (accept →
draft challenge, reject, return for more information). Same blueprint as views.py."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask import flash
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from ..auth.models import Role
from ..challenges.forms import FIELD_CHOICES, ReasonForm, RequiredReasonForm
from ..challenges.viewutil import error_page
from ..core.pagination import paginate
from ..core.permissions import role_required
from . import operations as ops
from .models import Demand, DemandState
from .views import _detail, _load, bp

@bp.route("/")
@role_required(Role.BUREAU)
def manage_list():
    stmt = select(Demand).where(Demand.state != DemandState.DRAFT).order_by(Demand.submitted_at.desc(), Demand.id.desc())
    status = request.args.get("status", "")
    if status in {s.value for s in DemandState if s is not DemandState.DRAFT}:
        stmt = stmt.where(Demand.state == DemandState(status))
    field = request.args.get("field", "")
    if field:
        stmt = stmt.where(Demand.field == field)
    return render_template("demands/manage_list.html", page=paginate(stmt), status=status, field=field,
                           states=[s for s in DemandState if s is not DemandState.DRAFT],
                           fields=[c.value for c in FIELD_CHOICES if c.value])


SCREENING = {
    "accept": (ops.accept_demand, ReasonForm, _l("需求已采纳，已生成榜单草稿，请完善后发布")),
    "reject": (ops.reject_demand, RequiredReasonForm, _l("需求未予采纳，理由已告知企业")),
    "return": (ops.return_demand, RequiredReasonForm, _l("需求已退回企业补充材料")),
}


@bp.route("/<int:demand_id>/<any(accept, reject, return):decision>", methods=["POST"])
@role_required(Role.BUREAU)
def screen(demand_id, decision):
    demand = _load(demand_id)
    operation, form_class, message = SCREENING[decision]
    form = form_class()
    if not form.validate_on_submit():
        return _detail(demand, 400, screen_form=form)
    if not demand.can_screen(current_user):
        return error_page(409, _("该需求当前状态为%(state)s，不能筛选", state=demand.state.label))
    result = operation(demand, actor=current_user, reason=form.reason.data)
    flash(str(message), "success")
    if decision == "accept":
        return redirect(url_for("challenges.edit", challenge_id=result.id))
    return redirect(url_for("demands.detail", demand_id=demand.id))
