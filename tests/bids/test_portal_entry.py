"""The public challenge page offers "我要揭榜" to bidders, and only to them."""
from __future__ import annotations

from app.bids.models import Bid, BidState
from app.extensions import db
from tests.conftest import Browser


def _page(browser, challenge):
    return browser.get(f"/challenges/{challenge.id}").get_data(as_text=True)


def test_applicant_sees_button_and_starts_a_draft(make, login_as):
    challenge = make.challenge(state="published")
    bidder = login_as("applicant")
    html = _page(bidder, challenge)
    assert "我要揭榜" in html
    response = bidder.post(f"/bids/start/{challenge.id}", {}, token_from=f"/challenges/{challenge.id}")
    assert response.status_code == 302
    bid = db.session.scalar(db.select(Bid).where(Bid.challenge_id == challenge.id))
    assert bid.state is BidState.DRAFT
    assert bid.organisation_id == bidder.user.organisation_id
    # The same button again goes to the same draft, not a second bid.
    again = bidder.post(f"/bids/start/{challenge.id}", {}, token_from=f"/challenges/{challenge.id}")
    assert again.headers["Location"] == response.headers["Location"]
    assert db.session.scalar(db.select(db.func.count(Bid.id))) == 1


def test_no_button_for_issuer_staff_anonymous_or_after_deadline(app, make, login_as):
    challenge = make.challenge(state="published")
    issuer_user = make.user(role="applicant", organisation=challenge.issuer)
    issuer = Browser(app.test_client())
    issuer.login(issuer_user)
    assert "我要揭榜" not in _page(issuer, challenge)
    assert "我要揭榜" not in _page(login_as("bureau"), challenge)
    anonymous = _page(Browser(app.test_client()), challenge)
    assert "我要揭榜" not in anonymous and "登录" in anonymous
    closed = make.challenge(state="closed")
    assert "我要揭榜" not in _page(login_as("applicant"), closed)
