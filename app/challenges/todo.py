"""To-do panels of the role home pages (工作台): each role's pending work, with counts
and links. Every panel costs one SQL statement however many rows there are (counts
as scalar subqueries of one SELECT; lists with their challenge joined, limited)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import and_, exists, func, not_, or_, select
from sqlalchemy.orm import contains_eager

from ..auth.models import OrgType, Role
from ..core import navigation
from ..core.timeutil import utcnow
from ..extensions import db
from .models import Challenge, ChallengeState

LIST_LIMIT = 5
NEAR_DEADLINE_DAYS = 7


def _count(stmt):
    return select(func.count()).select_from(stmt.subquery()).scalar_subquery()


def bureau_todo(user) -> dict:
    """Demands to screen, challenges closed awaiting the opening, bids awaiting formal
    review — one SELECT of three counts."""
    from ..bids.models import Bid, BidOpening, BidState
    from ..demands.models import Demand, DemandState

    now = utcnow()
    opened = exists().where(BidOpening.challenge_id == Challenge.id)
    closed = or_(Challenge.state == ChallengeState.CLOSED,
                 and_(Challenge.state == ChallengeState.PUBLISHED, Challenge.bid_deadline_at <= now))
    row = db.session.execute(select(
        _count(select(Demand.id).where(Demand.state == DemandState.SUBMITTED)),
        _count(select(Challenge.id).where(closed, not_(opened))),
        _count(select(Bid.id).where(Bid.state == BidState.SUBMITTED,
                                    exists().where(BidOpening.challenge_id == Bid.challenge_id))),
    )).one()
    return {"demands": row[0], "to_open": row[1], "to_review": row[2]}


def applicant_todo(user) -> dict:
    """Bids to re-confirm and drafts near their deadline (one SELECT with the challenge
    joined), returned demands for an enterprise (one more)."""
    from ..bids.models import Bid, BidState
    from ..demands.models import Demand, DemandState

    org_id = user.organisation_id
    if org_id is None:
        return {"bids": [], "returned": []}
    now = utcnow()
    soon = now + timedelta(days=NEAR_DEADLINE_DAYS)
    bids = db.session.scalars(
        select(Bid).join(Bid.challenge).options(contains_eager(Bid.challenge))
        .where(Bid.organisation_id == org_id, Challenge.state == ChallengeState.PUBLISHED,
               Challenge.bid_deadline_at > now,
               or_(Bid.state == BidState.NEEDS_RECONFIRM,
                   and_(Bid.state == BidState.DRAFT, Challenge.bid_deadline_at <= soon)))
        .order_by(Challenge.bid_deadline_at, Bid.id).limit(LIST_LIMIT * 2)).all()
    returned = []
    if user.organisation is not None and user.organisation.org_type is OrgType.ENTERPRISE:
        returned = db.session.scalars(
            select(Demand).where(Demand.organisation_id == org_id, Demand.state == DemandState.RETURNED)
            .order_by(Demand.decided_at.desc(), Demand.id.desc()).limit(LIST_LIMIT)).all()
    return {"bids": bids, "returned": returned, "near_days": NEAR_DEADLINE_DAYS}


navigation.register_panel("challenges/todo_bureau.html", [Role.BUREAU], order=1, context=bureau_todo)
navigation.register_panel("challenges/todo_applicant.html", [Role.APPLICANT], order=1, context=applicant_todo)
