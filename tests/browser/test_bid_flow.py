"""Two universities and one enterprise bid on one challenge (one as a consortium); the
deadline passes; the bureau opens the bids and runs formal review; one bid fails with a
reason the bidder then sees. Screenshots in test-artifacts/screenshots/."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.auth.models import OrgType, Role
from app.core.timeutil import frozen_time
from tests.browser.conftest import login, logout, screenshot

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
REASON = "未上传加盖单位公章的签字盖章页，材料不齐全"


def bid_through_the_form(page, challenge, *, title, fiscal, self_funding, members=(), signed=True, shot=None):
    page.click("nav.mainnav >> text=我的揭榜")
    page.locator("tr", has_text=challenge.title).locator("button", has_text="我要揭榜").click()
    page.wait_for_url(re.compile(r"/bids/[\w-]{22}/edit$"))
    page.fill("input[name=title]", title)
    for m in members:  # the searchable picker (app/static/js/member_picker.js)
        page.fill(".member-search", m.name[:4])
        page.locator(".member-results [role=option]", has_text=m.name).click()
        assert m.name in page.locator(".member-chips").inner_text()
    page.fill("input[name=leader_name]", "张三")
    page.fill("input[name=leader_title]", "研究员")
    page.fill("input[name=leader_phone]", "0391-2222222")
    page.fill("textarea[name=technical_plan]", f"{title}的技术路线：\n小试—中试—工业验证。")
    page.fill("input[name=fiscal_support]", fiscal)
    page.fill("input[name=issuer_funding]", "3,000,000")
    page.fill("input[name=self_funding]", "1")
    # The live total (app/static/js/bids.js) flags the ratio before the server does.
    assert "自筹资金应不低于" in page.locator("[data-out=problems]").inner_text()
    page.fill("input[name=self_funding]", self_funding)
    assert page.locator("[data-out=problems]").inner_text().strip() == ""
    for n, _kpi in enumerate(challenge.kpis):
        page.fill(f"input[name='kpis-{n}-proposed_value']", "95")
        page.fill(f"textarea[name='kpis-{n}-verification']", "第三方检测报告")
    for n, _m in enumerate(challenge.milestone_template):
        page.fill(f"textarea[name='milestones-{n}-deliverable']", "阶段报告")
    assert page.locator("[data-out=percent]").inner_text() == "100%"
    if shot:
        screenshot(page, shot)
    page.click("button:has-text('保存并提交')")
    page.wait_for_url(re.compile(r"/bids/[\w-]{22}$"))
    assert "已提交" in page.locator("main h1").inner_text()
    if signed:
        page.select_option("select[name=kind]", "signed")
        page.set_input_files("input[name=file]", files=[
            {"name": "签字盖章页.pdf", "mimeType": "application/pdf", "buffer": PDF}])
        page.click("form[enctype] button[type=submit]")
        assert "签字盖章页.pdf" in page.locator("#attachments").inner_text()
        page.click("button:has-text('重新提交')")  # the new attachment goes into version 2
        expect(page.locator("main")).to_contain_text("第2版")  # waits for the page after the redirect
        page.wait_for_load_state()


def test_three_bids_sealed_opened_and_formally_reviewed(page, make):
    challenge = make.challenge(state="published", slots=2, title="大尺寸高纯氟化钙晶体生长技术")
    hpu = make.user(role=Role.APPLICANT, name="理工大学联络员",
                    organisation=make.org("河南理工大学", org_type=OrgType.UNIVERSITY))
    zzu = make.user(role=Role.APPLICANT, name="郑州大学联络员",
                    organisation=make.org("郑州大学", org_type=OrgType.UNIVERSITY))
    firm = make.user(role=Role.APPLICANT, name="光电公司联络员",
                     organisation=make.org("焦作鑫宇光电科技有限公司", org_type=OrgType.ENTERPRISE))
    partners = [make.org("龙佰集团股份有限公司"), make.org("中原内配集团股份有限公司")]
    bureau = make.user(role=Role.BUREAU, name="科技局业务员")

    login(page, hpu)
    bid_through_the_form(page, challenge, title="高纯氟化钙晶体联合攻关", fiscal="2,000,000",
                         self_funding="2,000,000", members=partners, shot="bid_flow_1_consortium_form")
    expect(page.locator("main")).to_contain_text("龙佰集团股份有限公司")
    screenshot(page, "bid_flow_2_consortium_submitted")
    logout(page)
    login(page, zzu)
    bid_through_the_form(page, challenge, title="氟化钙晶体温场优化", fiscal="2,500,000", self_funding="2,500,000")
    logout(page)
    login(page, firm)
    bid_through_the_form(page, challenge, title="晶体生长装备国产化", fiscal="1,500,000",
                         self_funding="3,000,000", signed=False)
    logout(page)

    # Before the deadline the bureau sees only the number.
    login(page, bureau)
    page.click("nav.mainnav >> text=揭榜管理")
    page.click(f"text={challenge.title}")
    assert page.locator("#bid-count").inner_text() == "3"
    main = page.locator("main").inner_text()
    assert "河南理工大学" not in main and "氟化钙晶体联合攻关" not in main
    assert page.locator("button:has-text('开标')").count() == 0
    screenshot(page, "bid_flow_3_sealed_count")

    with frozen_time(challenge.bid_deadline_at + timedelta(seconds=1)):
        page.reload()
        page.click("button:has-text('开标')")
        assert "已于" in page.locator(".flash-info").inner_text() and "科技局业务员" in page.locator("main").inner_text()
        rows = page.locator("main table tbody tr")
        assert rows.count() == 3
        screenshot(page, "bid_flow_4_opened")

        for lead, passed in (("河南理工大学", True), ("郑州大学", True), ("焦作鑫宇光电科技有限公司", False)):
            page.locator("tr", has_text=lead).locator("a", has_text="形式审查").click()
            page.check("input[name=is_complete]")
            page.check("input[name=is_eligible]")
            if passed:
                # 已上传签字盖章页 is a fact the system computes from the submitted version.
                assert "是" in page.locator("#facts .fact-attachment_signed").inner_text()
                page.select_option("select[name=outcome]", "pass")
            else:
                page.select_option("select[name=outcome]", "fail")
                page.fill("textarea[name=reason]", REASON)
                screenshot(page, "bid_flow_5_review_fail")
            page.click("button:has-text('提交审查结论')")
            assert "形式审查结果已记录" in page.locator(".flashes").inner_text()
        listing = page.locator("main table").inner_text()
        assert listing.count("形式审查通过") == 2 and listing.count("形式审查未通过") == 1
        screenshot(page, "bid_flow_6_reviewed")

        # The consortium's two versions can be compared by the bureau after the opening.
        page.locator("tr", has_text="河南理工大学").locator("a").first.click()
        page.click("text=与上一版比较")
        assert "签字盖章页.pdf" in page.locator("table.diff").inner_text()
        screenshot(page, "bid_flow_6b_version_diff")
        logout(page)

        login(page, firm)
        page.click("nav.mainnav >> text=我的揭榜")
        page.click("text=晶体生长装备国产化")
        assert REASON in page.locator("#review").inner_text()
        assert "形式审查未通过" in page.locator("main h1").inner_text()
        assert page.locator("a:has-text('编辑')").count() == 0
        screenshot(page, "bid_flow_7_bidder_sees_reason")
