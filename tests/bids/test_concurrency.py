"""Two tabs submitting the same draft at once produce one version, not two."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy.exc import IntegrityError

from app.bids.models import Bid, BidState, BidVersion
from app.extensions import db

from .conftest import logged_in


def versions(bid_id):
    return db.session.scalars(db.select(BidVersion.version_no).where(BidVersion.bid_id == bid_id)).all()


def test_two_sessions_submitting_at_once_make_one_version(app, make, challenge, applicant):
    bid = make.bid(challenge, user=applicant, state="draft")
    tabs = [logged_in(app, applicant) for _ in range(2)]
    tokens = [t.token(f"/bids/{bid.public_id}") for t in tabs]
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def submit(tab, token):
        barrier.wait()
        response = tab.client.post(f"/bids/{bid.public_id}/submit", data={"base_version": "0", "csrf_token": token})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=submit, args=(t, k)) for t, k in zip(tabs, tokens)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(statuses) == [302, 409]
    db.session.expire_all()
    assert versions(bid.id) == [1]
    refreshed = db.session.get(Bid, bid.id)
    assert refreshed.state is BidState.SUBMITTED and refreshed.current_version_no == 1


def test_double_click_after_the_first_commit_is_refused(app, make, challenge, applicant):
    bid = make.bid(challenge, user=applicant, state="draft")
    tab = logged_in(app, applicant)
    token = tab.token(f"/bids/{bid.public_id}")
    first = tab.client.post(f"/bids/{bid.public_id}/submit", data={"base_version": "0", "csrf_token": token})
    second = tab.client.post(f"/bids/{bid.public_id}/submit", data={"base_version": "0", "csrf_token": token})
    assert (first.status_code, second.status_code) == (302, 409)
    assert "其他窗口" in second.get_data(as_text=True)
    db.session.expire_all()
    assert versions(bid.id) == [1]


def test_database_refuses_a_second_version_with_the_same_number(make, challenge, applicant):
    bid = make.bid(challenge, user=applicant)
    v1 = bid.latest_version
    db.session.add(BidVersion(bid_id=bid.id, version_no=1, submitted_by_id=applicant.id,
                              snapshot_json="{}", content_sha256=v1.content_sha256))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_submitted_versions_are_immutable(make, challenge, applicant):
    bid = make.bid(challenge, user=applicant)
    bid.latest_version.snapshot_json = "{}"
    with pytest.raises(ValueError, match="immutable"):
        db.session.flush()
    db.session.rollback()
