"""Enterprise files a demand -> bureau accepts -> bureau completes and publishes the challenge
-> the public portal shows it and its PDF notice. Screenshots in test-artifacts/screenshots/."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.auth.models import OrgType, Role
from app.core.timeutil import to_local, utcnow
from tests.browser.conftest import login, logout, screenshot

pytestmark = pytest.mark.browser

TITLE = "工业固废基低碳胶凝材料规模化制备技术"


def submit(page, selector: str) -> None:
    """Click a button that posts a form and wait for the answer page to load."""
    with page.expect_navigation():
        page.click(selector)


def add_row_if_missing(page, selector, table):
    """Rows beyond the blank one are added in the page (app/static/js/challenge_rows.js)."""
    if page.locator(selector).count() == 0:
        page.click(f"button[data-add-row={table}]")
        page.wait_for_selector(selector)


def test_demand_to_published_challenge_on_the_portal(page, make):
    company = make.org("河南强耐新材股份有限公司", org_type=OrgType.ENTERPRISE, short_name="强耐新材",
                       district="武陟县", field="节能环保")
    enterprise = make.user(role=Role.APPLICANT, organisation=company, name="强耐联络员")
    bureau = make.user(role=Role.BUREAU, name="科技局业务员")

    # 1. the enterprise files and submits a demand
    login(page, enterprise)
    page.click("nav.mainnav >> text=我的需求")
    page.click("text=提交新需求")
    page.fill("input[name=title]", TITLE)
    page.select_option("select[name=field]", "节能环保")
    page.fill("textarea[name=problem]", "现有工艺能耗高、早期强度低，本单位无力独立攻克。")
    page.fill("textarea[name=core_indicators]", "28天抗压强度≥42.5MPa；固废掺量≥70%")
    page.fill("input[name=time_limit_months]", "24")
    page.fill("input[name=own_funding]", "6,000,000")
    page.fill("textarea[name=ip_ownership]", "双方共有，企业享有优先实施权")
    page.fill("textarea[name=solver_conditions]", "具有相关研究基础的高校、院所或企业")
    page.fill("input[name=contact_name]", "李工")
    page.fill("input[name=contact_phone]", "0391-1111111")
    page.check("input[name=cannot_solve_alone]")
    screenshot(page, "challenge_flow_1_demand_form")
    submit(page, "main form button:has-text('保存')")
    submit(page, "text=提交科技局")  # data-confirm is accepted by the fixture
    assert "待筛选" in page.locator("main h1").inner_text()
    screenshot(page, "challenge_flow_2_demand_submitted")
    logout(page)

    # 2. the bureau accepts it: a pre-filled draft challenge opens for completion
    login(page, bureau)
    page.click("nav.mainnav >> text=需求管理")
    page.click(f"text={TITLE}")
    page.fill("textarea[name=reason]", "符合我市节能环保产业方向，同意形成榜单。")
    submit(page, "text=采纳并生成榜单草稿")
    page.wait_for_url(re.compile(r"/manage/challenges/\d+/edit$"))
    assert page.input_value("input[name=title]") == TITLE
    assert page.input_value("input[name=issuer_funding]") == "6000000"

    # 3. the bureau completes the challenge (a wrong percentage first) and publishes it
    now = to_local(utcnow())
    page.fill("input[name=support]", "4,000,000")
    page.fill("input[name=bid_opens_at]", now.strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=bid_deadline_at]", (now + timedelta(days=30)).strftime("%Y-%m-%dT17:00"))
    page.fill("input[name=slots]", "2")
    page.fill("input[name=contact_email]", "kjj@example.cn")
    for i, (name, value, unit) in enumerate([("28天抗压强度", "42.5", "MPa"), ("固废掺量", "70", "%")]):
        add_row_if_missing(page, f"input[name='kpis-{i}-name']", "kpis")
        page.fill(f"input[name='kpis-{i}-name']", name)
        page.select_option(f"select[name='kpis-{i}-comparator']", "ge")
        page.fill(f"input[name='kpis-{i}-target_value']", value)
        page.fill(f"input[name='kpis-{i}-unit']", unit)
        page.fill(f"input[name='kpis-{i}-verification_method']", "第三方检测报告")
    for i, (name, month, pct) in enumerate([("签订任务书", "0", "30"), ("中期赛马比选", "12", "40"),
                                            ("验收", "24", "29")]):
        add_row_if_missing(page, f"input[name='milestones-{i}-name']", "milestones")
        page.fill(f"input[name='milestones-{i}-name']", name)
        page.fill(f"input[name='milestones-{i}-month_offset']", month)
        page.fill(f"input[name='milestones-{i}-tranche_percent']", pct)
    page.check("input[name='milestones-1-is_race_checkpoint']")
    submit(page, "text=保存草稿")
    # A draft saves half-done; the pre-publication check on its page names what is missing.
    page.wait_for_url(re.compile(r"/manage/challenges/\d+$"))
    expect(page.locator("main")).to_contain_text("当前为99%")
    screenshot(page, "challenge_flow_3_validation_error")
    page.goto(page.url + "/edit")
    page.fill("input[name='milestones-2-tranche_percent']", "30")
    submit(page, "text=保存草稿")
    page.wait_for_url(re.compile(r"/manage/challenges/\d+$"))
    expect(page.locator("main")).not_to_contain_text("当前为99%")
    challenge_url = page.url
    screenshot(page, "challenge_flow_4_draft")
    submit(page, "main .actions button:has-text('发布')")
    page.wait_for_url(challenge_url)
    assert "已发布1个榜单" in page.locator(".flashes").inner_text()
    assert "揭榜中" in page.locator("main h1").inner_text()
    logout(page)

    # 4. anyone sees it in the portal, with its KPIs, deadline (time zone) and PDF notice
    page.goto("/")
    page.click("nav.mainnav >> text=榜单大厅")
    page.fill("input[name=q]", "胶凝材料")
    submit(page, "text=搜索")
    page.click(f"text={TITLE}")
    page.wait_for_url(re.compile(r"/challenges/\d+$"))
    for text in ("≥ 42.5 MPa", "≥ 70 %", "北京时间 UTC+8", "赛马比选", "400万元"):
        expect(page.locator("main")).to_contain_text(text)
    assert re.search(r"距揭榜截止还有 \d+ 天 \d+ 小时 \d+ 分钟 \d+ 秒", page.locator(".countdown").inner_text())
    screenshot(page, "challenge_flow_5_portal_detail")
    notice = page.locator("#notices a").first
    assert "焦科〔" in notice.inner_text()
    with page.expect_download() as info:
        notice.click()
    pdf = info.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    from io import BytesIO

    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages)
    assert TITLE in re.sub(r"\s+", "", text)  # table cells wrap the title over lines
