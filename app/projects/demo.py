"""Demo data for stage 7 (projects): two two-slot challenges whose winners became projects.

* 赛马演示: two running projects that both passed their first milestone (the comparison
  page has both rows filled), the checkpoint still ahead.
* 验收演示: the race decided at the checkpoint -- one project eliminated (淘汰通知书), the
  other passed its remaining milestone and final acceptance (验收意见书).

Everything after the award goes through this domain's operations with the clock moved
back (``frozen_time``), so every record (panel draws, audit events, PDFs) is real. The
winners are recorded the way the award leaves them (review round, one Award per bid,
an ended 公示), like ``make.award`` in the tests. Idempotent: keyed by title.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from io import BytesIO

from ..core.demo import seed_step
from ..core.timeutil import frozen_time, local_to_utc, to_local, utcnow
from ..extensions import db

FIELD = "新材料"
RACE_TITLE = "高导热氮化铝陶瓷基板流延成型技术（赛马演示）"
FINISHED_TITLE = "耐高温聚酰亚胺薄膜连续化制备技术（验收演示）"
BIDDERS = ["河南理工大学", "郑州大学"]
# A minimal PDF standing in for the scanned signed-and-sealed agreement (揭榜协议).
AGREEMENT = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _challenge(title, start, months, template, bureau, issuer):
    from ..challenges import operations as ch_ops
    from ..challenges.rules import ChallengeData, KpiData, MilestoneData

    data = ChallengeData(
        title=title, field=FIELD, issuer_id=issuer.id,
        problem_statement=f"{issuer.name}现有工艺难以满足高端装备需求，面向社会公开张榜攻关，设两个赛马名额。",
        time_limit_months=months, support_fen=300_000_000, issuer_funding_fen=300_000_000,
        ip_terms="双方共有", eligibility="具有相关研发基础的高校、科研院所或企业", contact_name="科技局成果转化科",
        contact_phone="0391-0000000", contact_email="", bid_opens_at=start,
        bid_deadline_at=start + timedelta(days=20), slots=2,
        kpis=[KpiData("热导率", "ge", Decimal("170"), "W/(m·K)", "第三方检测")],
        milestone_template=[MilestoneData(name, offset, percent, checkpoint)
                            for name, offset, percent, checkpoint in template])
    challenge = ch_ops.create_challenge(data, actor=bureau, check=False)
    db.session.flush()
    ch_ops.publish_challenges([challenge], actor=bureau, now=start)
    return challenge


def _winners(challenge, bidders, bureau):
    """Bids submitted, opened and formally passed; then recorded as the award leaves them."""
    from ..bids import formal_review
    from ..challenges.operations import close_if_due
    from ..documents.operations import issue_document
    from ..reviews.demo import _bids
    from ..reviews.models import Award, Publicity, ReviewRound

    with frozen_time(challenge.bid_opens_at + timedelta(days=1)):
        bids = _bids(challenge, bidders)
    opened = challenge.bid_deadline_at + timedelta(hours=1)
    with frozen_time(opened):
        close_if_due(challenge, opened)
        formal_review.open_bids(challenge, actor=bureau)
        for bid in bids:
            formal_review.review_bid(bid, actor=bureau, is_complete=True, is_eligible=True, is_passed=True,
                                     reason=None)
        round_ = ReviewRound(challenge_id=challenge.id, panel_size=5, created_by_id=bureau.id,
                             scoring_deadline_at=opened + timedelta(days=3))
        db.session.add(round_)
        db.session.flush()
    awarded = opened + timedelta(days=4)
    with frozen_time(awarded):
        for rank, bid in enumerate(bids, start=1):
            db.session.add(Award(round_id=round_.id, bid_id=bid.id, rank_at_award=rank, rationale="",
                                 awarded_by_id=bureau.id))
        doc = issue_document("notice", {"title": f"关于{challenge.title}揭榜结果的公示",
                                        "body": ["经专家评审，现将拟立项揭榜单位予以公示。"]},
                             subject=challenge, actor=bureau, addressee="社会各界")
        db.session.add(Publicity(challenge_id=challenge.id, document_id=doc.id, starts_at=awarded,
                                 ends_at=awarded + timedelta(days=9), working_days=7, issued_by_id=bureau.id))
        db.session.flush()
    return awarded + timedelta(days=10)  # the 公示 has ended


def _morning(day) -> datetime:
    """09:00 Beijing time on ``day``, as UTC."""
    return local_to_utc(datetime(day.year, day.month, day.day, 9))


def _approve_and_sign(challenge, users, bureau, when):
    from . import operations as ops

    with frozen_time(when):
        projects = ops.approve_projects(challenge, actor=bureau)
    db.session.flush()
    by_org = {u.organisation_id: u for u in users}
    with frozen_time(when + timedelta(days=2)):
        for project in projects:
            ops.upload_agreement(project, BytesIO(AGREEMENT), "揭榜协议（签字盖章）.pdf",
                                 actor=by_org[project.organisation_id])
    with frozen_time(when + timedelta(days=5)):
        for project in projects:
            ops.sign_project(project, signed_on=to_local(utcnow()).date(), actor=bureau)
    db.session.flush()
    return projects


def _report_and_decide(milestone, user, bureau, score: Decimal, value: str, spent_fen: int):
    """The team reports on the milestone's due date, three drawn experts score, the bureau passes it."""
    from ..auth.models import User
    from . import reporting
    from .rules import CRITERIA

    project = milestone.project
    day = _morning(milestone.due_on)
    with frozen_time(day):
        report = reporting.submit_report(milestone, reporting.ReportData(
            progress=f"{milestone.name}：按计划完成，阶段成果已通过内部评审。", deliverables=milestone.deliverable,
            spent_fen=spent_fen, values={k.id: (Decimal(value), "第三方检测报告") for k in project.kpis}),
            actor=user)
        db.session.flush()
        reviews = reporting.draw_report_panel(report, actor=bureau)
    with frozen_time(day + timedelta(days=3)):
        for review in reviews:
            expert = db.session.get(User, review.expert_id)
            reporting.score_report(review, scores={k: min(score, Decimal(m)) for k, _l, m in CRITERIA},
                                   comment="进展符合揭榜方案（演示）", actor=expert)
    with frozen_time(day + timedelta(days=5)):
        reporting.decide_report(report, outcome="pass", reason="", fix_due_on=None, actor=bureau)
    db.session.flush()
    return report


