"""`demo seed` step for challenges: the nine demo challenges in different states; idempotent."""
from __future__ import annotations

from collections import Counter

from app.demands.models import Demand
from app.challenges.models import Challenge, Publication
from app.core import demo as core_demo
from app.documents.models import IssuedDocument
from app.extensions import db


def _seed():
    from app.challenges.demo import seed_challenges

    context = {"data": core_demo.load_demo_data(), "passwords": {}}
    lines = []
    for step in (core_demo.seed_organisations, core_demo.seed_users, seed_challenges):
        step(context, lines.append)
        db.session.commit()
    return lines


def test_demo_seed_creates_nine_challenges_in_several_states_and_is_idempotent(app):
    _seed()
    states = Counter(c.state.value for c in db.session.query(Challenge))
    assert sum(states.values()) == 9
    assert states == {"published": 5, "draft": 3, "closed": 1}
    assert all(c.is_open_for_bids() for c in db.session.query(Challenge).filter_by(state="published"))
    # one notice per publication act (the closed one was published earlier, separately)
    assert db.session.query(Publication).count() == 2
    assert db.session.query(IssuedDocument).filter_by(doc_type="challenge_publication").count() == 2
    demands = Counter(d.state.value for d in db.session.query(Demand))
    assert demands == {"accepted": 1, "submitted": 1, "returned": 1}
    accepted = db.session.query(Demand).filter_by(state="accepted").one()
    assert accepted.challenge is not None and accepted.challenge.kpis  # completed from the JSON
    lines = _seed()
    assert db.session.query(Challenge).count() == 9 and db.session.query(Demand).count() == 3
    assert db.session.query(IssuedDocument).count() == 2
    assert "新建或完善 0 个" in lines[-1]
