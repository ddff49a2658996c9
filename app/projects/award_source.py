"""Where the winners of a challenge come from: the one seam between projects and reviews.

With the reviews domain (issue 11, ``app.reviews``) merged, the winners are the bids
with an active (not revoked) ``Award`` and the approval blockers are
``app.reviews.queries.approval_blockers`` (publicity window not ended, objections
unresolved — rule 14).

Without it (this branch only), winners cannot be chosen in the application. Tests
and the demo seed mark them with :func:`mark_winners_for_tests`, an in-process
registry that is documented as test/demo-only: it is ignored as soon as
``app.reviews`` is importable, and nothing in the application writes it. Its
blockers are "no winner marked" only.

At merge the lead deletes nothing here; check that ``app.reviews.models.Award`` and
``app.reviews.queries.approval_blockers`` keep these names, then replace the callers
of ``mark_winners_for_tests`` in tests/projects/conftest.py and app/projects/demo.py
with the reviews factories (award + ended publicity).
"""
from __future__ import annotations

import importlib.util
from datetime import datetime

from flask_babel import gettext as _

_TEST_WINNERS: dict[int, list[int]] = {}


def reviews_available() -> bool:
    return importlib.util.find_spec("app.reviews") is not None


def mark_winners_for_tests(challenge, bids) -> None:
    """TEST/DEMO ONLY, and only while ``app.reviews`` is absent: mark ``bids`` as the
    challenge's awarded bids with their publicity over."""
    _TEST_WINNERS[challenge.id] = [b.id for b in bids]


def clear_test_winners() -> None:
    _TEST_WINNERS.clear()


def winning_bids(challenge) -> list:
    """The challenge's awarded bids (at most ``challenge.slots``), in award order."""
    import sqlalchemy as sa

    from ..bids.models import Bid
    from ..extensions import db

    if reviews_available():  # pragma: no cover - after the merge
        from ..reviews.models import Award, ReviewRound  # type: ignore[import-not-found]

        return list(db.session.scalars(
            sa.select(Bid).join(Award, Award.bid_id == Bid.id).join(ReviewRound, ReviewRound.id == Award.round_id)
            .where(ReviewRound.challenge_id == challenge.id, Award.revoked_at.is_(None))
            .order_by(Award.rank_at_award, Award.id)))
    ids = _TEST_WINNERS.get(challenge.id, [])
    if not ids:
        return []
    found = {b.id: b for b in db.session.scalars(sa.select(Bid).where(Bid.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def approval_blockers(challenge, now: datetime | None = None) -> list[str]:
    """Why the winners cannot be approved yet (empty: they can)."""
    if reviews_available():  # pragma: no cover - after the merge
        from ..reviews.queries import approval_blockers as reviews_blockers  # type: ignore[import-not-found]

        return list(reviews_blockers(challenge, now))
    return [] if _TEST_WINNERS.get(challenge.id) else [_("该榜单尚未确定揭榜方（评审与公示尚未完成）")]