def _users(context):
    from ..auth.models import Organisation
    from ..bids.demo import _user

    orgs = [Organisation.query.filter(Organisation.name.like(f"{n}%")).first() for n in BIDDERS]
    if not all(orgs):
        return None
    return [_user(f"{o.name}-review@jiebang.demo".replace("大学", "u"), o, context) for o in orgs]


@seed_step(60, "projects")
def seed_projects(context, echo):
    from ..auth.models import Organisation, User
    from ..challenges.models import Challenge
    from ..reviews.demo import _experts
    from . import operations as ops
    from . import reporting

    bureau = User.query.filter_by(email="bureau@jiebang.demo").first()
    issuer = Organisation.query.filter(Organisation.name.like("%强耐%")).first()
    users = _users(context)
    if bureau is None or issuer is None or users is None:
        echo("项目实施：演示单位或用户缺失，跳过")
        return
    _experts(context, echo)
    now = utcnow()
    made = 0

    if Challenge.query.filter_by(title=RACE_TITLE).first() is None:
        start = now - timedelta(days=80)
        with frozen_time(start):
            challenge = _challenge(RACE_TITLE, start, 12, [("启动", 1, 30, False), ("中期比选", 4, 40, True),
                                                           ("验收", 12, 30, False)], bureau, issuer)
        approved = _winners(challenge, users, bureau)
        projects = _approve_and_sign(challenge, users, bureau, approved)
        by_org = {u.organisation_id: u for u in users}
        for project, (score, value) in zip(projects, ((Decimal("26"), "180"), (Decimal("20"), "150"))):
            _report_and_decide(project.milestones[0], by_org[project.organisation_id], bureau, score, value,
                               spent_fen=project.total_fen // 5)
        made += 1

    if Challenge.query.filter_by(title=FINISHED_TITLE).first() is None:
        start = now - timedelta(days=260)
        with frozen_time(start):
            challenge = _challenge(FINISHED_TITLE, start, 6, [("启动", 1, 30, False), ("中期比选", 3, 40, True),
                                                              ("验收", 6, 30, False)], bureau, issuer)
        approved = _winners(challenge, users, bureau)
        winner, loser = _approve_and_sign(challenge, users, bureau, approved)
        by_org = {u.organisation_id: u for u in users}
        for n in range(2):
            for project, (score, value) in ((winner, (Decimal("27"), "185")), (loser, (Decimal("18"), "140"))):
                _report_and_decide(project.milestones[n], by_org[project.organisation_id], bureau, score, value,
                                   spent_fen=project.total_fen * (n + 1) // 5)
        with frozen_time(_morning(winner.milestones[1].due_on) + timedelta(days=8)):
            ops.decide_race(challenge, {winner.id: (True, ""),
                                        loser.id: (False, "比较节点专家评分和热导率实测值均落后于另一揭榜方（演示）")},
                            summary="按比较节点评估结果择优继续支持", actor=bureau)
        db.session.flush()
        _report_and_decide(winner.milestones[2], by_org[winner.organisation_id], bureau, Decimal("27"), "190",
                           spent_fen=winner.total_fen * 4 // 5)
        after_end = _morning(winner.end_on) + timedelta(days=10)
        with frozen_time(after_end):
            acceptance = reporting.submit_acceptance(winner, reporting.ReportData(
                progress="全部考核指标已完成，热导率第三方检测值190 W/(m·K)。", deliverables="中试线、检测报告",
                spent_fen=winner.total_fen * 9 // 10,
                values={k.id: (Decimal("190"), "第三方检测报告") for k in winner.kpis}), actor=by_org[winner.organisation_id])
            db.session.flush()
            reporting.draw_acceptance_panel(acceptance, actor=bureau)
        with frozen_time(after_end + timedelta(days=7)):
            reporting.decide_acceptance(acceptance, results={k.id: (Decimal("188"), True) for k in winner.kpis},
                                        is_passed=True, opinion="各项考核指标均达到揭榜协议约定，同意通过验收（演示）",
                                        actor=bureau)
        db.session.flush()
        made += 1
    echo(f"项目实施：新建演示榜单 {made} 个（两个项目赛马实施中；一个淘汰、一个通过验收）")
