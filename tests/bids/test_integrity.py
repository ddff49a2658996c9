"""Issue 9 (security and reliability of bids): what stays sealed, what staff read, one
summary per version, storage quotas and collection, eligible member types, cancelled
challenges, non-guessable URLs."""
from __future__ import annotations

import io
import json
import os
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from app.auth.models import OrgType, Role
from app.bids import formal_review as review_ops
from app.bids import operations as ops
from app.bids.models import AttachmentKind, Bid, BidAttachment, BidState, BidSummary
from app.bids.snapshots import submitted_view
from app.challenges import operations as ch_ops
from app.core.audit import visible_events_select
from app.core.jobs import registered_jobs
from app.core.models import OutboxMessage
from app.core.timeutil import utcnow
from app.documents.models import IssuedDocument
from app.extensions import db
from app.notifications.models import Notification

from .conftest import PDF, PNG, after_deadline


def queued(kind: str) -> list[list[int]]:
    """Recipients of notifications ``kind``: queued in the outbox or delivered."""
    found = []
    for m in db.session.scalars(db.select(OutboxMessage)):
        payload = json.loads(m.payload_json)
        if payload.get("kind") == kind:
            found.append(sorted(json.loads(m.recipients_json)))
    delivered = db.session.scalars(db.select(Notification.user_id).where(Notification.kind == kind)).all()
    if delivered:
        found.append(sorted(delivered))
    return found


def close(challenge):
    challenge.bid_deadline_at = utcnow() - timedelta(seconds=1)
    db.session.commit()


# -- item 3: only bids in competition at the deadline are opened ----------------------------

def test_withdrawn_and_reopened_bids_stay_sealed_after_the_opening(make, challenge, as_user):
    taking = make.bid(challenge)
    withdrawn = make.bid(challenge, signed=True)
    withdrawn_user = withdrawn.created_by
    ops.withdraw_bid(withdrawn, actor=withdrawn_user, reason="退出理由：另有安排")
    reopened = make.bid(challenge)
    ops.withdraw_bid(reopened, actor=reopened.created_by)
    ops.reopen_bid(reopened, actor=reopened.created_by)  # a draft again, version 1 exists
    db.session.commit()
    close(challenge)
    bureau_user = make.user(role=Role.BUREAU)
    opening = review_ops.open_bids(challenge, actor=bureau_user)
    db.session.commit()
    assert opening.bid_count == 1

    bureau = as_user(bureau_user)
    assert bureau.get(f"/bids/{taking.public_id}").status_code == 200
    for sealed in (withdrawn, reopened):
        assert bureau.get(f"/bids/{sealed.public_id}").status_code == 404
        assert bureau.get(f"/bids/{sealed.public_id}/versions/1").status_code == 404
        assert bureau.get(f"/manage/bids/{sealed.public_id}/review").status_code == 404
        r = bureau.post(f"/manage/bids/{sealed.public_id}/summary", {},
                        token_from=f"/manage/bids/challenge/{challenge.id}")
        assert r.status_code == 404
    attachment = withdrawn.attachments[0]
    assert bureau.get(f"/bids/{withdrawn.public_id}/attachments/{attachment.public_id}").status_code == 404
    page = bureau.get(f"/manage/bids/challenge/{challenge.id}").get_data(as_text=True)
    assert taking.organisation.name in page
    assert withdrawn.organisation.name not in page and reopened.organisation.name not in page
    assert "已撤回，未参与：2份" in page
    # The withdrawal reason stays out of every log a reader sees.
    assert not any(e.reason and "另有安排" in e.reason for e in db.session.scalars(visible_events_select(None)))
    assert queued("bids.opened") == [[taking.created_by_id]]
    assert not withdrawn.is_opened() and not withdrawn.can_view(bureau_user)


# -- item 4: staff read the submitted snapshot ------------------------------------------------

