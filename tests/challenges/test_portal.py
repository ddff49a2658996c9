"""The public portal: search, filters, sorting, pagination, detail page; nothing unpublished leaks."""
from __future__ import annotations

import re

import pytest

from app.auth.models import OrgType
from app.extensions import db


@pytest.fixture
def catalogue(make):
    """Three public challenges of different issuers, districts, fields and amounts, one draft."""
    a = make.challenge("published", issuer=make.org("河南强耐新材股份有限公司", org_type=OrgType.ENTERPRISE,
                                                    short_name="强耐新材", district="武陟县"),
                       title="CO2深度矿化养护制建材", field="节能环保", support_fen=600_000_000,
                       problem_statement="固废与二氧化碳协同利用")
    b = make.challenge("published", issuer=make.org("多氟多新材料股份有限公司", org_type=OrgType.ENTERPRISE,
                                                    district="中站区"),
                       title="大尺寸高纯氟化钙晶体生长", field="氟基新材料", support_fen=800_000_000,
                       problem_statement="晶体开裂与包裹体控制")
    c = make.challenge("closed", title="醋酸纤维废丝再生", field="现代化工", support_fen=300_000_000,
                       district="沁阳市")
    draft = make.challenge("draft", title="保密草稿榜单", field="节能环保")
    return {"a": a, "b": b, "c": c, "draft": draft}


