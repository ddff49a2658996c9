"""The whole life of a two-slot challenge through the operations: approval from the
winning bids, signing with both notices, reports scored by drawn experts, the race's
comparison and elimination (signals for finance), the remaining milestones and the
final acceptance with its opinion."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from app.documents.operations import documents_for
from app.extensions import db
from app.projects import award_source, operations as ops, reporting, signals
from app.projects.models import MilestoneState, ProjectState, ReportState, ReviewState
from app.projects.money import paid_fen
from app.projects.queries import race_rows

from .conftest import reload


def _types(project):
    return [d.doc_type for d in documents_for(project)]


def test_approval_needs_winners_and_prepares_from_the_submitted_bid(pm, make):
    challenge = make.challenge(state="published", slots=2)
    with pytest.raises(ops.ProjectConflict):
        ops.approve_projects(challenge, actor=pm.bureau)
    challenge, teams = pm.winners(slots=2)
    projects = ops.approve_projects(challenge, actor=pm.bureau)
    db.session.commit()
    assert len(projects) == 2
    bid = teams[0][0]
    project = projects[0]
    snap = bid.latest_version.snapshot
    assert project.state is ProjectState.PREPARING and project.bid_version_no == bid.current_version_no
    assert project.fiscal_support_fen == snap["budget"]["fiscal_support_fen"]
    assert [m.tranche_percent for m in project.milestones] == [m["tranche_percent"] for m in snap["milestones"]]
    assert sum(m.tranche_percent for m in project.milestones) == 100
    assert [k.committed_value for k in project.kpis] == [Decimal(k["proposed_value"]) for k in snap["kpis"]]
    assert project.milestones[1].is_race_checkpoint
    # A second approval creates nothing more.
    with pytest.raises(ops.ProjectConflict):
        ops.approve_projects(challenge, actor=pm.bureau)


def test_more_winners_than_slots_is_refused(pm):
    challenge, teams = pm.winners(slots=1, n=2)
    with pytest.raises(ops.ProjectConflict, match="规则13"):
        ops.approve_projects(challenge, actor=pm.bureau)


def test_two_horses_race_one_is_eliminated_the_other_is_accepted(pm):
    experts = pm.experts(4)
    seen = []
    receivers = {
        "signed": lambda p, **k: seen.append(("signed", p.id)),
        "passed": lambda m, **k: seen.append(("passed", m.id)),
        "ended": lambda p, **k: seen.append(("ended", p.id, k["reason"], p.is_payable)),
        "accepted": lambda p, **k: seen.append(("accepted", p.id)),
    }
    signals.project_signed.connect(receivers["signed"])
    signals.milestone_passed.connect(receivers["passed"])
    signals.project_ended.connect(receivers["ended"])
    signals.project_accepted.connect(receivers["accepted"])
    try:
        challenge, (a, b), (ua, ub) = pm.projects(slots=2)
        assert ("signed", a.id) in seen and ("signed", b.id) in seen
        assert _types(a) == ["project_approval", "contract_summary"]
        assert documents_for(a)[0].is_joint
        # both report the first milestone and the checkpoint; reviewers score them
        for project, user, value in ((a, ua, "35"), (b, ub, "20")):
            for milestone in project.milestones[:2]:
                report = pm.scored(pm.report(milestone, user, value=value), experts,
                                   score=Decimal("25") if project is a else Decimal("10"))
                reporting.decide_report(report, outcome="pass", reason="", fix_due_on=None, actor=pm.bureau)
                db.session.commit()
        rows = race_rows(challenge)
        assert [r.project.id for r in rows] == [a.id, b.id]
        assert rows[0].mean_progress > rows[1].mean_progress and rows[0].checkpoint_score > rows[1].checkpoint_score
        assert rows[0].paid_fen == paid_fen(a) == 0  # finance not merged: nothing paid
        # the down-select
        ops.decide_race(challenge, {a.id: (True, ""), b.id: (False, "节点得分和指标完成度均落后")},
                        summary="甲方案领先", actor=pm.bureau)
        db.session.commit()
        b = reload(b)
        assert b.state is ProjectState.ELIMINATED and not b.is_payable and b.ended_at is not None
        assert ("ended", b.id, "eliminated", False) in seen
        assert b.milestones[2].state is MilestoneState.CANCELLED
        assert "elimination_notice" in _types(b)
        # a report on the eliminated project is refused
        with pytest.raises(ops.ProjectConflict):
            reporting.submit_report(b.milestones[2], pm.report_data(b), actor=ub)
        # the race is decided once
        with pytest.raises(ops.ProjectConflict):
            ops.decide_race(challenge, {a.id: (True, "")}, summary="", actor=pm.bureau)
        # the winner finishes: last milestone, acceptance after the end date
        a = reload(a)
        pm.passed(a.milestones[2], ua, experts)
        a = reload(a)
        with pytest.raises(ops.ProjectConflict, match="结束后才能提交"):
            reporting.submit_acceptance(a, pm.report_data(a), actor=ua)
        after_end = ops.utcnow() + timedelta(days=(a.end_on - ops.local_today()).days + 1)
        acceptance = reporting.submit_acceptance(a, pm.report_data(a, value="40"), actor=ua, now=after_end)
        db.session.commit()
        assert not acceptance.is_late and reload(a).state is ProjectState.FINAL_SUBMITTED
        with pytest.raises(ops.ProjectConflict, match="专家组"):
            reporting.decide_acceptance(acceptance, results={k.id: (Decimal("40"), True) for k in a.kpis},
                                        is_passed=True, opinion="", actor=pm.bureau)
        reporting.draw_acceptance_panel(acceptance, actor=pm.bureau)
        reporting.decide_acceptance(acceptance, results={k.id: (Decimal("41"), True) for k in a.kpis},
                                    is_passed=True, opinion="全部指标达到", actor=pm.bureau)
        db.session.commit()
        a = reload(a)
        assert a.state is ProjectState.ACCEPTED and ("accepted", a.id) in seen
        assert _types(a) == ["project_approval", "contract_summary", "midterm_opinion", "midterm_opinion",
                             "midterm_opinion", "acceptance_opinion"]
        assert [s for s in seen if s[0] == "passed"].__len__() == 5
    finally:
        for name, signal in (("signed", signals.project_signed), ("passed", signals.milestone_passed),
                             ("ended", signals.project_ended), ("accepted", signals.project_accepted)):
            signal.disconnect(receivers[name])


def test_needs_fix_then_corrected_report_then_pass(pm):
    experts = pm.experts(4)
    challenge, (project,), (user,) = pm.projects(slots=1)
    milestone = project.milestones[0]
    report = pm.scored(pm.report(milestone, user), experts)
    with pytest.raises(ops.ProjectInvalid):
        reporting.decide_report(report, outcome="fix", reason="指标滞后", fix_due_on=None, actor=pm.bureau)
    due = ops.local_today() + timedelta(days=20)
    reporting.decide_report(report, outcome="fix", reason="指标滞后", fix_due_on=due, actor=pm.bureau)
    db.session.commit()
    assert milestone.state is MilestoneState.NEEDS_FIX and milestone.report_due_on == due
    second = pm.report(milestone, user)
    assert second.version_no == 2 and milestone.state is MilestoneState.SUBMITTED
    pm.scored(second, experts)
    reporting.decide_report(second, outcome="pass", reason="", fix_due_on=None, actor=pm.bureau)
    db.session.commit()
    assert milestone.state is MilestoneState.PASSED
    # one slot: no race
    assert ops.race_blockers(challenge) == ["单一名额的榜单不进行赛马比较"]


def test_panel_excludes_conflicted_experts_and_recusal_draws_the_next(pm, make):
    from app.auth.expert_operations import ExpertData, save_expert_profile

    experts = pm.experts(3)
    challenge, (project,), (user,) = pm.projects(slots=1)
    colleague = make.user(role="expert")
    save_expert_profile(colleague, ExpertData(fields=["新材料"], employer_code=project.organisation.credit_code),
                        actor=None)
    db.session.commit()
    report = pm.report(project.milestones[0], user)
    reviews = reporting.draw_report_panel(report, actor=pm.bureau, size=3)
    db.session.commit()
    assert colleague.id not in [r.expert_id for r in reviews]
    assert str(colleague.id) in reporting.panel_of(report)["excluded"]
    # the recorded draw replays: same seed, same candidates -> same panel
    from app.projects.panel import draw_order

    record = reporting.panel_of(report)
    replay = [i for i in draw_order(report.panel_seed, record["candidates"]) if str(i) not in record["excluded"]]
    assert replay[:3] == record["chosen"] == [r.expert_id for r in reviews]
    extra = pm.experts(1)[0]
    first = reviews[0]
    replacement = reporting.recuse_review(first, reason="曾合作发表论文", actor=first.expert)
    db.session.commit()
    assert first.state is ReviewState.RECUSED and replacement.expert_id == extra.id


def test_too_small_pool_is_refused(pm):
    pm.experts(2)
    challenge, (project,), (user,) = pm.projects(slots=1)
    report = pm.report(project.milestones[0], user)
    with pytest.raises(ops.ProjectInvalid, match="不足3名"):
        reporting.draw_report_panel(report, actor=pm.bureau, size=3)
    assert report.state is ReportState.SUBMITTED


def test_winners_and_blockers_come_from_the_reviews_domain(pm, make):
    challenge = make.challenge(state="published")
    assert award_source.winning_bids(challenge) == []
    assert award_source.approval_blockers(challenge)  # no 公示 yet
    bids = [make.bid(challenge, signed=True) for _ in range(2)]
    make.award(challenge, list(reversed(bids)), publicity_over=False)
    assert award_source.winning_bids(challenge) == list(reversed(bids))
    assert any("公示期" in r for r in award_source.approval_blockers(challenge))  # window still open