def test_staff_see_the_submitted_version_not_the_working_copy(make, challenge, as_user):
    bid = make.bid(challenge)  # submitted alone
    member = make.org(org_type=OrgType.INSTITUTE, name="提交后才加入的研究院")
    ops.save_bid(bid, make.bid_data(bid, [member], title="提交后修改的名称"), actor=bid.created_by)
    db.session.commit()
    close(challenge)
    bureau_user = make.user(role=Role.BUREAU)
    review_ops.open_bids(challenge, actor=bureau_user)
    db.session.commit()

    view = submitted_view(bid)
    assert view.members == () and view.organisation_ids == {bid.organisation_id}
    assert view.lead.credit_code == bid.organisation.credit_code
    assert view.credit_codes == {bid.organisation.credit_code.upper()}
    assert [k.proposed_value for k in view.kpis] == [k.target_value for k in challenge.kpis]
    assert view.budget["total_fen"] > 0 and len(view.milestones) == 3
    bureau = as_user(bureau_user)
    for url in (f"/manage/bids/challenge/{challenge.id}", f"/bids/{bid.public_id}",
                f"/manage/bids/{bid.public_id}/review"):
        page = bureau.get(url).get_data(as_text=True)
        assert "提交后才加入的研究院" not in page and "提交后修改的名称" not in page, url


# -- item 7: one summary per bid version -------------------------------------------------------

def test_two_clicks_on_the_summary_give_one_document(make, challenge, as_user):
    bid = make.bid(challenge, state="opened")
    bureau = as_user(make.user(role=Role.BUREAU))
    url = f"/manage/bids/{bid.public_id}/summary"
    token = bureau.token(f"/bids/{bid.public_id}")
    first = bureau.client.post(url, data={"csrf_token": token})
    second = bureau.client.post(url, data={"csrf_token": token})
    assert (first.status_code, second.status_code) == (302, 302)
    assert db.session.scalar(db.select(db.func.count(IssuedDocument.id))
                             .where(IssuedDocument.doc_type == "bid_summary")) == 1
    assert db.session.scalar(db.select(db.func.count(BidSummary.id))) == 1


def test_database_refuses_a_second_summary_of_the_same_version(make, challenge):
    bid = make.bid(challenge, state="opened")
    bureau = make.user(role=Role.BUREAU)
    from app.bids.documents import issue_bid_summary

    doc = issue_bid_summary(bid, actor=bureau)
    db.session.commit()
    other = IssuedDocument(**{c.name: getattr(doc, c.name) for c in IssuedDocument.__table__.columns
                              if c.name not in ("id", "number", "sha256", "verify_code", "seq")},
                           number="揭榜申报登记X", sha256="0" * 64, verify_code="x" * 12, seq=9999)
    db.session.add(other)
    db.session.flush()
    db.session.add(BidSummary(bid_version_id=bid.latest_version.id, document_id=other.id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


# -- item 9: quotas, collection, rate limit ------------------------------------------------------

def _upload(b, bid, data, name, kind="application"):
    return b.post(f"/bids/{bid.public_id}/attachments", {"kind": kind, "file": (io.BytesIO(data), name)},
                  token_from=f"/bids/{bid.public_id}", content_type="multipart/form-data")


def test_removed_files_still_count_towards_the_per_bid_total(app, make, challenge, applicant, as_user,
                                                              monkeypatch):
    bid = make.bid(challenge, user=applicant, state="draft")
    monkeypatch.setitem(app.config, "MAX_BID_UPLOAD_TOTAL", len(PDF) + len(PNG))
    b = as_user(applicant)
    assert _upload(b, bid, PDF, "a.pdf").status_code == 302
    first = db.session.scalar(db.select(BidAttachment))
    assert b.post(f"/bids/{bid.public_id}/attachments/{first.public_id}/remove", {},
                  token_from=f"/bids/{bid.public_id}").status_code == 302
    assert _upload(b, bid, PNG, "b.png").status_code == 302
    second = db.session.scalar(db.select(BidAttachment).where(BidAttachment.id != first.id))
    b.post(f"/bids/{bid.public_id}/attachments/{second.public_id}/remove", {}, token_from=f"/bids/{bid.public_id}")
    # Upload-and-remove does not free room: a third, new file is refused ...
    r = _upload(b, bid, PDF + b"%%more", "c.pdf")
    assert r.status_code == 413 and "已删除的附件也计入" in r.get_data(as_text=True)
    # ... while the same bytes again take no new room.
    assert _upload(b, bid, PDF, "a-again.pdf").status_code == 302
    db.session.expire_all()
    assert db.session.get(Bid, bid.id).stored_bytes == len(PDF) + len(PNG)


def test_uploads_are_rate_limited_per_user(app, make, challenge, applicant, as_user, monkeypatch):
    monkeypatch.setitem(app.config, "BID_UPLOAD_RATE_LIMIT", "2 per hour")
    bid = make.bid(challenge, user=applicant, state="draft")
    b = as_user(applicant)
    assert _upload(b, bid, PDF, "1.pdf").status_code == 302
    assert _upload(b, bid, PDF + b"1", "2.pdf").status_code == 302
    r = _upload(b, bid, PDF + b"2", "3.pdf")
    assert r.status_code == 429 and "请求次数过多" in r.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(BidAttachment.id))) == 2
    # Another user is not affected.
    other = make.user(role=Role.APPLICANT, organisation=make.org(org_type=OrgType.UNIVERSITY))
    other_bid = make.bid(challenge, user=other, state="draft")
    assert _upload(as_user(other), other_bid, PDF, "x.pdf").status_code == 302


