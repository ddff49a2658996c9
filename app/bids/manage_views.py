"""Bureau pages: bid counts (sealed), opening, the list of opened bids, formal review,
the bid summary PDF."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from ..auth.models import Role
from ..challenges.models import PUBLIC_STATES, Challenge
from ..core import navigation
from ..core.pagination import paginate
from ..core.permissions import load_or_404, require, role_required
from ..core.timeutil import utcnow
from ..documents.layout import DocumentContextError
from ..extensions import db
from . import formal_review as review_ops
from .documents import issue_bid_summary
from .forms import ConfirmForm, FormalReviewForm
from .models import IN_COMPETITION, Bid, BidOpening
from .operations import BidError
from .seal import opened_bids_select, opening_for, submitted_count
from .viewutil import act, error_page

bp = Blueprint("bid_review", __name__, url_prefix="/manage/bids")

navigation.register(_l("揭榜管理"), "bid_review.index", [Role.BUREAU], order=12)


@bp.route("/")
@role_required(Role.BUREAU)
def index():
    """Every public challenge with its number of submitted bids: the only figure shown
    before the opening."""
    page = paginate(select(Challenge).where(Challenge.state.in_(PUBLIC_STATES))
                    .order_by(Challenge.bid_deadline_at.desc(), Challenge.id.desc()))
    ids = [c.id for c in page.items]
    counts = dict(db.session.execute(
        select(Bid.challenge_id, func.count(Bid.id))
        .where(Bid.challenge_id.in_(ids), Bid.state.in_(IN_COMPETITION))
        .group_by(Bid.challenge_id)).all())
    opened = set(db.session.scalars(select(BidOpening.challenge_id).where(BidOpening.challenge_id.in_(ids))))
    return render_template("bids/manage_index.html", page=page, counts=counts, opened=opened, now=utcnow())


def _challenge(challenge_id: int) -> Challenge:
    challenge = load_or_404(Challenge, challenge_id)
    if not challenge.is_public:
        abort(404)
    return challenge


@bp.route("/challenge/<int:challenge_id>")
@role_required(Role.BUREAU)
def challenge_bids(challenge_id):
    challenge = _challenge(challenge_id)
    opening = opening_for(challenge)
    page = paginate(opened_bids_select().where(Bid.challenge_id == challenge.id)
                    .order_by(Bid.last_submitted_at, Bid.id)) if opening else None
    return render_template("bids/manage_challenge.html", challenge=challenge, opening=opening, page=page,
                           count=submitted_count(challenge), now=utcnow(), confirm=ConfirmForm())


@bp.route("/challenge/<int:challenge_id>/open", methods=["POST"])
@role_required(Role.BUREAU)
def open_challenge_bids(challenge_id):
    challenge = _challenge(challenge_id)
    done = {}

    def call():
        done["opening"] = review_ops.open_bids(challenge, actor=current_user)

    return act(ConfirmForm(), call, lambda: _("已开标，共%(n)s份有效申报", n=done["opening"].bid_count),
               url_for("bid_review.challenge_bids", challenge_id=challenge.id))


def _opened_bid(bid_id: int) -> Bid:
    bid = load_or_404(Bid, bid_id)
    if not bid.can_view(current_user):
        abort(404)
    return bid


@bp.route("/<int:bid_id>/review", methods=["GET", "POST"])
@role_required(Role.BUREAU)
def review(bid_id):
    bid = _opened_bid(bid_id)
    if not bid.can_review(current_user):
        return error_page(409, _("该申报当前状态为“%(s)s”，不能进行形式审查", s=bid.state.label))
    form = FormalReviewForm()
    if form.validate_on_submit():
        try:
            review_ops.review_bid(bid, actor=current_user, is_complete=form.is_complete.data,
                                  is_eligible=form.is_eligible.data, has_signatures=form.has_signatures.data,
                                  is_passed=form.outcome.data == "pass", reason=form.reason.data)
        except BidError as exc:
            db.session.rollback()  # re-render from the stored state
            flash(str(exc), "error")
            bid = _opened_bid(bid_id)
            return _review_page(bid, form, exc.status)
        flash(_("形式审查结果已记录"), "success")
        return redirect(url_for("bid_review.challenge_bids", challenge_id=bid.challenge_id))
    status = 400 if form.is_submitted() else 200
    return _review_page(bid, form, status)


def _review_page(bid, form, status):
    return render_template("bids/review.html", bid=bid, form=form, data=bid.latest_version.snapshot), status


@bp.route("/<int:bid_id>/summary", methods=["POST"])
@role_required(Role.BUREAU)
def summary(bid_id):
    bid = _opened_bid(bid_id)
    require(bid.has_been_submitted)
    if not ConfirmForm().validate_on_submit():
        return error_page(400, _("请求无效，请刷新页面后重试"))
    try:
        doc = issue_bid_summary(bid, actor=current_user)
    except DocumentContextError as exc:
        return error_page(400, str(exc))
    flash(_("揭榜申报书已生成：%(n)s", n=doc.number), "success")
    return redirect(url_for("bids.detail", bid_id=bid.id) + "#documents")

