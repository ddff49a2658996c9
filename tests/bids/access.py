"""Access matrix rows for bids (see tests/access.py).

The applicant in the matrix owns ``bid_id`` (sealed: its challenge is still open);
``opened_bid_id`` belongs to another organisation on a challenge whose bids were
opened after the deadline. The time dimension of the seal (every route before and
after the deadline) is in ``test_seal.py``.
"""
from io import BytesIO

from app.bids import operations as bid_ops
from app.bids.models import AttachmentKind
from app.extensions import db
from tests.access import only

from .conftest import PDF


def setup(make, users):
    challenge = make.challenge(state="published")
    applicant = users["applicant"]
    bid = make.bid(challenge, user=applicant)
    attachment = bid_ops.add_attachment(bid, BytesIO(PDF), "申报书.pdf", AttachmentKind.SIGNED, actor=applicant)
    bid_ops.save_bid(bid, make.bid_data(bid, title="第二版名称"), actor=applicant)
    bid_ops.submit_bid(bid, actor=applicant, base_version=1)
    db.session.commit()
    opened = make.bid(make.challenge(state="published"), state="opened")
    return {"challenge_id": challenge.id, "bid_id": bid.public_id, "attachment_id": attachment.public_id,
            "opened_bid_id": opened.public_id, "opened_challenge_id": opened.challenge_id}


APPLICANT_GET = only({"applicant"})
OWNER_ONLY = {"anonymous": 302, "admin": 404, "bureau": 404, "finance": 404, "expert": 404, "applicant": 200}
OPENED = {"anonymous": 302, "admin": 200, "bureau": 200, "finance": 404, "expert": 404, "applicant": 404}
BUREAU_GET = only({"bureau"})

ROUTES = [
    ("GET", "bids.index", "/bids/", APPLICANT_GET),
    ("POST", "bids.start", "/bids/start/{challenge_id}", only({"applicant"}, ok=302)),
    ("POST", "bids.start", "/bids/start/999999", only({"applicant"}, ok=404)),
    ("GET", "bids.detail", "/bids/{bid_id}", OWNER_ONLY),
    ("GET", "bids.detail", "/bids/{opened_bid_id}", OPENED),
    ("GET", "bids.detail", "/bids/AAAAAAAAAAAAAAAAAAAAAA", {**OWNER_ONLY, "applicant": 404}),
    ("GET", "bids.detail", "/bids/1", {r: 404 for r in OWNER_ONLY}),  # integer ids are no URLs
    ("GET", "bids.edit", "/bids/{bid_id}/edit", APPLICANT_GET),
    ("GET", "bids.edit", "/bids/{opened_bid_id}/edit", only({"applicant"}, ok=404)),
    ("POST", "bids.edit", "/bids/{bid_id}/edit", only({"applicant"}, ok=400)),
    ("POST", "bids.submit", "/bids/{bid_id}/submit", only({"applicant"}, ok=400)),
    ("POST", "bids.reconfirm", "/bids/{bid_id}/reconfirm", only({"applicant"}, ok=400)),
    ("POST", "bids.reopen", "/bids/{bid_id}/reopen", only({"applicant"}, ok=409)),
    ("POST", "bids.upload", "/bids/{bid_id}/attachments", only({"applicant"}, ok=400)),
    ("POST", "bids.remove_attachment", "/bids/{bid_id}/attachments/{attachment_id}/remove",
     only({"applicant"}, ok=302)),
    ("GET", "bids.download", "/bids/{bid_id}/attachments/{attachment_id}", OWNER_ONLY),
    ("GET", "bids.version", "/bids/{bid_id}/versions/1", OWNER_ONLY),
    ("GET", "bids.version", "/bids/{bid_id}/versions/9", {**OWNER_ONLY, "applicant": 404}),
    ("GET", "bids.version_diff", "/bids/{bid_id}/versions/1/diff/2", OWNER_ONLY),
    ("POST", "bids.withdraw", "/bids/{bid_id}/withdraw", only({"applicant"}, ok=302)),
    ("GET", "bid_review.index", "/manage/bids/", BUREAU_GET),
    ("GET", "bid_review.challenge_bids", "/manage/bids/challenge/{challenge_id}", BUREAU_GET),
    ("GET", "bid_review.challenge_bids", "/manage/bids/challenge/{opened_challenge_id}", BUREAU_GET),
    ("POST", "bid_review.open_challenge_bids", "/manage/bids/challenge/{challenge_id}/open",
     only({"bureau"}, ok=409)),
    ("GET", "bid_review.review", "/manage/bids/{bid_id}/review", only({"bureau"}, ok=404)),
    ("GET", "bid_review.review", "/manage/bids/{opened_bid_id}/review", BUREAU_GET),
    ("POST", "bid_review.review", "/manage/bids/{bid_id}/review", only({"bureau"}, ok=404)),
    ("POST", "bid_review.review", "/manage/bids/{opened_bid_id}/review", only({"bureau"}, ok=400)),
    ("POST", "bid_review.summary", "/manage/bids/{bid_id}/summary", only({"bureau"}, ok=404)),
]
