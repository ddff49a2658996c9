"""Demo bids on the published demo challenges (one a consortium). Idempotent: a bid
is keyed by (challenge, lead organisation)."""
from __future__ import annotations

import secrets

from ..core.demo import seed_step
from ..extensions import db

# challenge title -> [(lead name, demo user e-mail, consortium member names)]
PLAN = {
    "CO2深度矿化养护制建材关键技术与万吨级工业试验": [
        ("河南理工大学", "university@jiebang.demo", ["龙佰集团股份有限公司", "中原内配集团股份有限公司"]),
        ("郑州大学", "zzu@jiebang.demo", []),
    ],
    "大直径超耐磨聚晶立方氮化硼材料制备技术": [
        ("河南工业大学", "haut@jiebang.demo", []),
    ],
}

PLANS = {
    "河南理工大学": "<p>依托材料科学与工程学院矿化养护团队，采用“烟气直接矿化—养护窑改造—万吨级示范线”三步路线。</p>"
                  "<ul><li>第一年：完成矿化动力学与配方优化；</li><li>第二年：建成万吨级工业试验线。</li></ul>",
    "郑州大学": "<p>以钢渣、电石渣为钙源，开发低能耗碳化养护工艺，配合在线监测实现固碳量计量。</p>",
    "河南工业大学": "<p>高温高压合成与梯度烧结结合，突破大直径聚晶立方氮化硼坯体开裂难题。</p>",
}


def _organisation(name):
    from ..auth.models import Organisation

    return (Organisation.query.filter_by(name=name).first()
            or Organisation.query.filter(Organisation.name.like(f"{name}%")).first())


def _user(email, org, context):
    from ..auth.models import Role, User
    from ..auth.operations import create_user

    user = User.query.filter_by(email=email).first()
    if user is None:
        password = "Demo-" + secrets.token_urlsafe(9)
        user = create_user(email=email, name=f"{org.name}科研处联络员", role=Role.APPLICANT, password=password,
                           organisation=org)
        context["passwords"][email] = password
    return user


def _content(bid, members):
    from .operations import BidData
    from .rules import PlannedMilestone

    challenge = bid.challenge
    fiscal = challenge.support_fen * 2 // 3 // 100 * 100
    ratio = 1 if bid.organisation.org_type.is_academic else 2
    return BidData(
        title=f"{challenge.title}攻关项目", leader_name="李明", leader_title="教授、博士生导师",
        leader_phone="0391-3987000", leader_email="liming@example.edu.cn",
        technical_plan=PLANS.get(bid.organisation.name, "<p>技术路线详见申报书。</p>"),
        fiscal_support_fen=fiscal, issuer_funding_fen=challenge.issuer_funding_fen,
        self_funding_fen=max(ratio * fiscal, challenge.support_fen), member_ids=[m.id for m in members],
        kpi_answers={k.id: (k.target_value, "委托第三方检测机构出具检测报告") for k in challenge.kpis},
        milestones=[PlannedMilestone(m.name, m.due_on, m.tranche_percent, f"{m.name}：阶段报告及测试数据")
                    for m in bid.milestones])


@seed_step(40, "bids")
def seed_bids(context, echo):
    from ..challenges.models import Challenge
    from . import operations as ops
    from .models import Bid

    created = 0
    for title, bidders in PLAN.items():
        challenge = Challenge.query.filter_by(title=title).first()
        if challenge is None or not challenge.is_open_for_bids():
            continue
        for lead_name, email, member_names in bidders:
            lead = _organisation(lead_name)
            members = [m for m in (_organisation(n) for n in member_names) if m is not None]
            if lead is None or Bid.query.filter_by(challenge_id=challenge.id, organisation_id=lead.id).first():
                continue
            user = _user(email, lead, context)
            bid = ops.start_bid(challenge, actor=user)
            ops.save_bid(bid, _content(bid, members), actor=user)
            ops.submit_bid(bid, actor=user, base_version=0)
            created += 1
    db.session.flush()
    for email, password in context["passwords"].items():
        if email.endswith("@jiebang.demo") and email.split("@")[0] in ("zzu", "haut"):
            echo(f"  {email:28s} {password}")
    echo(f"揭榜申报：新建 {created} 份，共 {Bid.query.count()} 份（截止前处于密封状态）")
