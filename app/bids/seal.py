"""The seal: before a challenge's bids are opened nobody but the bidder sees them.

The opening (开标) is possible only after the deadline (server clock) and is
recorded with who and when. It unseals only the bids in competition at the deadline
(``TOOK_PART``): withdrawn bids and drafts — their content, attachments, withdrawal
reason and history — stay sealed for good; a cancelled challenge is never opened. Until then bureau staff see only
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
from .models import IN_COMPETITION, TOOK_PART, Bid, BidOpening, opening_for


def is_opened(challenge) -> bool:
    return opening_for(challenge) is not None


def submitted_count(challenge) -> int:
    """The one figure about a challenge's bids the bureau may see before opening."""
    return db.session.scalar(select(func.count(Bid.id)).where(
        Bid.challenge_id == challenge.id, Bid.state.in_(IN_COMPETITION))) or 0


def _took_part():
    return and_(Bid.current_version_no >= 1, Bid.state.in_(TOOK_PART))


def opened_bids_select():
    """Bids that took part, of opened challenges: the only bids staff-facing code may list."""
    return (select(Bid).where(_took_part(), exists().where(BidOpening.challenge_id == Bid.challenge_id)))


def not_taking_part_count(challenge) -> int:
    """Bids of the challenge that were submitted once but were not in competition at the
    deadline (withdrawn, or reopened and left as drafts): staff see this figure only."""
    return db.session.scalar(select(func.count(Bid.id)).where(
        Bid.challenge_id == challenge.id, Bid.current_version_no >= 1, not_(Bid.state.in_(TOOK_PART)))) or 0


def sealed_event_condition():
    """Audit events that are not of a sealed bid. Sealed: the challenge is not opened
    yet, or the bid took no part (a draft, a withdrawn bid) — for good."""
    sealed_bid_ids = select(Bid.id).where(or_(
        not_(_took_part()), not_(exists().where(BidOpening.challenge_id == Bid.challenge_id))))
    return not_(and_(AuditEvent.entity_type == Bid.__tablename__, AuditEvent.entity_id.in_(sealed_bid_ids)))


register_read_filter(lambda viewer: sealed_event_condition())


def bid_history(bid: Bid) -> list[AuditEvent]:
    """Audit events of ``bid`` for pages that have already checked access."""
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity_type == Bid.__tablename__, AuditEvent.entity_id == bid.id)
        .order_by(AuditEvent.height)).all()
