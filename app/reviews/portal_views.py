"""Public pages (no login): the 揭榜结果公示 list and detail, with the objection
window's end in Beijing time, and the real-name objection form."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core import navigation
from ..core.errors import rerender_on_error
from ..core.pagination import paginate
from ..core.permissions import load_or_404
from ..core.timeutil import utcnow
from ..core.uploads import UploadRejected, check_content, read_limited
from ..extensions import db, limiter
from .award import file_objection, last_day_text
from .forms import ObjectionForm, attach_problems
from .models import Award, Publicity
from .queries import current_publicity

bp = Blueprint("publicity", __name__, url_prefix="/publicity")

navigation.register(_l("结果公示"), "publicity.index", ["anonymous", "admin", "bureau", "finance", "expert",
                                                      "applicant"], order=6)


@bp.route("")
def index():
    page = paginate(sa.select(Publicity).order_by(Publicity.starts_at.desc(), Publicity.id.desc()))
    latest = {p.challenge_id: current_publicity(p.challenge_id).id for p in page.items}
    return render_template("reviews/publicity_index.html", page=page, latest=latest, now=utcnow(),
                           last_day_text=last_day_text)


def _winners(publicity: Publicity) -> list[dict]:
    """The active winners named in the latest 公示 (from their submitted snapshots)."""
    round_ = publicity.challenge.review_round
    awards = db.session.scalars(sa.select(Award).where(Award.round_id == round_.id, Award.revoked_at.is_(None))
                                .order_by(Award.rank_at_award)).all()
    return [{"rank": a.rank_at_award, "snap": a.bid.latest_version.snapshot} for a in awards]


@bp.route("/<int:publicity_id>")
def detail(publicity_id):
    publicity = load_or_404(Publicity, publicity_id)
    latest = current_publicity(publicity.challenge_id)
    return render_template("reviews/publicity_detail.html", publicity=publicity, latest=latest,
                           winners=_winners(publicity) if latest.id == publicity.id else [],
                           now=utcnow(), last_day_text=last_day_text)


def _form_page(publicity, form, status=200):
    return render_template("reviews/objection_form.html", publicity=publicity, form=form,
                           last_day_text=last_day_text, now=utcnow()), status


@bp.route("/<int:publicity_id>/objection", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def objection(publicity_id):
    publicity = load_or_404(Publicity, publicity_id)
    form = ObjectionForm()
    if not form.is_submitted():
        return _form_page(publicity, form)
    rerender_on_error(lambda exc: (attach_problems(form, exc.problems) if exc.problems
                                   else form.form_errors.append(str(exc)), _form_page(publicity, form)[0])[1])
    if not form.validate_on_submit():
        return _form_page(publicity, form, 400)
    checked = None
    upload = form.attachment.data
    if upload is not None and getattr(upload, "filename", ""):
        try:
            data = read_limited(upload.stream, current_app.config["MAX_FILE_SIZE"])
            checked = check_content(data, upload.filename)
        except UploadRejected as exc:
            attach_problems(form, [("attachment", str(exc))])
            return _form_page(publicity, form, exc.status)
    file_objection(publicity, name=form.name.data, organisation=form.organisation.data, phone=form.phone.data,
                   email=form.email.data, content=form.content.data, attachment=checked)
    flash(_("异议已受理。科技局核查处理后将通过电子邮件答复您。"), "success")
    return redirect(url_for("publicity.detail", publicity_id=publicity.id))

