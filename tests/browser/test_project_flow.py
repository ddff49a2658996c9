"""A two-slot challenge becomes two projects; both report the first milestone and
drawn experts score them; the comparison page shows them side by side; one is
eliminated; the other passes its remaining milestones and final acceptance; every
notice is issued and the finance office downloads each of them.

The winners come from the factories (``make.award``); approval, agreements, signing,
the first milestone (report, panel, scoring, decision), the race, the acceptance and
the finance office's downloads are driven through the browser by the role that does
them. The checkpoint and the last milestone, which repeat the first milestone's
screens, go through the same operations directly to keep the test short.
Screenshots in test-artifacts/screenshots/."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.auth.models import Role
from app.core.timeutil import frozen_time, local_today, utcnow
from app.documents.operations import documents_for
from app.extensions import db
from app.projects.models import MilestoneState, Project, ProjectState
from tests.browser.conftest import login, logout, screenshot
from tests.projects.conftest import ProjectFactories

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
REASON = "比较节点专家评分和指标实测值均落后"


def _fresh(project) -> Project:
    db.session.expire_all()
    return db.session.get(Project, project.id)


def _report(page, project, milestone, value):
    page.goto(f"/projects/{project.id}")
    page.locator("tr", has_text=milestone.name).locator("a", has_text="提交报告").click()
    page.fill("textarea[name=progress]", "完成小试工艺验证，样品性能达到阶段目标。")
    page.fill("textarea[name=deliverables]", "小试样品及检测报告")
    for kpi in project.kpis:
        page.fill(f"input[name=kpi_{kpi.id}]", value)
        page.fill(f"input[name=note_{kpi.id}]", "第三方检测")
    page.fill("input[name=spent]", "1,000,000")
    page.click("button:has-text('提交报告')")
    page.wait_for_url(re.compile(rf"/projects/{project.id}(/reports/\d+)?$"))
    expect(page.locator("main")).to_contain_text("已提交")


def test_two_horses_race_and_the_winner_is_accepted(page, make):
    pm = ProjectFactories(make)
    bureau = make.user(role=Role.BUREAU, name="科技局业务员")
    finance = make.user(role=Role.FINANCE, name="财政局审核员")
    experts = pm.experts(3)
    challenge, teams = pm.winners(slots=2)
    (bid_a, ua), (bid_b, ub) = teams

    # 立项 by the bureau
    login(page, bureau)
    page.goto(f"/manage/projects/challenge/{challenge.id}")
    page.click("button:has-text('立项')")
    expect(page.locator("main")).to_contain_text("已立项2个项目")
    logout(page)
    a, b = (Project.query.filter_by(bid_id=bid.id).one() for bid in (bid_a, bid_b))

    # each team uploads its signed agreement; the bureau records the signing
    for project, user in ((a, ua), (b, ub)):
        login(page, user)
        page.goto(f"/projects/{project.id}")
        page.set_input_files("input[name=file]", files=[
            {"name": "揭榜协议.pdf", "mimeType": "application/pdf", "buffer": PDF}])
        page.click("form[enctype] button[type=submit]")
        expect(page.locator("main")).to_contain_text("下载已上传的揭榜协议")
        logout(page)
    login(page, bureau)
    for project in (a, b):
        page.goto(f"/manage/projects/{project.id}")
        page.fill("input[name=signed_on]", local_today().isoformat())
        page.click("button:has-text('登记签订并印发立项通知书')")
        expect(page.locator("#documents")).to_contain_text("立项的通知")
    logout(page)
    a, b = _fresh(a), _fresh(b)
    assert a.state is b.state is ProjectState.RUNNING

    # both report the first milestone
    for project, user, value in ((a, ua, "35"), (b, ub, "31")):
        login(page, user)
        _report(page, project, project.milestones[0], value)
        logout(page)
    reports = [_fresh(p).milestones[0].latest_report for p in (a, b)]
    # the bureau draws three reviewers for each report
    login(page, bureau)
    for report in reports:
        page.goto(f"/manage/projects/reports/{report.id}")
        page.fill("input[name=size]", "3")
        page.click("button:has-text('抽取专家')")
        expect(page.locator("main")).to_contain_text("随机种子")
    logout(page)
    # every drawn expert scores: project A better than project B
    for expert in experts:
        login(page, expert)
        for report, score in ((reports[0], "30"), (reports[1], "20")):
            page.goto("/projects/reviews")
            page.locator("tr", has_text=report.milestone.project.title).locator("a", has_text="评分").first.click()
            page.fill("input[name=progress]", score)
            page.fill("input[name=kpi]", str(min(int(score), 30) - 5))
            page.fill("input[name=funds]", "12")
            page.fill("input[name=deliverables]", "12")
            page.fill("textarea[name=comment]", "进展符合揭榜方案")
            page.click("button:has-text('提交评分')")
            expect(page.locator("main")).to_contain_text("已提交")
        logout(page)
    # the bureau passes both
    login(page, bureau)
    for report in reports:
        page.goto(f"/manage/projects/reports/{report.id}")
        page.check("input[name=outcome][value=pass]")
        page.click("button:has-text('提交结论')")
        expect(page.locator("main")).to_contain_text("中期评估意见")
    logout(page)

    # the checkpoint repeats the same screens: through the operations
    for project, user in ((a, ua), (b, ub)):
        pm.passed(_fresh(project).milestones[1], user, experts)

    # the comparison page, side by side; B is eliminated
    login(page, bureau)
    page.goto(f"/manage/projects/race/{challenge.id}")
    main = page.locator("main")
    expect(main).to_contain_text(a.title)
    expect(main).to_contain_text(b.title)
    expect(main).to_contain_text("目标≥30MPa")  # plain numbers, never "3E+1"
    screenshot(page, "project_flow_1_race")
    page.check(f"input[name=p{a.id}][value=continue]")
    page.check(f"input[name=p{b.id}][value=eliminate]")
    page.fill(f"textarea[name=reason_{b.id}]", REASON)
    page.fill("textarea[name=summary]", "择优继续支持")
    page.click("button:has-text('提交决定')")
    expect(main).to_contain_text("赛马比较决定已记录")
    logout(page)
    b = _fresh(b)
    assert b.state is ProjectState.ELIMINATED and b.milestones[2].state is MilestoneState.CANCELLED

    # A's last milestone, then acceptance after the end date
    pm.passed(_fresh(a).milestones[2], ua, experts)
    a = _fresh(a)
    after_end = utcnow() + timedelta(days=(a.end_on - local_today()).days + 1)
    with frozen_time(after_end):
        login(page, ua)
        page.goto(f"/projects/{a.id}")
        page.click("a:has-text('提交验收材料')")
        page.fill("textarea[name=progress]", "全部考核指标已完成。")
        for kpi in a.kpis:
            page.fill(f"input[name=kpi_{kpi.id}]", "40")
        page.fill("input[name=spent]", "2,000,000")
        page.click("button:has-text('提交验收材料')")
        expect(page.locator("main")).to_contain_text("验收")
        logout(page)
        assert _fresh(a).state is ProjectState.FINAL_SUBMITTED
        login(page, bureau)
        page.goto(f"/manage/projects/{a.id}/acceptance")
        page.fill("input[name=size]", "3")
        page.click("button:has-text('抽取')")
        for kpi in a.kpis:
            page.fill(f"input[name=measured_{kpi.id}]", "41")
            page.check(f"input[name=met_{kpi.id}][value=yes]")
        page.check("input[name=outcome][value=pass]")
        page.fill("textarea[name=opinion]", "全部指标达到")
        page.click("button:has-text('提交验收结论')")
        expect(page.locator("main")).to_contain_text("验收意见书")
        logout(page)
    a = _fresh(a)
    assert a.state is ProjectState.ACCEPTED

    # the finance office sees and downloads every notice of both projects
    expected = {a.id: ["project_approval", "contract_summary", "midterm_opinion", "midterm_opinion",
                       "midterm_opinion", "acceptance_opinion"],
                b.id: ["project_approval", "contract_summary", "midterm_opinion", "midterm_opinion",
                       "elimination_notice"]}
    login(page, finance)
    for project in (a, b):
        docs = documents_for(project)
        assert [d.doc_type for d in docs] == expected[project.id]
        page.goto(f"/manage/projects/{project.id}")
        links = page.locator("#documents a", has_text="下载PDF")
        expect(links).to_have_count(len(docs))
        for href in links.evaluate_all("els => els.map(e => e.getAttribute('href'))"):
            response = page.request.get(href)
            assert response.status == 200 and response.body().startswith(b"%PDF"), href
    screenshot(page, "project_flow_2_finance_documents")
