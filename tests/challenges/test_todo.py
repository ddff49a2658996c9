"""Issue 9, item 7: every role's home page shows its pending work with counts and
links, and each panel's SQL statement count does not grow with the rows."""
from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event

from app.bids.models import BidState
from app.challenges import todo
from app.core.timeutil import utcnow
from app.extensions import db


@contextmanager
def counted():
    statements = []

    def counter(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", counter)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", counter)


def test_bureau_sees_counts_with_links(make, login_as):
    bureau_user = make.user(role="bureau")
    for _i in range(2):
        make.demand("submitted")
    make.challenge("closed")
    make.bid(state="opened")
    bureau = login_as("bureau")
    html = bureau.get("/dashboard").get_data(as_text=True)
    card = html.split("待办事项", 1)[1].split("</div>", 1)[0]
    assert "待筛选的技术需求" in card and re.search(r"status=submitted[^>]*>[^<]+</a> <span class=\"badge\">2<", card)
    assert "已截止、待开标的榜单" in card
    assert "待形式审查的揭榜申报" in card
    assert bureau_user is not None


def test_bureau_panel_is_one_statement_whatever_the_rows(make, app):
    user = make.user(role="bureau")
    with app.test_request_context():
        with counted() as few:
            todo.bureau_todo(user)
        for _i in range(4):
            make.demand("submitted")
            make.challenge("closed")
        with counted() as many:
            result = todo.bureau_todo(user)
    assert result["demands"] == 4 and result["to_open"] == 4
    assert len(few) == len(many) == 1


def test_bidder_sees_bids_to_reconfirm_and_drafts_near_their_deadline(make, login_as):
    from app.auth.models import OrgType

    org = make.org(org_type=OrgType.UNIVERSITY)
    applicant = login_as("applicant", organisation=org)
    soon = make.challenge("published", bid_deadline_at=utcnow() + timedelta(days=3), title="即将截止的榜单")
    later = make.challenge("published", bid_deadline_at=utcnow() + timedelta(days=30), title="远期榜单")
    make.bid(soon, state="draft", user=applicant.user)
    far_draft = make.bid(later, state="draft", organisation=make.org(org_type=OrgType.UNIVERSITY))
    other = make.challenge("published", title="已变更的榜单")
    bid = make.bid(other, user=applicant.user)
    bid.state = BidState.NEEDS_RECONFIRM
    db.session.commit()
    html = applicant.get("/dashboard").get_data(as_text=True)
    card = html.split("待办事项", 1)[1].split("</div>", 1)[0]
    assert "即将截止的榜单" in card and "草稿，即将截止" in card
    assert "已变更的榜单" in card and "待重新确认" in card and f"/bids/{bid.public_id}" in card
    assert "远期榜单" not in card and far_draft.id


def test_bidder_panel_statements_do_not_grow_with_rows(make, app):
    from app.auth.models import OrgType

    org = make.org(org_type=OrgType.ENTERPRISE)
    user = make.user(role="applicant", organisation=org)

    def add():
        c = make.challenge("published", bid_deadline_at=utcnow() + timedelta(days=2))
        make.bid(c, state="draft", user=user)
        make.demand("returned", organisation=org, user=user)

    add()
    with app.test_request_context():
        with counted() as few:
            one = todo.applicant_todo(user)
        for _i in range(3):
            add()
        with counted() as many:
            four = todo.applicant_todo(user)
            [b.challenge.title for b in four["bids"]]  # what the template reads: no lazy load
    assert len(one["bids"]) == 1 and len(four["bids"]) == 4 and len(four["returned"]) == 4

    def panel_queries(statements):
        return [s for s in statements if "FROM bids" in s or "FROM demands" in s]

    assert len(panel_queries(few)) == len(panel_queries(many)) == 2


def test_enterprise_sees_returned_demands(make, login_as):
    from app.auth.models import OrgType

    org = make.org(org_type=OrgType.ENTERPRISE)
    applicant = login_as("applicant", organisation=org)
    demand = make.demand("returned", organisation=org, user=applicant.user, title="被退回的需求")
    html = applicant.get("/dashboard").get_data(as_text=True)
    assert "被退回的需求" in html and f"/demands/{demand.id}" in html and "需求被退回补充" in html


def test_no_home_page_promises_a_feature_that_does_not_exist(login_as):
    for role in ("bureau", "finance", "expert", "admin"):
        html = login_as(role).get("/dashboard").get_data(as_text=True)
        assert "在此办理" not in html or role == "bureau", role
    # Every link a home page offers leads somewhere that exists.
    import re

    for role in ("bureau", "finance", "expert", "admin", "applicant"):
        browser = login_as(role)
        html = browser.get("/dashboard").get_data(as_text=True)
        links = {h for h in re.findall(r'href="(/[^"#]*)"', html) if not h.startswith("/static/")}
        dead = [h for h in links if browser.get(h).status_code == 404]
        assert not dead, (role, dead)
