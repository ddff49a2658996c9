"""The public portal (榜单大厅): no login; only published challenges exist here."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..auth.models import Role
from ..core import navigation
from ..core.fields import field_label
from ..core.pagination import paginate
from ..core.permissions import load_or_404
from ..core.timeutil import utcnow
from .forms import PortalSearchForm
from .models import Challenge
from .notices import notices_for
from .queries import PORTAL_STATES, facet_values, portal_select

bp = Blueprint("portal", __name__, url_prefix="/challenges")

navigation.register(_l("榜单大厅"), "portal.index", ["anonymous", *Role], order=5)


def countdown_text(deadline: datetime | None, now: datetime | None = None) -> str:
    """'距揭榜截止还有 3 天 4 小时 5 分钟' computed on the server (Asia/Shanghai deadline shown beside it)."""
    if deadline is None:
        return ""
    remaining = int((deadline - (now or utcnow())).total_seconds())
    if remaining <= 0:
        return _("揭榜已截止")
    days, rest = divmod(remaining, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    return _("距揭榜截止还有 %(d)s 天 %(h)s 小时 %(m)s 分钟", d=days, h=hours, m=minutes)


@bp.route("")
def index():
    form = PortalSearchForm(request.args)
    fields, districts = facet_values()
    form.field.choices = [SelectChoice("", _("全部领域"))] + [SelectChoice(f, field_label(f)) for f in fields]
    form.district.choices = [SelectChoice("", _("全部区县"))] + [SelectChoice(d, d) for d in districts]
    form.status.choices = [SelectChoice("", _("全部状态"))] + [SelectChoice(s.value, s.label) for s in PORTAL_STATES]
    valid = form.validate()
    stmt = portal_select(
        q=(form.q.data or "") if not form.q.errors else "",
        field=form.field.data if form.field.data in fields else "",
        district=form.district.data if form.district.data in districts else "",
        status=form.status.data or "",
        support_min_fen=form.wan_to_fen(form.support_min),
        support_max_fen=form.wan_to_fen(form.support_max),
        sort=form.sort.data or "deadline",
    )
    # A malformed search (e.g. support_min=1e999999) still shows the list, filtered by
    # what was valid, with the reason beside the field: 400, not 200.
    bad = not valid and any(f.errors for f in (form.q, form.support_min, form.support_max))
    return render_template("challenges/portal_list.html", form=form, page=paginate(stmt), now=utcnow(),
                           countdown_text=countdown_text), 400 if bad else 200


@bp.route("/<int:challenge_id>")
def detail(challenge_id):
    challenge = load_or_404(Challenge, challenge_id)
    if not challenge.is_public:
        abort(404)  # drafts and unpublished cancellations do not exist for the public
    return render_template("challenges/portal_detail.html", c=challenge, notices=notices_for(challenge, current_user),
                           countdown=countdown_text(challenge.bid_deadline_at) if challenge.is_published else "",
                           is_open=challenge.is_open_for_bids())


@bp.app_context_processor
def latest_challenges_panel():
    """For the home page's "latest challenges" panel: a callable, so only that page queries."""
    from .queries import latest_public

    return {"latest_public_challenges": latest_public}
