"""Demo data for stages 5-6: one challenge in expert review (some scores submitted, one
recusal), one in publicity with an open objection, one whose publicity has ended.
Built through the operations with the clock moved back (``frozen_time``), so every
record (draw seeds, audit events, PDFs) is real. Idempotent: keyed by title."""
from __future__ import annotations

import secrets
from datetime import timedelta
from decimal import Decimal
from io import BytesIO

from ..core.demo import seed_step
from ..core.timeutil import frozen_time, utcnow
from ..extensions import db

FIELD = "新材料"
SCENARIOS = [
    # title, days ago published, what happens
    ("高强韧超硬复合刀具材料关键技术（评审演示）", 30, "review"),
    ("低成本高纯氧化铝陶瓷粉体制备技术（公示演示）", 45, "publicity"),
    ("高性能碳化硅密封环成型烧结技术（公示期满演示）", 80, "ended"),
]
BIDDERS = ["河南理工大学", "郑州大学", "河南工业大学"]


def _experts(context, echo):
    from ..auth.expert_models import ExpertField, ExpertProfile
    from ..auth.models import Role, User
    from ..auth.operations import create_user

    users = []
    for n in range(1, 7):
        email = f"reviewer{n}@jiebang.demo"
        user = User.query.filter_by(email=email).first()
        if user is None:
            password = "Demo-" + secrets.token_urlsafe(9)
            user = create_user(email=email, name=f"评审专家{n}号", role=Role.EXPERT, password=password)
            context["passwords"][email] = password
            echo(f"  {email:28s} {password}")
        if user.expert_profile is None:
            profile = ExpertProfile(user_id=user.id, title="教授", is_active=True)
            profile.field_rows = [ExpertField(field=FIELD)]
            db.session.add(profile)
        users.append(user)
    main = User.query.filter_by(email="expert@jiebang.demo").first()
    if main is not None and main.expert_profile is not None and FIELD not in main.expert_profile.fields:
        main.expert_profile.field_rows.append(ExpertField(field=FIELD))
    db.session.flush()
    return ([main] if main is not None and main.expert_profile is not None else []) + users


def _challenge(title, start, bureau, issuer):
    from ..challenges import operations as ch_ops
    from ..challenges.rules import ChallengeData, KpiData, MilestoneData

    data = ChallengeData(
        title=title, field=FIELD, issuer_id=issuer.id,
        problem_statement=f"{issuer.name}现有工艺难以满足高端装备需求，面向社会公开张榜攻关。",
        time_limit_months=24, support_fen=300_000_000, issuer_funding_fen=300_000_000,
        ip_terms="双方共有", eligibility="具有相关研发基础的高校、科研院所或企业", contact_name="科技局成果转化科",
        contact_phone="0391-0000000", contact_email="", bid_opens_at=start,
        bid_deadline_at=start + timedelta(days=20), slots=2,
        kpis=[KpiData("抗弯强度", "ge", Decimal("900"), "MPa", "第三方检测")],
        milestone_template=[MilestoneData("启动", 0, 30), MilestoneData("中期比选", 12, 40, True),
                            MilestoneData("验收", 24, 30)])
    challenge = ch_ops.create_challenge(data, actor=bureau, check=False)
    db.session.flush()
    ch_ops.publish_challenges([challenge], actor=bureau, now=start)
    return challenge


# A minimal PDF standing in for the scanned signed-and-sealed page (签字盖章页).
SIGNED_PAGE = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _bids(challenge, users):
    from ..bids import operations as bid_ops
    from ..bids.demo import _content
    from ..bids.models import AttachmentKind

    bids = []
    for user in users:
        bid = bid_ops.start_bid(challenge, actor=user)
        bid_ops.save_bid(bid, _content(bid, []), actor=user)
        bid_ops.add_attachment(bid, BytesIO(SIGNED_PAGE), "签字盖章页.pdf", AttachmentKind.SIGNED, actor=user)
        bid_ops.submit_bid(bid, actor=user, base_version=0)
        bids.append(bid)
    return bids


@seed_step(50, "reviews")
def seed_reviews(context, echo):
    from ..auth.models import Organisation, User
    from ..bids import formal_review
    from ..bids.demo import _user
    from ..challenges.models import Challenge
    from ..challenges.operations import close_if_due
    from . import award as award_ops
    from . import operations as ops
    from .models import ExpertReview

    bureau = User.query.filter_by(email="bureau@jiebang.demo").first()
    issuer = Organisation.query.filter(Organisation.name.like("%强耐%")).first()
    leads = [o for o in (Organisation.query.filter(Organisation.name.like(f"{n}%")).first() for n in BIDDERS) if o]
    if bureau is None or issuer is None or len(leads) < 3:
        echo("专家评审：演示单位或用户缺失，跳过")
        return
    _experts(context, echo)
    bidders = [_user(f"{o.name}-review@jiebang.demo".replace("大学", "u"), o, context) for o in leads]
    made = 0
    now = utcnow()
    for title, days_ago, stage in SCENARIOS:
        if Challenge.query.filter_by(title=title).first() is not None:
            continue
        start = now - timedelta(days=days_ago)
        with frozen_time(start):
            challenge = _challenge(title, start, bureau, issuer)
        with frozen_time(start + timedelta(days=1)):
            bids = _bids(challenge, bidders)
        opened = challenge.bid_deadline_at + timedelta(hours=1)
        with frozen_time(opened):
            close_if_due(challenge, opened)
            formal_review.open_bids(challenge, actor=bureau)
            for bid in bids:
                formal_review.review_bid(bid, actor=bureau, is_complete=True, is_eligible=True,
                                         is_passed=True, reason=None)
            round_ = ops.open_review_round(challenge, actor=bureau, panel_size=5,
                                           scoring_deadline_at=max(opened, now) + timedelta(days=5),
                                           criteria=ops.default_criteria())
            ops.draw_experts(round_, actor=bureau)
        db.session.flush()
        reviews = ExpertReview.query.filter_by(round_id=round_.id).order_by(ExpertReview.id).all()
        with frozen_time(opened + timedelta(days=1)):
            for n, review in enumerate(reviews):
                expert = db.session.get(User, review.expert_id)
                if stage == "review" and n == 0:
                    ops.recuse(review, actor=expert, reason="曾与该申报单位项目负责人合作承担课题（演示）")
                    continue
                if stage == "review" and n % 3 == 0:
                    continue  # still to do
                ops.confirm_no_conflict(review, actor=expert)
                base = 20 + (review.bid_id + review.expert_id) % 9
                ops.save_scores(review, actor=expert, submit=stage != "review" or n % 2 == 0, comment="演示评分",
                                scores={c.id: Decimal(min(c.max_score, round(base * c.max_score / 30)))
                                        for c in round_.criteria}, comments={})
        if stage != "review":
            with frozen_time(opened + timedelta(days=2)):
                ranked = [r.bid_id for r in ops_ranking(round_)][:2]
                publicity = award_ops.award_bids(round_, ranked, actor=bureau, rationale="")
            if stage == "publicity":
                with frozen_time(min(publicity.ends_at - timedelta(hours=1), now)):
                    award_ops.file_objection(publicity, name="王建国", organisation="焦作市某新材料公司",
                                             phone="13903910000", email="wangjg@example.cn",
                                             content="拟揭榜单位的团队业绩与申报材料描述不一致，请核查（演示）。")
        made += 1
    db.session.flush()
    echo(f"专家评审：新建演示榜单 {made} 个（评审中、公示中含异议、公示期满）")


def ops_ranking(round_):
    from .queries import ranking

    return ranking(round_)
