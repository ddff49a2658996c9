"""The seal, with time as a dimension of the access matrix.

Before the deadline, and after it until the bids are opened, no staff-facing route
of any domain (every GET row of every ``tests/<domain>/access.py``, the audit log,
search, attachment and version URLs) shows anything of a bid but the count.
"""
from __future__ import annotations

import io

import pytest

from app.auth.models import OrgType, Role
from app.bids import operations as bid_ops
from app.bids.models import AttachmentKind, BidOpening, BidState
from app.core.audit import chain_head, visible_events_select
from app.core.models import AuditEvent
from app.core.timeutil import frozen_time
from app.extensions import db
from tests.access import ROLES
from tests.conftest import Browser
from tests.test_access_matrix import MODULES

from .conftest import PDF, after_deadline

# Bid content only: organisation and user names are legitimately listed elsewhere
# (admin pages); who bid is checked on the bureau's pages and the audit log below.
MARKERS = ("密封标记项目", "绝密技术路线", "密封标记附件")
STAFF = ("admin", "bureau", "finance", "expert")


@pytest.fixture
def sealed(make, challenge):
    """Two submitted bids full of marker text (one a consortium), one draft."""
    lead = make.org(name="密封标记大学", org_type=OrgType.UNIVERSITY)
    user = make.user(role=Role.APPLICANT, organisation=lead, name="密封标记联络员")
    member = make.org(name="密封标记成员公司", org_type=OrgType.ENTERPRISE)
    bid = make.bid(challenge, user=user, members=[member], title="密封标记项目甲",
                   technical_plan="<p>绝密技术路线：低温烧结</p>")
    bid_ops.add_attachment(bid, io.BytesIO(PDF), "密封标记附件.pdf", AttachmentKind.SIGNED, actor=user)
    bid_ops.save_bid(bid, make.bid_data(bid, [member], title="密封标记项目甲第二版",
                                      technical_plan="<p>绝密技术路线：低温烧结</p>"), actor=user)
    bid_ops.submit_bid(bid, actor=user, base_version=1)
    db.session.commit()
    other = make.bid(challenge, organisation=make.org(name="密封标记研究院", org_type=OrgType.INSTITUTE),
                     title="密封标记项目乙")
    draft = make.bid(challenge, state="draft", organisation=make.org(name="密封标记草稿公司"))
    return {"bid": bid, "other": other, "draft": draft, "attachment": bid.attachments[0]}


def _staff_browsers(app, make):
    users = {role: make.user(role=role) for role in ROLES if role != "anonymous"}
    browsers = {}
    for role in STAFF:
        browsers[role] = Browser(app.test_client())
        browsers[role].login(users[role])
    return users, browsers


def _bid_urls(s):
    bid, att = s["bid"], s["attachment"]
    return [f"/bids/{bid.public_id}", f"/bids/{bid.public_id}/versions/1", f"/bids/{bid.public_id}/versions/2",
            f"/bids/{bid.public_id}/versions/1/diff/2", f"/bids/{bid.public_id}/attachments/{att.public_id}",
            f"/bids/{s['other'].id}", f"/bids/{s['draft'].id}", f"/manage/bids/{bid.public_id}/review"]


def _leaks(body: str) -> list[str]:
    return [m for m in MARKERS if m in body]


def _sweep(app, make, s, browsers, users) -> list[str]:
    """Request every GET route of every domain as every staff role; collect leaks."""
    leaks = []
    urls = set(_bid_urls(s)) | {"/admin/audit", "/admin/audit?entity=bids", "/manage/bids/",
                                f"/manage/bids/challenge/{s['bid'].challenge_id}"}
    for module in MODULES:
        ids = module.setup(make, users)
        urls |= {url.format(**ids) for method, _e, url, _x in module.ROUTES if method == "GET"}
    for url in sorted(urls):
        for role, browser in browsers.items():
            response = browser.get(url)
            found = _leaks(response.get_data().decode("utf-8", "replace")) + _leaks(
                response.headers.get("Content-Disposition", ""))
            if found:
                leaks.append(f"{role} GET {url}: {found}")
    return leaks


