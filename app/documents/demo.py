"""Demo data: one issued notice, so the list and verification pages show something."""
from __future__ import annotations

from ..core.demo import seed_step


@seed_step(90, "documents")
def seed_documents(context, echo):
    from .models import IssuedDocument
    from .operations import issue_document

    if IssuedDocument.query.filter_by(doc_type="notice").first():
        echo("公文：演示通知已存在")
        return
    doc = issue_document("notice", {
        "title": "关于开展2026年度“揭榜挂帅”科技项目需求征集工作的通知",
        "body": [
            "为深入实施创新驱动发展战略，破解制约我市产业发展的关键核心技术难题，"
            "现组织开展2026年度“揭榜挂帅”科技项目需求征集工作，有关事项通知如下。",
            {"h1": "征集范围"},
            "面向我市新材料、装备制造、汽车零部件、生物医药等重点产业链企业，征集企业自身难以解决的关键核心技术需求。",
            {"h1": "工作要求"},
            {"h2": "明确核心指标"},
            "需求应写明核心考核指标、完成时限、知识产权归属和企业资金投入。",
            {"h2": "按时报送"},
            "请于2026年12月31日前通过焦作市“揭榜挂帅”管理平台在线填报。",
        ],
        "attachments": ["技术需求征集表"],
    }, actor=None, addressee="各县（市）区科技主管部门，各有关单位", cc=["市财政局"])
    echo(f"公文：已发出演示通知 {doc.number}")
