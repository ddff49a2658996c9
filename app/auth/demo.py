"""Demo expert pool: profiles for the three demo experts and eight more, so a
five-expert panel can be drawn for the demo challenges. Idempotent (keyed by e-mail).

expert@ worked at 河南理工大学 (a demo bidder) until last year and expert3@ declared a
relationship with 河南工业大学 (another bidder), so conflicts show up in review."""
from __future__ import annotations

import secrets

from ..core.demo import seed_step
from ..core.timeutil import local_today

# e-mail, name, title, employer, fields, [(past employer, years before this year: start, end)], declared
EXPERTS = [
    ("expert@jiebang.demo", "评审专家甲", "教授", "河南省科学院", ["节能环保", "新材料"],
     [("河南理工大学", 12, 1)], []),
    ("expert2@jiebang.demo", "评审专家乙", "研究员", "中国科学院金属研究所", ["超硬材料", "新材料", "轻合金材料"],
     [("华中科技大学", 16, 10)], []),
    ("expert3@jiebang.demo", "评审专家丙", "正高级工程师", "浙江大学中原研究院", ["装备制造", "轻合金材料", "超硬材料"],
     [], [("河南工业大学", "配偶在该校任教")]),
    ("expert4@jiebang.demo", "评审专家丁", "教授", "华北水利水电大学", ["节能环保", "现代化工"], [], []),
    ("expert5@jiebang.demo", "评审专家戊", "研究员", "中国科学院过程工程研究所", ["节能环保", "新能源电池材料", "现代化工"],
     [("大连理工大学", 9, 5)], []),
    ("expert6@jiebang.demo", "评审专家己", "教授", "西北工业大学", ["轻合金材料", "装备制造", "节能环保", "超硬材料"], [], []),
    ("expert7@jiebang.demo", "评审专家庚", "研究员", "中国科学院上海硅酸盐研究所", ["超硬材料", "氟基新材料", "新材料"],
     [], []),
    ("expert8@jiebang.demo", "评审专家辛", "教授", "华东理工大学", ["氟基新材料", "现代化工", "节能环保"], [], []),
    ("expert9@jiebang.demo", "评审专家壬", "教授", "上海交通大学", ["新能源电池材料", "电子信息", "汽车零部件"],
     [("西安交通大学", 8, 3)], []),
    ("expert10@jiebang.demo", "评审专家癸", "正高级工程师", "北京航空航天大学", ["装备制造", "汽车零部件", "超硬材料"],
     [], []),
    ("expert11@jiebang.demo", "评审专家子", "研究员", "中国科学院理化技术研究所", ["节能环保", "新能源电池材料", "氟基新材料", "超硬材料"],
     [], []),
]


def _org(name):
    from .models import Organisation

    return Organisation.query.filter_by(name=name).first()


@seed_step(25, "experts")
def seed_experts(context, echo):
    from .expert_operations import ExpertData, save_expert_profile
    from .models import Role, User
    from .operations import create_user

    this_year = local_today().year
    created = 0
    for email, name, title, employer, fields, past, declared in EXPERTS:
        user = User.query.filter_by(email=email).first()
        if user is None:
            password = "Demo-" + secrets.token_urlsafe(9)
            user = create_user(email=email, name=name, role=Role.EXPERT, password=password)
            context["passwords"][email] = password
            echo(f"  {email:28s} {password}")
        if user.role is not Role.EXPERT or user.expert_profile is not None:
            continue
        orgs = [_org(employer)] + [_org(n) for n, *_rest in past] + [_org(n) for n, _r in declared]
        if any(o is None for o in orgs):
            continue  # demo organisations missing (custom data file): leave this expert without a profile
        data = ExpertData(
            title=title, employer_code=_org(employer).credit_code, fields=fields,
            employments=[(_org(n).credit_code, this_year - start, this_year - end) for n, start, end in past],
            relationships=[(_org(n).credit_code, reason) for n, reason in declared],
        )
        save_expert_profile(user, data, actor=None)
        created += 1
    echo(f"专家库：新建专家档案 {created} 份（共 {len(EXPERTS)} 位演示专家）")
