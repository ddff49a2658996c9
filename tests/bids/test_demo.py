"""`demo seed` step for bids: submitted bids on the open demo challenges, one a consortium."""
from __future__ import annotations

from app.bids.demo import seed_bids
from app.bids.models import Bid, BidState
from app.challenges.demo import seed_challenges
from app.core import demo as core_demo
from app.extensions import db


def _seed():
    context = {"data": core_demo.load_demo_data(), "passwords": {}}
    lines = []
    for step in (core_demo.seed_organisations, core_demo.seed_users, seed_challenges, seed_bids):
        step(context, lines.append)
        db.session.commit()
    return lines


def test_demo_bids_are_submitted_one_is_a_consortium_and_seeding_is_idempotent(app):
    _seed()
    bids = db.session.scalars(db.select(Bid).order_by(Bid.id)).all()
    assert len(bids) == 3 and all(b.state is BidState.SUBMITTED and b.current_version_no == 1 for b in bids)
    assert sorted(len(b.members) for b in bids) == [0, 0, 2]
    assert all(b.challenge.issuer_id not in [m.organisation_id for m in b.members] for b in bids)
    lines = _seed()
    assert db.session.scalar(db.select(db.func.count(Bid.id))) == 3
    assert "新建 0 份" in lines[-1]
