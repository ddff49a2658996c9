"""The seal: before a challenge's bids are opened nobody but the bidder sees them.

The opening (开标) is possible only after the deadline (server clock) and is
recorded with who and when. Until then bureau staff see only
:func:`submitted_count`. Other domains list bids through :func:`opened_bids_select`
so they cannot leak a sealed bid by accident.

Audit events of sealed bids would name the bidder (the acting user) in the
operation log. The chain keeps every event; what a reader sees is decided where
events are read: this module registers a read filter with ``core.audit`` that the
log pages and exports apply (``visible_events_select``), and :func:`bid_history`
serves pages that have already checked access to the bid.
"""
from __future__ import annotations

from sqlalchemy import and_, exists, func, not_, or_, select

from ..core.audit import register_read_filter
from ..core.models import AuditEvent
from ..extensions import db
from .models import IN_COMPETITION, Bid, BidOpening, opening_for


def is_opened(challenge) -> bool:
    return opening_for(challenge) is not None


def submitted_count(challenge) -> int:
    """The one figure about a challenge's bids the bureau may see before opening."""
    return db.session.scalar(select(func.count(Bid.id)).where(
        Bid.challenge_id == challenge.id, Bid.state.in_(IN_COMPETITION))) or 0


def opened_bids_select():
    """Submitted bids of opened challenges: the only bids staff-facing code may list."""
    return (select(Bid).where(Bid.current_version_no >= 1,
                              exists().where(BidOpening.challenge_id == Bid.challenge_id)))


def sealed_event_condition():
    """Audit events that are not of a sealed bid. Sealed: the challenge is not opened
    yet, or the bid never reached the bureau (a draft)."""
    sealed_bid_ids = select(Bid.id).where(or_(
        Bid.current_version_no == 0, not_(exists().where(BidOpening.challenge_id == Bid.challenge_id))))
    return not_(and_(AuditEvent.entity_type == Bid.__tablename__, AuditEvent.entity_id.in_(sealed_bid_ids)))


register_read_filter(lambda viewer: sealed_event_condition())


def bid_history(bid: Bid) -> list[AuditEvent]:
    """Audit events of ``bid`` for pages that have already checked access."""
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity_type == Bid.__tablename__, AuditEvent.entity_id == bid.id)
        .order_by(AuditEvent.height)).all()
