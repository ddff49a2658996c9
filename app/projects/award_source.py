"""Where the winners of a challenge come from: the one seam between projects and reviews.

The winners are the bids with an active (not revoked) ``Award`` of the challenge's
review round, in award order; approval is blocked while
``app.reviews.queries.approval_blockers`` gives reasons (publicity window not ended,
objections unresolved — rule 14).
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ..bids.models import Bid
from ..extensions import db
from ..reviews.models import Award, ReviewRound
from ..reviews.queries import approval_blockers as _reviews_blockers


def winning_bids(challenge) -> list:
    """The challenge's awarded bids (at most ``challenge.slots``), in award order."""
    return list(db.session.scalars(
        sa.select(Bid).join(Award, Award.bid_id == Bid.id).join(ReviewRound, ReviewRound.id == Award.round_id)
        .where(ReviewRound.challenge_id == challenge.id, Award.revoked_at.is_(None))
        .order_by(Award.rank_at_award, Award.id)))


def approval_blockers(challenge, now: datetime | None = None) -> list[str]:
    """Why the winners cannot be approved yet (empty: they can)."""
    return list(_reviews_blockers(challenge, now))
