"""Issue 11 end to end in the browser: the bureau draws a 5-expert panel (one expert is
excluded because a bidder employs him, with the reason shown), the experts confirm and
score, one recuses from a bid with a reason and the bureau draws a recorded 补抽, the
ranking shows trimmed means and a flagged outlier, the bureau awards two slots, the 公示
appears publicly, a member of the public files a real-name objection that the bureau
resolves, and approval (立项) stays blocked until the publicity window has ended.
Screenshots in test-artifacts/screenshots/review_flow_*.png."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.auth.models import OrgType
from app.core.timeutil import frozen_time
from app.extensions import db
from app.reviews.models import ExpertReview, Publicity, ReviewDraw
from tests.browser.conftest import login, logout, screenshot
from tests.reviews.conftest import make_expert, make_review_challenge

pytestmark = pytest.mark.browser

# A Tuesday the bundled holiday calendar covers (10:00 Beijing time): the publicity
# window's working days are computable whatever the real date is when this runs.
START = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)
# The first criterion's score per panel position; the other four are 16/16/12/12 (+56).
FIRST = {"lead": (28, 27, 26, 25, 5),     # totals 84 83 82 81 61: trimmed mean 82.00, 61 flagged
         "second": (20, 21, 22, 23, 24),  # totals 76..80: trimmed mean 78.00
         "top": (29, 29, 29, 29, 29)}     # totals 85: mean 85.00
RECUSAL = "本人曾与该单位项目负责人合作承担省重点研发专项，存在利害关系"
HANDLING = "经核查，申报材料中的检测报告真实有效，异议不成立。"


def score_through_the_form(page, first):
    page.fill("#score-form tbody tr:nth-child(1) input", str(first))
    for row, value in ((2, 16), (3, 16), (4, 12), (5, 12)):
        page.fill(f"#score-form tbody tr:nth-child({row}) input", str(value))
    page.fill("#score-form textarea[name=comment]", "技术路线清晰，指标可达。")
    page.click("#score-form button[value=submit]")  # data-confirm is accepted
    page.wait_for_url(re.compile(r"/reviews/$"))
    expect(page.locator(".flashes")).to_contain_text("评分已提交")


def test_draw_score_replace_rank_award_publicise_object_and_wait(page, make):
    with frozen_time(START):
        _flow(page, make)


def _flow(page, make):
    top = make.org("河南理工大学", org_type=OrgType.UNIVERSITY)
    lead = make.org("郑州大学", org_type=OrgType.UNIVERSITY)
    second = make.org("焦作鑫宇光电科技有限公司", org_type=OrgType.ENTERPRISE)
    challenge, bids, bureau = make_review_challenge(make, bid_orgs=[top, lead, second], slots=2)
    bid_of = {"top": bids[0], "lead": bids[1], "second": bids[2]}
    names = ["陈立新", "刘海燕", "赵国栋", "孙志强", "周文静", "吴建华"]
    experts = [make_expert(make, name=n) for n in names]
    conflicted = make_expert(make, name="钱学敏", employer=lead)  # 郑州大学 employs him
    by_id = {e.id: e for e in [*experts, conflicted]}

    # -- the bureau organises the review and draws the panel ---------------------------
    login(page, bureau)
    page.click("nav.mainnav >> text=专家评审")
    page.locator("tr", has_text=challenge.title).locator("a", has_text="组织专家评审").click()
    assert page.locator("input[name=panel_size]").input_value() == "5"
    page.click("button:has-text('保存并进入抽取专家')")
    expect(page.locator(".flashes")).to_contain_text("已组织专家评审")
    screenshot(page, "review_flow_1_round")
    page.click("#draw-form button")
    expect(page.locator(".flashes")).to_contain_text("已抽取5名评审专家")
    assert "identical" in page.locator("#replay").inner_text()
    exclusions = page.locator("#exclusions").inner_text()
    assert "钱学敏" in exclusions and "郑州大学" in exclusions and "申报牵头单位" in exclusions
    assert page.locator("#candidates tr.selected").count() == 5
    assert "钱学敏" in page.locator("#candidates tr.excluded").inner_text()
    screenshot(page, "review_flow_2_draw_with_exclusion")
    logout(page)

    db.session.expire_all()
    initial = db.session.scalar(sa.select(ReviewDraw).where(ReviewDraw.sequence == 1))
    panel = [by_id[i] for i in initial.selected]
    assert conflicted not in panel
    spare = next(e for e in experts if e not in panel)

    # -- the experts confirm and score; the second one recuses from one bid --------------
    recuser = panel[1]
    for position, expert in enumerate(panel):
        login(page, expert)
        page.click("nav.mainnav >> text=评审任务")
        expect(page.locator("#todo tbody tr")).to_have_count(3)
        for key in ("top", "lead", "second"):
            lead_name = bid_of[key].organisation.name
            page.locator("#todo tr", has_text=lead_name).locator("a", has_text="确认回避情况").click()
            assert lead_name in page.locator("#parties").inner_text()
            if expert is recuser and key == "second":
                page.click("#recuse-form button")  # an empty reason is refused, next to the field
                expect(page.locator("#recuse-form")).to_contain_text("请填写理由")
                page.fill("#recuse-form textarea[name=reason]", RECUSAL)
                screenshot(page, "review_flow_3_recusal")
                page.click("#recuse-form button")
                expect(page.locator(".flashes")).to_contain_text("已声明回避")
                continue
            page.click("#confirm-form button")
            expect(page.locator(".flashes")).to_contain_text("已确认无利益冲突")
            if position == 0 and key == "top":
                screenshot(page, "review_flow_4_score_form")
            score_through_the_form(page, FIRST[key][position])
        logout(page)

    # -- the bureau sees the recusal with its reason and draws a replacement ------------
    login(page, bureau)
    page.click("nav.mainnav >> text=专家评审")
    page.locator("tr", has_text=challenge.title).locator("a", has_text="评审管理").click()
    row = page.locator("#reviews tr", has_text=recuser.name).filter(has_text=second.name)
    expect(row).to_have_count(1)
    assert RECUSAL in row.inner_text() and "回避" in row.inner_text()
    assert page.locator("#reviews .replace-form").count() == 1
    row.locator("button", has_text="补抽").click()
    expect(page.locator(".flashes")).to_contain_text("已补抽1名评审专家")
    assert "补抽" in page.locator("main h1").inner_text()
    facts = page.locator("dl.facts").inner_text()
    assert recuser.name in facts and RECUSAL in facts
    assert "identical" in page.locator("#replay").inner_text()
    # Everyone already on this bid is excluded, and so is the employee of a competing bidder.
    exclusions = page.locator("#exclusions").inner_text()
    assert recuser.name in exclusions and "钱学敏" in exclusions
    assert page.locator("#candidates tr.selected").inner_text().count(spare.name) == 1
    screenshot(page, "review_flow_5_replacement_draw")
    page.click("text=返回评审管理")
    expect(page.locator("#reviews")).to_contain_text("已补抽")
    assert page.locator("#reviews .replace-form").count() == 0
    logout(page)

    login(page, spare)
    page.click("nav.mainnav >> text=评审任务")
    expect(page.locator("#todo tbody tr")).to_have_count(1)
    page.locator("#todo tr", has_text=second.name).locator("a", has_text="确认回避情况").click()
    page.click("#confirm-form button")
    score_through_the_form(page, FIRST["second"][1])  # takes the recused expert's place
    logout(page)

    # -- ranking: trimmed means, the outlier flagged, the raw scores kept ----------------
    login(page, bureau)
    page.click("nav.mainnav >> text=专家评审")
    page.locator("tr", has_text=challenge.title).locator("a", has_text="排名").click()
    rows = page.locator("#ranking tbody tr")
    expect(rows).to_have_count(3)
    order = [rows.nth(i).locator("td").nth(1).inner_text() for i in range(3)]
    assert [o.splitlines()[0] for o in order] == ["河南理工大学", "郑州大学", "焦作鑫宇光电科技有限公司"]
    means = [rows.nth(i).locator("td.mean strong").inner_text() for i in range(3)]
    assert means == ["85.00", "82.00", "78.00"]
    assert all("去掉最高最低分" in rows.nth(i).locator("td.mean").inner_text() for i in range(3))
    flagged = page.locator("#ranking td.scores .flagged")
    assert flagged.count() == 1 and flagged.inner_text() == "61.00⚑"
    assert "61.00" in rows.nth(1).locator("td.scores").inner_text()  # kept, not dropped
    assert "回避/谢绝1" in rows.nth(2).inner_text()
    screenshot(page, "review_flow_6_ranking")

    # -- award two slots (the top two are pre-selected) -------------------------------
    page.click("a:has-text('确定揭榜方')")
    expect(page.locator("#award-form input[name=bid_ids]:checked")).to_have_count(2)
    page.click("#award-form button[type=submit]")
    expect(page.locator(".flashes")).to_contain_text("已确定揭榜方并发布揭榜结果公示")
    expect(page.locator("main")).to_contain_text("已发布揭榜结果公示")
    logout(page)

    # -- the public sees the 公示 and files a real-name objection ------------------------
    page.click("nav.mainnav >> text=结果公示")
    page.locator("main a", has_text=challenge.title).first.click()
    expect(page.locator("#winners")).to_contain_text("郑州大学")
    winners = page.locator("#winners").inner_text()
    assert "河南理工大学" in winners and "郑州大学" in winners and "焦作鑫宇光电科技有限公司" not in winners
    assert "北京时间" in page.locator("#window-end").inner_text()
    screenshot(page, "review_flow_7_public_publicity")
    page.click("a:has-text('实名提出异议')")
    page.fill("input[name=organisation]", "焦作市某科技公司")
    page.fill("input[name=phone]", "13903910000")
    page.fill("input[name=email]", "objector@example.com")
    page.fill("textarea[name=content]", "郑州大学申报材料中的检测报告存疑，请核查。")
    page.click("#objection-form button[type=submit]")  # no name: anonymous objections are refused
    expect(page.locator("#objection-form")).to_contain_text("不受理匿名异议")
    assert page.locator("textarea[name=content]").input_value() == "郑州大学申报材料中的检测报告存疑，请核查。"
    page.fill("input[name=name]", "王建国")
    page.click("#objection-form button[type=submit]")
    expect(page.locator(".flashes")).to_contain_text("异议已受理")

    # -- the bureau resolves it; approval waits for the end of the window -----------------
    login(page, bureau)
    page.click("nav.mainnav >> text=专家评审")
    page.locator("tr", has_text=challenge.title).locator("a", has_text="异议").click()
    expect(page.locator("#blockers")).to_contain_text("公示期内不能立项")
    blockers = page.locator("#blockers").inner_text()
    assert "公示期内不能立项" in blockers and "还有1件异议尚未处理完毕" in blockers
    page.locator("#objections tr", has_text="王建国").locator("a", has_text="处理").click()
    expect(page.locator("dl.facts")).to_contain_text("检测报告存疑")
    page.check("input[name=outcome][value=dismissed]")
    page.fill("textarea[name=handling]", HANDLING)
    screenshot(page, "review_flow_8_resolve_objection")
    page.click("#resolve-form button[type=submit]")
    expect(page.locator(".flashes")).to_contain_text("异议处理结果已记录")
    blockers = page.locator("#blockers").inner_text()
    assert "公示期内不能立项" in blockers and "异议" not in blockers
    assert "异议不成立" in page.locator("#objections").inner_text()

    page.goto(f"/manage/projects/challenge/{challenge.id}")
    expect(page.locator(".flash-error")).to_contain_text("公示期内不能立项")
    assert page.locator("button:has-text('立项')").count() == 0
    screenshot(page, "review_flow_9_approval_blocked")

    db.session.expire_all()
    publicity = db.session.scalar(sa.select(Publicity).where(Publicity.challenge_id == challenge.id))
    with frozen_time(publicity.ends_at - timedelta(seconds=1)):  # the window's last second
        page.reload()
        assert page.locator("button:has-text('立项')").count() == 0
    with frozen_time(publicity.ends_at):
        page.reload()
        assert page.locator(".flash-error").count() == 0
        page.click("button:has-text('立项')")
        expect(page.locator(".flashes")).to_contain_text("已立项2个项目")
        screenshot(page, "review_flow_10_approved")
    assert db.session.scalar(sa.select(sa.func.count(ExpertReview.id))) == 16  # 5 x 3 + the 补抽
