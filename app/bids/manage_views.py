"""Bureau pages: bid counts (sealed), opening, the list of opened bids, formal review,
the bid summary PDF."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from ..core.errors import rerender_on_error
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
from .models import IN_COMPETITION, PUBLIC_ID_LENGTH, Bid, BidOpening
from .seal import not_taking_part_count, opened_bids_select, opening_for, submitted_count
from .snapshots import review_facts, submitted_view
from .viewutil import act, error_page

TOKEN = f"string(length={PUBLIC_ID_LENGTH})"

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
    # Staff read the submitted version only, never the bidder's working copy.
    rows = [(bid, submitted_view(bid)) for bid in page.items] if page else []
    return render_template("bids/manage_challenge.html", challenge=challenge, opening=opening, page=page,
                           rows=rows, count=submitted_count(challenge),
                           not_taking_part=not_taking_part_count(challenge) if opening else 0,
                           now=utcnow(), confirm=ConfirmForm())


@bp.route("/challenge/<int:challenge_id>/open", methods=["POST"])
@role_required(Role.BUREAU)
def open_challenge_bids(challenge_id):
    challenge = _challenge(challenge_id)
    done = {}

    def call():
        done["opening"] = review_ops.open_bids(challenge, actor=current_user)

    return act(ConfirmForm(), call, lambda: _("已开标，共%(n)s份有效申报", n=done["opening"].bid_count),
               url_for("bid_review.challenge_bids", challenge_id=challenge.id))


def _opened_bid(token: str) -> Bid:
    bid = db.session.scalar(select(Bid).where(Bid.public_id == token))
    if bid is None or not bid.can_view(current_user) or bid.is_named_member(current_user):
        abort(404)
    return bid


@bp.route(f"/<{TOKEN}:bid>/review", methods=["GET", "POST"])
@role_required(Role.BUREAU)
def review(bid):
    token = bid
    bid = _opened_bid(token)
    if not bid.can_review(current_user):
        if bid.challenge.is_cancelled:
            return error_page(409, _("该榜单已撤榜，其申报不开标、不审查"))
        return error_page(409, _("该申报当前状态为“%(s)s”，不能进行形式审查", s=bid.state.label))
    form = FormalReviewForm()

    def rerender(exc):
        for field, message in exc.problems:
            getattr(form, field, form.outcome).errors = [*getattr(form, field, form.outcome).errors, message]
        if not exc.problems:
            form.outcome.errors = [*form.outcome.errors, str(exc)]
        return _review_page(_opened_bid(token), form)

    rerender_on_error(rerender)
    if form.validate_on_submit():
        review_ops.review_bid(bid, actor=current_user, is_complete=form.is_complete.data,
                              is_eligible=form.is_eligible.data, is_passed=form.outcome.data == "pass",
                              reason=form.reason.data)
        flash(_("形式审查结果已记录"), "success")
        return redirect(url_for("bid_review.challenge_bids", challenge_id=bid.challenge_id))
    status = 400 if form.is_submitted() else 200
    return _review_page(bid, form), status


def _review_page(bid, form):
    view = submitted_view(bid)
    return render_template("bids/review.html", bid=bid, form=form, data=view.data, view=view,
                           facts=review_facts(bid, view), overlaps=_overlaps(bid, view))


def _overlaps(bid, view) -> list[str]:
    """Organisations of this bid that also lead, or are members of, another bid that took
    part in the same challenge (read from the submitted versions)."""
    notes = []
    others = db.session.scalars(opened_bids_select().where(Bid.challenge_id == bid.challenge_id,
                                                           Bid.id != bid.id)).all()
    for other in others:
        other_view = submitted_view(other)
        shared = view.organisation_ids & other_view.organisation_ids
        for org in view.organisations:
            if org.id in shared:
                notes.append(_("%(org)s同时出现在%(lead)s牵头的另一份申报中",
                               org=org.name, lead=other_view.lead.name))
    return notes


@bp.route(f"/<{TOKEN}:bid>/summary", methods=["POST"])
@role_required(Role.BUREAU)
def summary(bid):
    bid = _opened_bid(bid)
    require(bid.can_file_summary(current_user))
    if not ConfirmForm().validate_on_submit():
        return error_page(400, _("请求无效，请刷新页面后重试"))
    try:
        doc = issue_bid_summary(bid, actor=current_user)
    except DocumentContextError as exc:
        return error_page(400, str(exc))
    flash(_("揭榜申报书已生成：%(n)s", n=doc.number), "success")
    return redirect(url_for("bids.detail", bid=bid.public_id) + "#documents")

