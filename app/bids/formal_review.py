"""The bureau's side of bidding: opening the sealed bids and the formal review (形式审查).

Nothing here commits; the view commits once.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..challenges.operations import close_if_due, start_review
from ..core.audit import record_event
from ..core.timeutil import format_local, utcnow
from ..extensions import db
from ..notifications.operations import notify, users_of_organisations
from . import notifications as _kinds  # noqa: F401  (registers the notification kinds)
from .models import IN_COMPETITION, REVIEWABLE, Bid, BidOpening, BidState, FormalReview
from .operations import BidConflict, BidInvalid, _move
from .seal import is_opened, opening_for, submitted_count
from .snapshots import review_facts, submitted_view


def open_bids(challenge, *, actor, now: datetime | None = None) -> BidOpening:
    """开标: only after the deadline (server clock); recorded once with who and when.

    Only bids in competition at the deadline are unsealed (withdrawn bids and drafts stay
    sealed for good, see ``Bid.took_part``); a cancelled challenge's bids are never opened."""
    now = now or utcnow()
    if challenge.is_cancelled:
        raise BidConflict(_("该榜单已撤榜，其申报不开标、不审查"))
    if not challenge.is_past_deadline(now):
        raise BidConflict(_("揭榜截止时间（%(t)s）未到，申报处于密封状态，不能开标",
                            t=format_local(challenge.bid_deadline_at)))
    if opening_for(challenge) is not None:
        raise BidConflict(_("该榜单的申报已经开标"))
    opening = BidOpening(challenge_id=challenge.id, opened_at=now, opened_by_id=actor.id,
                         bid_count=submitted_count(challenge))
    db.session.add(opening)
    try:
        db.session.flush()
    except IntegrityError:  # opened by a colleague at the same moment
        raise BidConflict(_("该榜单的申报已经开标")) from None
    record_event(challenge, "bids_opened", actor=actor, data={"bid_count": opening.bid_count})
    # Opening starts the review (formal, then expert): closed -> under review. A
    # challenge past its deadline that the scheduler has not closed yet is closed first.
    close_if_due(challenge, now)
    start_review(challenge, actor=actor, reason=_("开标"))
    for bid in db.session.scalars(select(Bid).where(Bid.challenge_id == challenge.id,
                                                    Bid.state.in_(IN_COMPETITION))):
        notify("bids.opened", users_of_organisations([bid.organisation_id]), title=bid.title, bid=bid.public_id,
               opened_at=format_local(now))
    return opening


def review_bid(bid: Bid, *, actor, is_complete: bool, is_eligible: bool,
               is_passed: bool, reason: str | None) -> FormalReview:
    """Record the checklist and the outcome; a failed bid leaves the competition.

    What the system knows from the submitted version (required attachments present,
    re-confirmation done, every KPI answered) is computed, stored with the review and
    never contradicted: pass is refused while a required fact is false."""
    if bid.challenge.is_cancelled:
        raise BidConflict(_("该榜单已撤榜，其申报不开标、不审查"))
    if not is_opened(bid.challenge) or not bid.took_part:
        raise BidConflict(_("申报尚未开标，不能进行形式审查"))
    if bid.state not in REVIEWABLE or bid.review is not None:
        raise BidConflict(_("该申报当前状态为“%(s)s”，不能进行形式审查", s=bid.state.label))
    reason = (reason or "").strip() or None
    view = submitted_view(bid)
    facts = review_facts(bid, view)
    failed = [f for f in facts if f.required and not f.ok]
    if is_passed and failed:
        raise BidInvalid([("is_passed", _("系统核对未通过：%(fact)s（%(detail)s），不能判定为通过",
                                          fact=f.label, detail=f.detail)) for f in failed])
    if is_passed and not (is_complete and is_eligible):
        raise BidInvalid([("is_passed", _("检查项未全部符合，不能判定为通过"))])
    if not is_passed and not reason:
        raise BidInvalid([("reason", _("判定不通过时必须填写书面理由，该理由将告知申报单位"))])
    has_signatures = next(f.ok for f in facts if f.key == "attachment_signed")
    review = FormalReview(bid=bid, version_no=view.version_no, reviewer_id=actor.id,
                          reviewed_at=utcnow(), is_complete=is_complete, is_eligible=is_eligible,
                          has_signatures=has_signatures, is_passed=is_passed, reason=reason)
    db.session.add(review)
    try:
        db.session.flush()
    except IntegrityError:  # a colleague recorded a result for this bid a moment ago
        raise BidConflict(_("该申报刚刚已由他人完成形式审查，请刷新页面")) from None
    _move(bid, BidState.PASSED if is_passed else BidState.FAILED, actor, reason,
          checklist={"complete": is_complete, "eligible": is_eligible,
                     **{f.key: f.ok for f in facts}})
    notify("bid.review_passed" if is_passed else "bid.review_failed", users_of_organisations([bid.organisation_id]),
           title=view.title, bid=bid.public_id, reason=reason or "")
    return review