def _age(path: Path, seconds: int) -> None:
    old = time.time() - seconds
    os.utime(path, (old, old))


def test_jobs_run_collects_only_old_unreferenced_blobs(app, make, challenge, applicant):
    from app.bids.files import store
    from app.core.storage import BlobStore

    bid = make.bid(challenge, user=applicant, state="draft")
    kept = ops.add_attachment(bid, io.BytesIO(PDF), "kept.pdf", AttachmentKind.APPLICATION, actor=applicant)
    removed = ops.add_attachment(bid, io.BytesIO(PNG), "removed.png", AttachmentKind.OTHER, actor=applicant)
    ops.remove_attachment(removed, actor=applicant)
    db.session.commit()
    bids = store()
    orphan = bids.put(b"%PDF-1.4 orphan of a rolled-back upload")
    young = bids.put(b"%PDF-1.4 upload still in flight")
    demands = BlobStore(app.config["UPLOAD_FOLDER"])
    demand_orphan = demands.put(b"demand orphan")
    for digest in (kept.sha256, removed.sha256, orphan):
        _age(bids.path_for(digest), 3 * 24 * 3600)
    _age(demands.path_for(demand_orphan), 3 * 24 * 3600)

    job = next(j for j in registered_jobs() if j.name == "storage.collect_garbage")
    summary = job.run(utcnow())
    assert summary["removed"] == 2
    assert not bids.exists(orphan) and not demands.exists(demand_orphan)
    assert bids.exists(kept.sha256) and bids.exists(removed.sha256) and bids.exists(young)
    assert job.run(utcnow())["removed"] == 0  # idempotent


# -- item 10: eligible organisation types -----------------------------------------------------

