from .test_bidding import form_of
from app.bids.models import Bid
from app.extensions import db


def test_attacks(make, challenge, applicant, as_user):
    bid = make.bid(challenge, user=applicant, state="draft")
    b = as_user(applicant)
    url = f"/bids/{bid.public_id}/edit"
    for rev in ("1e999999", "NaN", "-1", "99999999999999999999", "", "1\x00"):
        r = b.post(url, form_of(bid, make, revision=rev), token_from=url)
        print("revision", repr(rev), r.status_code)
    for val in ("1e999999", "NaN", "Infinity", "-0", "1" * 400):
        f = form_of(bid, make)
        f["kpis-0-proposed_value"] = val
        r = b.post(url, f, token_from=url)
        print("kpi", repr(val[:20]), r.status_code)
    f = form_of(bid, make, action="submit")
    f["accept_kpi_misses"] = "NaN"
    print("accept", b.post(url, f, token_from=url).status_code)
    for path in ("/bids/" + "A" * 21, "/bids/" + "A" * 23, "/bids/%00AAAAAAAAAAAAAAAAAAAA", f"/bids/{bid.public_id}/attachments/{bid.public_id}"):
        print(path[:40], b.get(path).status_code)
    r = b.post(url, form_of(bid, make, member_ids=["1e999999"]), token_from=url)
    print("member 1e999999", r.status_code)
    r = b.post(url, form_of(bid, make, member_ids=["999999"]), token_from=url)
    print("member 999999", r.status_code)
    r = b.post(f"/bids/{bid.public_id}/submit", {"base_version": "NaN"}, token_from=f"/bids/{bid.public_id}")
    print("submit NaN", r.status_code)
    bureau = as_user(make.user(role="bureau"))
    print("bureau summary of draft", bureau.post(f"/manage/bids/{bid.public_id}/summary", {}, token_from="/manage/bids/").status_code)
    assert 0
