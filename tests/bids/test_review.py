"""Formal review after the opening; the bidder sees the written reason; the summary PDF."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy.exc import IntegrityError

from app.auth.models import Role
from app.bids.models import BidState, FormalReview
from app.documents.models import IssuedDocument
from app.extensions import db

from .conftest import after_deadline


@pytest.fixture
def opened(make, challenge, applicant):
    """Two submitted bids, deadline passed, opened by the bureau."""
    mine = make.bid(challenge, user=applicant, signed=True)
    other = make.bid(challenge, state="opened")
    return mine, other


def review_form(outcome, reason="", checks=("is_complete", "is_eligible")):
    form = {"outcome": outcome, "reason": reason}
    form.update({c: "y" for c in checks})
    return form


def test_failed_bid_leaves_competition_and_bidder_sees_the_reason(make, opened, applicant, as_user):
    mine, _other = opened
    bureau = as_user(make.user(role=Role.BUREAU))
    url = f"/manage/bids/{mine.public_id}/review"
    reason = "技术方案与榜单方向不符"
    r = bureau.post(url, review_form("fail", reason, checks=("is_complete",)), token_from=url)
    assert r.status_code == 302
    db.session.expire_all()
    assert mine.state is BidState.FAILED
    # has_signatures is what the submitted version shows (a signed page), not a checkbox.
    assert mine.review.reason == reason and mine.review.version_no == 1 and mine.review.has_signatures
    page = as_user(applicant).get(f"/bids/{mine.public_id}").get_data(as_text=True)
    assert reason in page and "形式审查未通过" in page
    assert bureau.post(url, review_form("pass"), token_from=f"/manage/bids/challenge/{mine.challenge_id}").status_code == 409


def test_pass_needs_every_check_and_fail_needs_a_reason(make, opened, as_user):
    mine, _other = opened
    bureau = as_user(make.user(role=Role.BUREAU))
    url = f"/manage/bids/{mine.public_id}/review"
    r = bureau.post(url, review_form("pass", checks=("is_complete",)), token_from=url)
    assert r.status_code == 400 and "未全部符合" in r.get_data(as_text=True)
    r = bureau.post(url, review_form("fail", "  "), token_from=url)
    assert r.status_code == 400 and "书面理由" in r.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(FormalReview.id))) == 0
    r = bureau.post(url, review_form("pass"), token_from=url)
    assert r.status_code == 302
    db.session.expire_all()
    assert mine.state is BidState.PASSED and mine.review.is_passed


def test_database_refuses_inconsistent_review(make, opened):
    mine, _other = opened
    bureau = make.user(role=Role.BUREAU)
    db.session.add(FormalReview(bid_id=mine.id, version_no=1, reviewer_id=bureau.id, is_complete=True,
                                is_eligible=False, has_signatures=True, is_passed=True, reason=None))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    db.session.add(FormalReview(bid_id=mine.id, version_no=1, reviewer_id=bureau.id, is_complete=True,
                                is_eligible=True, has_signatures=True, is_passed=False, reason=None))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_review_is_impossible_before_the_opening(make, challenge, applicant, as_user):
    bid = make.bid(challenge, user=applicant)
    bureau = as_user(make.user(role=Role.BUREAU))
    url = f"/manage/bids/{bid.public_id}/review"
    with after_deadline(challenge):
        assert bureau.get(url).status_code == 404
        assert bureau.post(url, review_form("pass"), token_from="/manage/bids/").status_code == 404
    db.session.expire_all()
    assert bid.state is BidState.SUBMITTED


def test_bid_summary_pdf_through_the_documents_engine(make, opened, as_user):
    mine, _other = opened
    bureau = as_user(make.user(role=Role.BUREAU))
    r = bureau.post(f"/manage/bids/{mine.public_id}/summary", {}, token_from=f"/bids/{mine.public_id}")
    assert r.status_code == 302
    doc = db.session.scalar(db.select(IssuedDocument).where(IssuedDocument.subject_type == "bids"))
    assert doc.doc_type == "bid_summary" and not doc.is_public
    assert mine.organisation.name in doc.title and "揭榜申报书" in doc.title
    pdf = bureau.get(f"/documents/{doc.id}/download").data
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for expected in ("考核指标响应", "经费预算", "里程碑计划", doc.number, "抗压强度"):
        assert expected in text, expected
    assert doc.number in bureau.get(f"/bids/{mine.public_id}").get_data(as_text=True)


def test_finance_cannot_see_bid_summaries_in_any_way(make, opened, applicant, as_user):
    """Finance may not see bids: not their summaries either (list, download, zip); a
    refused download looks exactly like a missing document."""
    mine, _other = opened
    bureau = as_user(make.user(role=Role.BUREAU))
    assert bureau.post(f"/manage/bids/{mine.public_id}/summary", {}, token_from=f"/bids/{mine.public_id}").status_code == 302
    doc = db.session.scalar(db.select(IssuedDocument).where(IssuedDocument.doc_type == "bid_summary"))
    finance = as_user(make.user(role=Role.FINANCE))
    assert doc.number not in finance.get("/documents/").get_data(as_text=True)
    assert doc.number in bureau.get("/documents/").get_data(as_text=True)
    refused = finance.get(f"/documents/{doc.id}/download")
    missing = finance.get(f"/documents/{doc.id + 1000}/download")
    assert refused.status_code == missing.status_code == 404
    assert (refused.get_data(as_text=True).replace(f"/documents/{doc.id}/", "/documents/N/")
            == missing.get_data(as_text=True).replace(f"/documents/{doc.id + 1000}/", "/documents/N/"))
    assert finance.post("/documents/zip", {"ids": [str(doc.id)]}, token_from="/documents/").status_code == 404
    assert as_user(make.user(role=Role.ADMIN)).get(f"/documents/{doc.id}/download").status_code == 200
    # The bidder itself has no hook to download it either: same 404.
    assert as_user(applicant).get(f"/documents/{doc.id}/download").status_code == 404