def titles(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(r'<h2><a href="/challenges/\d+">([^<]+)</a>', response.get_data(as_text=True))


@pytest.mark.parametrize("query, expected", [
    ("", ["CO2深度矿化养护制建材", "大尺寸高纯氟化钙晶体生长", "醋酸纤维废丝再生"]),
    ("q=氟化钙", ["大尺寸高纯氟化钙晶体生长"]),             # title
    ("q=强耐", ["CO2深度矿化养护制建材"]),                  # issuer short name
    ("q=多氟多", ["大尺寸高纯氟化钙晶体生长"]),              # issuer name
    ("q=包裹体", ["大尺寸高纯氟化钙晶体生长"]),              # keyword in the problem statement
    ("q=现代化工", ["醋酸纤维废丝再生"]),                    # field
    ("q=保密", []),                                          # drafts never match
    ("q=100%25", []),                                        # LIKE wildcards are literal
    ("field=节能环保", ["CO2深度矿化养护制建材"]),
    ("district=中站区", ["大尺寸高纯氟化钙晶体生长"]),
    ("status=closed", ["醋酸纤维废丝再生"]),
    ("support_min=500&support_max=700", ["CO2深度矿化养护制建材"]),
    ("support_min=700", ["大尺寸高纯氟化钙晶体生长"]),
    ("sort=support", ["大尺寸高纯氟化钙晶体生长", "CO2深度矿化养护制建材", "醋酸纤维废丝再生"]),
])
def test_search_filter_sort(client, catalogue, query, expected):
    got = titles(client.get(f"/challenges?{query}"))
    if query.startswith("sort=") or not query:
        assert got == expected
    else:
        assert sorted(got) == sorted(expected)


def test_open_challenges_first_nearest_deadline_first(client, catalogue):
    got = titles(client.get("/challenges"))
    assert got[-1] == "醋酸纤维废丝再生"  # closed goes after the open ones


def test_bad_filter_values_do_not_break_the_page(client, catalogue):
    # Unknown menu values are ignored (200); a malformed number is a 400 that still shows
    # the list, with the reason beside the field.
    response = client.get("/challenges?status=draft&field=nonsense&sort=evil&page=-3")
    assert response.status_code == 200
    assert "保密草稿榜单" not in response.get_data(as_text=True)
    assert len(titles(response)) == 3
    response = client.get("/challenges?support_min=abc&status=draft&field=nonsense&sort=evil&page=-3")
    assert response.status_code == 400
    assert "保密草稿榜单" not in response.get_data(as_text=True)
    assert "请输入有效的数字" in response.get_data(as_text=True)
    assert len(re.findall(r'<h2><a href="/challenges/\d+">', response.get_data(as_text=True))) == 3


def test_pagination(client, catalogue, app):
    old = app.config["PAGE_SIZE"]
    app.config["PAGE_SIZE"] = 2
    try:
        first, second = client.get("/challenges"), client.get("/challenges?page=2")
    finally:
        app.config["PAGE_SIZE"] = old
    assert len(titles(first)) == 2 and len(titles(second)) == 1
    assert "第 1 / 2 页" in first.get_data(as_text=True)


def test_detail_page_shows_every_public_field(client, catalogue):
    c = catalogue["a"]
    page = client.get(f"/challenges/{c.id}").get_data(as_text=True)
    for text in (c.title, "河南强耐新材股份有限公司", "武陟县", "节能环保", "24 个月", "600万元", "6,000,000.00元",
                 "抗压强度", "≥ 30 MPa", "≥ 90.5 %", "第三方检测", "双方共有", "具有相关研发基础的单位",
                 "0391-1234567", "北京时间 UTC+8", "距揭榜截止还有", "第12个月", "40%"):
        assert text in page, text
    assert 'data-deadline="' in page and "countdown.js" in page


def test_unpublished_is_not_reachable_by_guessing_ids(client, make, catalogue):
    cancelled_draft = make.challenge("cancelled")
    for c in (catalogue["draft"], cancelled_draft):
        assert client.get(f"/challenges/{c.id}").status_code == 404
    assert client.get("/challenges/999999").status_code == 404
    assert client.get("/challenges/99999999999999999999").status_code == 404


def test_home_page_lists_the_latest_open_challenges(client, catalogue):
    page = client.get("/").get_data(as_text=True)
    assert "最新榜单" in page and "大尺寸高纯氟化钙晶体生长" in page
    assert "保密草稿榜单" not in page and "醋酸纤维废丝再生" not in page


def test_portal_is_in_everyones_navigation(client, login_as):
    assert 'href="/challenges"' in client.get("/").get_data(as_text=True)
    bureau = login_as("bureau").get("/dashboard").get_data(as_text=True)
    assert "需求管理" in bureau and "榜单管理" in bureau and "榜单大厅" in bureau
    applicant = login_as("applicant").get("/dashboard").get_data(as_text=True)
    assert "我的需求" in applicant and "榜单管理" not in applicant
    db.session.rollback()


def test_a_withdrawn_challenge_shows_no_countdown_and_publishes_a_notice(make, login_as, client):
    from app.documents.models import IssuedDocument

    c = make.challenge("published")
    bureau = login_as("bureau")
    response = bureau.post(f"/manage/challenges/{c.id}/cancel", {"reason": "发榜单位已自行解决该难题"},
                           token_from=f"/manage/challenges/{c.id}")
    assert response.status_code == 302
    doc = IssuedDocument.query.filter_by(doc_type="challenge_cancellation").one()
    assert doc.is_public and doc.title == f"关于撤销“{c.title}”榜单的公告"
    page = client.get(f"/challenges/{c.id}").get_data(as_text=True)
    assert "距揭榜截止" not in page and 'class="countdown"' not in page
    assert "已撤销" in page and "发榜单位已自行解决该难题" in page and doc.number in page
    assert client.get(f"/documents/{doc.id}/download").status_code == 200


def test_withdrawing_a_draft_issues_no_public_notice(make, login_as):
    from app.documents.models import IssuedDocument

    c = make.challenge("draft")
    bureau = login_as("bureau")
    assert bureau.post(f"/manage/challenges/{c.id}/cancel", {"reason": "重复录入"},
                       token_from=f"/manage/challenges/{c.id}").status_code == 302
    assert IssuedDocument.query.count() == 0


def test_withdrawing_without_a_reason_stays_on_the_page(make, login_as):
    c = make.challenge("published")
    bureau = login_as("bureau")
    response = bureau.post(f"/manage/challenges/{c.id}/cancel", {"reason": ""}, token_from=f"/manage/challenges/{c.id}")
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "请填写理由" in body and c.title in body
