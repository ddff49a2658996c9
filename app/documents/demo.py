"""Demo data: the demand-collection notice (public, on 通知公告), consistent with itself:
dated the day it is seeded, announcing a deadline after that date, promising no
attachment it does not have."""
from __future__ import annotations

from datetime import timedelta

from ..core.demo import seed_step

TITLE = "关于开展{year}年度“揭榜挂帅”科技项目需求征集工作的通知"
# Enterprises get about two months to file their demands.
FILING_DAYS = 60


def demand_collection_notice(today) -> dict:
    from ..core.timeutil import chinese_date

    deadline = today + timedelta(days=FILING_DAYS)
    return {
        "title": TITLE.format(year=today.year),
        "body": [
            "为深入实施创新驱动发展战略，破解制约我市产业发展的关键核心技术难题，"
            f"现组织开展{today.year}年度“揭榜挂帅”科技项目需求征集工作，有关事项通知如下。",
            {"h1": "征集范围"},
            "面向我市新材料、装备制造、汽车零部件、生物医药等重点产业链企业，征集企业自身难以解决的关键核心技术需求。",
            {"h1": "工作要求"},
            {"h2": "明确核心指标"},
            "需求应写明核心考核指标、完成时限、知识产权归属和企业资金投入。",
            {"h2": "按时报送"},
            f"请于{chinese_date(deadline)}前登录焦作市“揭榜挂帅”管理平台，在“我的需求”中在线填写需求征集表并提交。",
        ],
    }


@seed_step(90, "documents")
def seed_documents(context, echo):
    from ..core.timeutil import local_today
    from .models import IssuedDocument
    from .operations import issue_document

    today = local_today()
    ctx = demand_collection_notice(today)
    if IssuedDocument.query.filter_by(title=ctx["title"]).first():
        echo("公文：需求征集通知已存在")
        return
    doc = issue_document("public_notice", ctx, actor=None, addressee="各县（市）区科技主管部门，各有关单位",
                         cc=["市财政局"])
    echo(f"公文：已发出需求征集通知 {doc.number}（公开，见通知公告）")
