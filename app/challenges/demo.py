"""Demo challenges and demands from shared/data/jiaozuo_demo.json. Idempotent (keyed by title)."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from ..core.demo import seed_step
from ..core.money import wan_to_fen
from ..core.timeutil import local_to_utc, to_local, utcnow
from ..extensions import db

# index in the JSON list -> (state, deadline in days from now; None for drafts)
PLAN = {0: ("published", 30), 1: ("published", 25), 2: ("published", 40), 3: ("closed", -5),
        4: ("published", 21), 5: ("draft", None), 6: ("draft", None), 7: ("published", 35),
        8: ("draft", None)}

IP_TERMS = ("项目形成的知识产权归揭榜方与发榜方共有，发榜方在本市享有优先实施权；"
            "具体比例在揭榜协议中约定。")
ELIGIBILITY = ("国内外高校、科研院所、企业及新型研发机构均可单独或组成联合体揭榜（牵头单位一家，成员不超过5家）；"
               "近三年无失信记录；具备完成任务所需的研发条件和团队。")

DEMANDS = [
    # title, state, reason; all from 强耐新材 (the demo enterprise user's company)
    ("CO2深度矿化养护制建材关键技术与万吨级工业试验", "accepted", None),
    ("工业固废基低碳胶凝材料规模化制备技术", "submitted", None),
    ("建筑垃圾再生骨料高值化利用技术", "returned", "请补充现有工艺的技术瓶颈分析和企业近两年研发投入情况。"),
]


def _five_pm(moment):
    """Deadlines fall at 17:00 Beijing time, as on a real 榜单."""
    if moment is None:
        return None
    return local_to_utc(datetime.combine(to_local(moment).date(), time(17, 0)))


def _milestones(months: int, slots: int):
    from .rules import MilestoneData

    return [
        MilestoneData("签订任务书，启动攻关", 0, 30),
        MilestoneData("中期评估" + ("（赛马比选）" if slots > 1 else ""), max(1, months // 2), 40,
                      is_race_checkpoint=slots > 1),
        MilestoneData("完成全部考核指标并验收", months, 30),
    ]


def _data(item: dict, issuer, *, deadline):
    from .rules import ChallengeData, KpiData

    comparators = {"≥": "ge", "≤": "le", "=": "eq", ">": "gt", "<": "lt"}
    now = utcnow()
    return ChallengeData(
        title=item["title"], field=item["field"], issuer_id=issuer.id,
        problem_statement=(f"{issuer.name}在{item['field']}领域开展“{item['title']}”攻关，现有技术路线在核心指标上"
                           f"与国内先进水平存在差距，企业自身研发力量难以独立突破，现面向海内外公开张榜，"
                           f"征集具备相应研发能力的团队，在{item['months']}个月内完成关键技术攻关和工程化验证。"),
        time_limit_months=item["months"], support_fen=wan_to_fen(item["support_wan"]),
        issuer_funding_fen=wan_to_fen(item["issuer_funding_wan"]), ip_terms=IP_TERMS,
        eligibility=ELIGIBILITY, contact_name="科技局成果转化科", contact_phone="0391-0000000",
        contact_email="", bid_opens_at=now.replace(second=0, microsecond=0) if deadline else None,
        bid_deadline_at=deadline, slots=item["slots"],
        kpis=[KpiData(name, comparators[cmp], Decimal(str(value)), unit, "第三方检测机构出具检测报告")
              for name, cmp, value, unit in item["kpis"]],
        milestone_template=_milestones(item["months"], item["slots"]),
    )


@seed_step(30, "challenges")
def seed_challenges(context, echo):
    from ..auth.models import Organisation, User
    from . import operations as ops
    from .models import Challenge, ChallengeState

    bureau = User.query.filter_by(email="bureau@jiebang.demo").first()
    enterprise_user = User.query.filter_by(email="enterprise@jiebang.demo").first()
    demands = _seed_demands(enterprise_user, bureau) if enterprise_user is not None else 0
    created, now = [], utcnow()
    to_publish, to_close = [], []
    for index, item in enumerate(context["data"].get("challenges", [])):
        state, days = PLAN.get(index, ("draft", None))
        published_at = now - timedelta(days=40) if state == "closed" else now
        deadline = _five_pm(published_at + timedelta(days=35) if state == "closed" else (
            now + timedelta(days=days) if days else None))
        issuer = Organisation.query.filter_by(short_name=item["issuer"]).first()
        data = _data(item, issuer, deadline=deadline)
        if state == "closed":
            data.bid_opens_at = published_at
        existing = Challenge.query.filter_by(title=item["title"]).first()
        if existing is None:
            challenge = ops.create_challenge(data, actor=bureau, check=False)
        elif existing.state is ChallengeState.DRAFT and existing.demand_id and existing.bid_deadline_at is None:
            # the draft pre-filled from the accepted demo demand: the bureau completes it
            challenge = ops.update_challenge(existing, data, actor=bureau)
        else:
            continue
        created.append(challenge)
        {"closed": to_close, "published": to_publish}.get(state, []).append(challenge)
    db.session.flush()
    if to_close:
        ops.publish_challenges(to_close, actor=bureau, now=now - timedelta(days=40))
        for c in to_close:
            ops.close_if_due(c)
    if to_publish:
        ops.publish_challenges(to_publish, actor=bureau, now=now)
    echo(f"榜单：新建或完善 {len(created)} 个（发布 {len(to_publish)}，已截止 {len(to_close)}）；需求：新建 {demands} 项")


def _seed_demands(user, bureau) -> int:
    from ..demands import operations as dops
    from ..demands.models import Demand

    count = 0
    for title, state, reason in DEMANDS:
        if Demand.query.filter_by(title=title, organisation_id=user.organisation_id).first():
            continue
        data = dops.DemandData(
            title=title, field=user.organisation.field or "节能环保",
            problem=f"本单位在“{title}”方面存在关键技术瓶颈，现有工艺能耗高、产品性能不稳定，自身研发力量难以解决。",
            core_indicators="关键性能指标达到国内领先水平；形成可工程化的工艺包；申请发明专利不少于3项。",
            time_limit_months=24, ip_ownership="双方共有，企业享有优先实施权", own_funding_fen=wan_to_fen(600),
            solver_conditions="具有相关领域研发基础的高校、科研院所或企业", cannot_solve_alone=True,
            contact_name=user.name, contact_phone="0391-0000001",
        )
        demand = dops.save_demand(None, data, actor=user)
        dops.submit_demand(demand, actor=user)
        if state == "accepted":
            dops.accept_demand(demand, actor=bureau)
        elif state == "returned":
            dops.return_demand(demand, actor=bureau, reason=reason)
        count += 1
    db.session.flush()
    return count
