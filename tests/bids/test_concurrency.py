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
    before = bid.revision
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


def _race(clients_and_posts):
    """Run the POSTs at once (one thread and one real connection each); their statuses."""
    barrier = threading.Barrier(len(clients_and_posts))
    statuses: list[int] = []

    def run(client, url, data):
        barrier.wait()
        statuses.append(client.post(url, data=data).status_code)

    threads = [threading.Thread(target=run, args=args) for args in clients_and_posts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return sorted(statuses)


def test_pass_and_fail_of_one_bid_at_once_give_one_review_and_a_409(app, make, challenge, applicant):
    """Two staff record opposite outcomes at the same moment: one wins, the other is told
    (409) — on PostgreSQL as on SQLite, never a 500."""
    from app.bids.models import FormalReview

    bid = make.bid(challenge, user=applicant, state="opened", signed=True)
    url = f"/manage/bids/{bid.public_id}/review"
    staff = [logged_in(app, make.user(role="bureau")) for _ in range(2)]
    tokens = [s.token(url) for s in staff]
    statuses = _race([
        (staff[0].client, url, {"outcome": "pass", "is_complete": "y", "is_eligible": "y", "csrf_token": tokens[0]}),
        (staff[1].client, url, {"outcome": "fail", "reason": "材料不全", "csrf_token": tokens[1]}),
    ])
    assert statuses == [302, 409]
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(FormalReview.id))) == 1
    refreshed = db.session.get(Bid, bid.id)
    assert refreshed.state in (BidState.PASSED, BidState.FAILED)
    assert refreshed.review.is_passed is (refreshed.state is BidState.PASSED)


def test_two_staff_filing_the_summary_at_once_number_one_document(app, make, challenge, applicant):
    from app.bids.models import BidSummary
    from app.documents.models import IssuedDocument

    bid = make.bid(challenge, user=applicant, state="opened")
    url = f"/manage/bids/{bid.public_id}/summary"
    staff = [logged_in(app, make.user(role="bureau")) for _ in range(2)]
    tokens = [s.token(f"/bids/{bid.public_id}") for s in staff]
    statuses = _race([(s.client, url, {"csrf_token": t}) for s, t in zip(staff, tokens)])
    assert statuses in ([302, 302], [302, 409])
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(IssuedDocument.id))
                             .where(IssuedDocument.doc_type == "bid_summary")) == 1
    assert db.session.scalar(db.select(db.func.count(BidSummary.id))) == 1


def test_two_tabs_saving_the_same_draft_lose_no_update(app, make, challenge, applicant):
    """Both tabs loaded revision N; the first save wins, the second is refused (409) with
    its form shown again, instead of silently overwriting the first."""
    from .test_bidding import form_of

    bid = make.bid(challenge, user=applicant, state="draft")
    before = bid.revision
    tabs = [logged_in(app, applicant) for _ in range(2)]
    url = f"/bids/{bid.public_id}/edit"
    tokens = [t.token(url) for t in tabs]
    forms = [dict(form_of(bid, make, title=f"第{n}个窗口的名称"), csrf_token=tok) for n, tok in enumerate(tokens)]
    statuses = _race([(t.client, url, f) for t, f in zip(tabs, forms)])
    assert statuses == [302, 409]
    db.session.expire_all()
    saved = db.session.get(Bid, bid.id)
    assert saved.title in ("第0个窗口的名称", "第1个窗口的名称") and saved.revision == before + 1