def test_government_member_through_a_tampered_form_is_refused(make, challenge, applicant, as_user):
    from .test_bidding import form_of

    government = make.government_org()
    bid = make.bid(challenge, user=applicant, state="draft")
    b = as_user(applicant)
    edit = b.get(f"/bids/{bid.public_id}/edit").get_data(as_text=True)
    assert not re.search(rf'<option[^>]*value="{government.id}"', edit)  # not offered ...
    r = b.post(f"/bids/{bid.public_id}/edit", form_of(bid, make, member_ids=[government.id], title="篡改表单"),
               token_from=f"/bids/{bid.public_id}/edit")
    page = r.get_data(as_text=True)  # ... and refused when sent anyway
    assert r.status_code == 400 and "不能作为联合体成员" in page and "篡改表单" in page
    db.session.expire_all()
    assert db.session.get(Bid, bid.id).members == []
    with pytest.raises(ops.BidInvalid):
        ops.save_bid(bid, make.bid_data(bid, [government]), actor=applicant)
    db.session.rollback()


# -- item 11: a cancelled challenge's bids are never opened ---------------------------------------

def test_cancelled_challenge_is_never_opened_and_bidders_are_told(make, challenge, applicant, as_user):
    bid = make.bid(challenge, user=applicant)
    draft = make.bid(challenge, state="draft")
    gone = make.bid(challenge, state="withdrawn")
    bureau_user = make.user(role=Role.BUREAU)
    ch_ops.cancel_challenge(challenge, actor=bureau_user, reason="发榜企业经营困难")
    db.session.commit()
    told = queued("bid.challenge_cancelled")
    assert sorted(r for rs in told for r in rs) == sorted([applicant.id, draft.created_by_id])
    assert gone.created_by_id not in [r for rs in told for r in rs]
    with after_deadline(challenge, 5):
        with pytest.raises(ops.BidConflict, match="撤榜"):
            review_ops.open_bids(challenge, actor=bureau_user)
        db.session.rollback()
        bureau = as_user(bureau_user)
        r = bureau.post(f"/manage/bids/challenge/{challenge.id}/open", {},
                        token_from=f"/manage/bids/challenge/{challenge.id}")
        assert r.status_code == 409
        assert bureau.get(f"/bids/{bid.public_id}").status_code == 404
        page = as_user(applicant).get(f"/bids/{bid.public_id}").get_data(as_text=True)
        assert "已撤榜" in page and "不会开标" in page


def test_challenge_cancelled_after_the_opening_cannot_be_reviewed(make, challenge, as_user):
    bid = make.bid(challenge, state="opened", signed=True)
    bureau_user = make.user(role=Role.BUREAU)
    ch_ops.cancel_challenge(challenge, actor=bureau_user, reason="撤榜")
    db.session.commit()
    with pytest.raises(ops.BidConflict):
        review_ops.review_bid(bid, actor=bureau_user, is_complete=True, is_eligible=True, is_passed=True,
                              reason=None)
    db.session.rollback()
    r = as_user(bureau_user).get(f"/manage/bids/{bid.public_id}/review")
    assert r.status_code == 409 and "撤榜" in r.get_data(as_text=True)


# -- item 14: non-guessable identifiers ------------------------------------------------------------

def test_bid_and_attachment_urls_use_random_public_ids(make, challenge, applicant, as_user):
    bid = make.bid(challenge, user=applicant, signed=True)
    other = make.bid(challenge)
    attachment = bid.attachments[0]
    for obj in (bid, other, attachment):
        assert len(obj.public_id) == 22 and not obj.public_id.isdigit()
    assert bid.public_id != other.public_id
    b = as_user(applicant)
    page = b.get("/bids/").get_data(as_text=True)
    assert f"/bids/{bid.public_id}" in page and f"/bids/{bid.id}\"" not in page
    detail = b.get(f"/bids/{bid.public_id}").get_data(as_text=True)
    assert f"/attachments/{attachment.public_id}" in detail
    assert f"/attachments/{attachment.id}\"" not in detail
    assert b.get(f"/bids/{bid.id}").status_code == 404
    assert b.get(f"/bids/{other.public_id}").status_code == 404  # another organisation's bid
    db.session.add(Bid(challenge_id=challenge.id, organisation_id=make.org().id, created_by_id=applicant.id,
                       state=BidState.DRAFT, public_id=bid.public_id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