def test_no_staff_route_leaks_a_bid_before_the_opening(app, make, challenge, sealed):
    users, browsers = _staff_browsers(app, make)
    leaks = _sweep(app, make, sealed, browsers, users)
    assert leaks == [], "\n".join(leaks)
    for url in _bid_urls(sealed):
        for role, browser in browsers.items():
            assert browser.get(url).status_code in ({404} if role == "bureau" or "/manage/" not in url
                                                    else {403}), (role, url)
    with after_deadline(challenge, 1):      # deadline passed, not yet opened: still sealed
        assert _sweep(app, make, sealed, browsers, users) == []
        assert browsers["bureau"].get(f"/bids/{sealed['bid'].public_id}").status_code == 404


def test_bureau_sees_only_the_count_before_the_deadline(app, make, challenge, sealed):
    _users, browsers = _staff_browsers(app, make)
    page = browsers["bureau"].get(f"/manage/bids/challenge/{challenge.id}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="bid-count">2<' in body and not _leaks(body)
    assert "开标" not in body.split('id="bid-count"')[1].split("</div>")[0].replace("开标后", "")
    listing = browsers["bureau"].get("/manage/bids/").get_data(as_text=True)
    assert "密封中" in listing and not _leaks(listing)


def test_opening_only_after_the_deadline_and_recorded(app, make, challenge, sealed):
    _users, browsers = _staff_browsers(app, make)
    bureau = browsers["bureau"]
    url = f"/manage/bids/challenge/{challenge.id}/open"
    r = bureau.post(url, {}, token_from="/manage/bids/")
    assert r.status_code == 409 and "密封" in r.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(BidOpening.id))) == 0

    moment = challenge.bid_deadline_at
    with frozen_time(moment):                 # exactly at the deadline: closed, may open
        token = bureau.token("/manage/bids/")
        assert bureau.post(url, {"csrf_token": token}).status_code == 302
        assert bureau.post(url, {"csrf_token": token}).status_code == 409   # once only
        opening = db.session.scalar(db.select(BidOpening))
        assert opening.opened_at == moment and opening.opened_by.role is Role.BUREAU
        assert opening.bid_count == 2

        body = bureau.get(f"/manage/bids/challenge/{challenge.id}").get_data(as_text=True)
        assert "密封标记大学" in body and "密封标记研究院" in body and "密封标记成员公司" in body
        assert "密封标记草稿公司" not in body                 # a draft never reaches the bureau
        detail = bureau.get(f"/bids/{sealed['bid'].public_id}").get_data(as_text=True)
        assert "绝密技术路线" in detail and "开标" in detail
        assert bureau.get(f"/bids/{sealed['draft'].public_id}").status_code == 404
        assert bureau.get(f"/bids/{sealed['bid'].public_id}/attachments/{sealed['attachment'].public_id}").status_code == 200
        diff = bureau.get(f"/bids/{sealed['bid'].public_id}/versions/1/diff/2").get_data(as_text=True)
        assert "密封标记项目甲第二版" in diff
        log = bureau.get("/admin/audit?entity=bids").get_data(as_text=True)
        assert "密封标记联络员" in log                            # events visible after opening
        draft_events = db.session.scalars(visible_events_select(None).where(
            AuditEvent.entity_type == "bids", AuditEvent.entity_id == sealed["draft"].id)).all()
        assert draft_events == []                                 # a draft's trail never reaches the log
        assert browsers["finance"].get(f"/bids/{sealed['bid'].public_id}").status_code == 404


def test_audit_log_hides_sealed_bid_events(app, make, challenge, sealed):
    _users, browsers = _staff_browsers(app, make)
    for role in ("admin", "bureau"):
        body = browsers[role].get("/admin/audit?entity=bids").get_data(as_text=True)
        assert "密封标记联络员" not in body and "bids#" not in body
        assert "密封标记联络员" not in browsers[role].get("/admin/audit").get_data(as_text=True)
    # The log's reader sees fewer events than the chain holds; the chain sees every row.
    visible = db.session.scalar(db.select(db.func.count()).select_from(visible_events_select(None).subquery()))
    everything = db.session.scalar(db.select(db.func.count(AuditEvent.id)))
    assert 0 < visible < everything
    assert everything == chain_head().height


def test_withdrawn_and_drafts_are_not_counted(make, challenge, sealed):
    from app.bids.seal import submitted_count

    assert submitted_count(challenge) == 2
    bid_ops.withdraw_bid(sealed["other"], actor=sealed["other"].created_by)
    db.session.commit()
    assert submitted_count(challenge) == 1
    assert sealed["draft"].state is BidState.DRAFT
