"""Fixtures for review tests: a challenge under review with passed bids, and experts
with profiles in its field."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from app.auth.expert_models import ExpertEmployment, ExpertField, ExpertProfile, ExpertRelationship
from app.auth.models import OrgType, Role
from app.bids import formal_review
from app.challenges.models import ChallengeState
from app.core.timeutil import utcnow
from app.core.uow import unit_of_work
from app.extensions import db
from app.reviews import operations as ops
from tests.conftest import Browser


def make_expert(make, *, field="新材料", employer=None, past=(), declared=(), name=None, active=True):
    """An expert user with a profile: ``past`` = [(org, start, end)], ``declared`` = [(org, reason)]."""
    user = make.user(role=Role.EXPERT, **({"name": name} if name else {}))
    profile = ExpertProfile(user_id=user.id, title="教授", employer_id=employer.id if employer else None,
                            is_active=active)
    profile.field_rows = [ExpertField(field=field)]
    profile.employments = [ExpertEmployment(organisation_id=o.id, start_year=s, end_year=e) for o, s, e in past]
    profile.relationships = [ExpertRelationship(organisation_id=o.id, reason=r) for o, r in declared]
    db.session.add(profile)
    db.session.commit()
    return user


def make_review_challenge(make, *, bids=3, slots=2, bureau=None, bid_orgs=None):
    """A challenge with ``bids`` bids that passed formal review, opened (under review)."""
    bureau = bureau or make.user(role=Role.BUREAU)
    challenge = make.challenge(state="published", slots=slots, actor=bureau)
    orgs = bid_orgs or [make.org(org_type=OrgType.UNIVERSITY) for _ in range(bids)]
    made = [make.bid(challenge, organisation=o, signed=True) for o in orgs]
    challenge.bid_deadline_at = utcnow() - timedelta(seconds=1)
    challenge.closed_at = utcnow()
    challenge.state = ChallengeState.CLOSED
    db.session.flush()
    formal_review.open_bids(challenge, actor=bureau)
    for bid in made:
        formal_review.review_bid(bid, actor=bureau, is_complete=True, is_eligible=True,
                                 is_passed=True, reason=None)
    db.session.commit()
    return challenge, made, bureau


def open_round(challenge, bureau, *, panel_size=5, days=7):
    round_ = ops.open_review_round(challenge, actor=bureau, panel_size=panel_size,
                                   scoring_deadline_at=utcnow() + timedelta(days=days),
                                   criteria=ops.default_criteria())
    db.session.commit()
    return round_


def score(review, expert, values=(25, 16, 16, 12, 12), submit=True):
    """Confirm and score ``review`` (default total 81 with the default scorecard); commits
    through the unit of work, so notifications are delivered."""
    with unit_of_work():
        if review.state.value == "assigned":
            ops.confirm_no_conflict(review, actor=expert)
        criteria = review.round.criteria
        ops.save_scores(review, actor=expert, scores={c.id: Decimal(v) for c, v in zip(criteria, values)},
                        comments={}, comment="意见", submit=submit)


def logged_in(app, user) -> Browser:
    b = Browser(app.test_client())
    b.login(user)
    b.user = user
    return b


@pytest.fixture
def as_user(app):
    return lambda user: logged_in(app, user)
