"""The seal: before a challenge's bids are opened nobody but the bidder sees them.

The opening (开标) is possible only after the deadline (server clock) and is
recorded with who and when. Until then bureau staff see only
:func:`submitted_count`. Other domains list bids through :func:`opened_bids_select`
so they cannot leak a sealed bid by accident.

Audit events of sealed bids would name the bidder (the acting user) in the
operation log; a session-wide ORM criterion hides them from every query of
``AuditEvent`` (log pages, exports, APIs) unless a caller that has already checked
access asks for them with ``execution_options(include_sealed_bids=True)``.
"""
from __future__ import annotations

from sqlalchemy import and_, event, exists, func, not_, or_, select
from sqlalchemy.orm import Session, with_loader_criteria

from ..core.models import AuditEvent
from ..extensions import db
from .models import IN_COMPETITION, Bid, BidOpening

INCLUDE_SEALED = "include_sealed_bids"


def opening_for(challenge) -> BidOpening | None:
    if challenge is None or challenge.id is None:
        return None
    return db.session.scalar(select(BidOpening).where(BidOpening.challenge_id == challenge.id))


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


def _sealed_event_criteria(cls):
    # Sealed: the challenge is not opened yet, or the bid never reached the bureau (a draft).
    sealed_bid_ids = select(Bid.id).where(or_(
        Bid.current_version_no == 0, not_(exists().where(BidOpening.challenge_id == Bid.challenge_id))))
    return not_(and_(cls.entity_type == Bid.__tablename__, cls.entity_id.in_(sealed_bid_ids)))


@event.listens_for(Session, "do_orm_execute")
def _hide_sealed_bid_events(state):
    if not state.is_select or state.execution_options.get(INCLUDE_SEALED):
        return
    # Applied to every ORM select: the criterion reaches AuditEvent wherever it occurs,
    # including the subquery a paginator counts (so "共 N 条" does not leak either).
    state.statement = state.statement.options(
        with_loader_criteria(AuditEvent, _sealed_event_criteria, include_aliases=True))


def bid_history(bid: Bid) -> list[AuditEvent]:
    """Audit events of ``bid`` for pages that have already checked access."""
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity_type == Bid.__tablename__, AuditEvent.entity_id == bid.id)
        .order_by(AuditEvent.created_at, AuditEvent.id)
        .execution_options(**{INCLUDE_SEALED: True})).all()
