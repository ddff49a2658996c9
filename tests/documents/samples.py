"""Ordinary and extreme contexts for every registered document type (measurement test).

A new document type adds its pair here; the measurement test refuses a registered
type without samples, so every type is measured from its PDF.
"""
from __future__ import annotations

from .helpers import notice_context, publication_context

URL = "https://kjj.jiaozuo.gov.cn/files/2026/verylongunbreakablepathsegment/abcdefghijklmnopqrstuvwxyz0123456789.pdf"
LONG_ORG = "焦作市中原智能装备制造与新材料产业技术创新战略联盟研究院有限责任公司"
RARE = "龘\U00020000"
# 60 characters; words the title breaker must not split include 揭榜挂帅, 实施细则, 管理办法.
LONG_TITLE = ("关于印发焦作市2026年度揭榜挂帅科技项目资金管理办法和绩效评价实施细则"
              "及相关配套文件的通知" + "暨项目承担单位合作单位名单龘")
CC_EIGHT = [LONG_ORG, "市委办公室", "市人大常委会办公室", "市政府办公室", "市政协办公室", "市财政局",
            "市审计局", "市发展和改革委员会"]


def _rows(n: int) -> list[list[str]]:
    return [[str(i), f"焦作市关键核心技术攻关项目第{i}项" + (LONG_ORG if i % 9 == 0 else ""),
             "新材料", f"{500 + i * 10.5:.2f}", URL if i == 3 else "24"] for i in range(1, n + 1)]


def notice_extreme() -> dict:
    return {
        "title": LONG_TITLE,
        "body": [
            f"为贯彻落实创新驱动发展战略，推动{RARE}等生僻字正确显示，现就有关事项通知如下。" * 2,
            {"h1": "项目安排"}, {"h2": "总体要求"},
            f"有关材料请访问{URL}下载。",
            {"table": {"columns": ["序号", "项目名称", "领域", "金额（万元）", "期限（月）"], "rows": _rows(45),
                       "widths": [8, 44, 12, 16, 20]}},
            {"h2": "工作要求"}, "以上请遵照执行。",
        ],
        "attachments": [f"{LONG_ORG}2026年度揭榜挂帅科技项目资金管理办法和绩效评价实施细则（试行）", "项目清单"],
    }


def notice_ordinary() -> dict:
    ctx = notice_context()
    ctx["body"] = [
        "为贯彻落实创新驱动发展战略，加快解决制约我市产业发展的关键核心技术难题，根据有关规定，现就开展需求征集工作有关事项通知如下。",
        {"h1": "征集范围"}, {"h2": "重点产业链企业"},
        "面向全市重点产业链企业征集关键核心技术需求，需求应当目标明确、指标可考核、成果可转化。",
    ]
    return ctx


def publication_extreme() -> dict:
    ctx = publication_context(45)
    for i, row in enumerate(ctx["challenges"]):
        row["issuer_name"] = LONG_ORG if i % 5 == 0 else row["issuer_name"]
        row["eligibility"] = "揭榜单位应为在焦作市注册、具有独立法人资格的企业、高等院校或科研院所：："
        if i == 2:
            row["field"] = URL
            row["title"] = f"高性能锂电池隔膜关键技术攻关{RARE}"
    return ctx


def publication_ordinary() -> dict:
    ctx = publication_context(3)
    for row in ctx["challenges"]:
        row["eligibility"] = "揭榜单位应为在焦作市注册、具有独立法人资格的企业、高等院校或科研院所"
    return ctx


def _bid(kpis: int, long: bool) -> dict:
    return {
        "challenge_title": ("高性能锂电池隔膜关键技术攻关" * (3 if long else 1)),
        "issuer_name": LONG_ORG if long else "焦作市强耐新材料股份有限公司",
        "lead_name": LONG_ORG if long else "河南理工大学",
        "members": [LONG_ORG, "郑州大学", "河南工业大学"] if long else [],
        "leader": "张三，教授，0391-3980000",
        "version_no": 2,
        "submitted_text": "2026年12月29日17时00分（北京时间）",
        "content_sha256": "ab" * 32,
        "kpis": [{"name": f"抗压强度{i}" + (RARE if i == 1 else ""), "target": "≥120MPa", "proposed": "130 MPa",
                  "verification": URL if long and i == 2 else "第三方检测"} for i in range(1, kpis + 1)],
        "budget": {"fiscal_support_fen": 123_456_789, "issuer_funding_fen": 5_000_000_00, "self_funding_fen": 0},
        "milestones": [{"name": "中试", "due_on": "2027-06-30", "tranche_percent": 40, "deliverable": "中试线"},
                       {"name": "验收", "due_on": "2028-06-30", "tranche_percent": 60, "deliverable": "验收报告"}],
        "attachments_list": [{"name": f"{LONG_ORG}申报材料.pdf" if long else "申报材料.pdf", "sha256": "cd" * 32}],
        "review": "形式审查：通过",
    }


def cancellation_ordinary() -> dict:
    return {"challenge_title": "CO2深度矿化养护制建材关键技术", "issuer_name": "河南强耐新材股份有限公司",
            "published_text": "2026年11月2日", "reason": "发榜单位已通过自主研发解决该技术难题"}


def cancellation_extreme() -> dict:
    return {"challenge_title": "高性能锂电池隔膜关键技术攻关" * 3, "issuer_name": LONG_ORG + RARE,
            "published_text": "2026年11月2日",
            "reason": f"发榜单位经营状况发生重大变化，无法继续履行出资义务，详见{URL}。" * 12,
            "bids_text": "已提交的揭榜申报不再进入评审程序，揭榜单位可向市科技局咨询。"}


def public_notice_ordinary() -> dict:
    ctx = notice_ordinary()
    ctx.pop("attachments", None)
    return ctx


def _award(winners: int, long: bool) -> dict:
    rows = [{"rank": i, "bid_title": ("高性能锂电池隔膜关键技术攻关项目" * (3 if long else 1)) + (RARE if i == 1 else ""),
             "lead_name": LONG_ORG if long else "河南理工大学",
             "members": "、".join([LONG_ORG, "郑州大学", "河南工业大学"]) if long and i % 2 else "",
             "score_text": f"{90 - i * 0.37:.2f}"} for i in range(1, winners + 1)]
    return {
        "challenge_title": "高性能锂电池隔膜关键技术攻关" * (3 if long else 1),
        "issuer_name": LONG_ORG if long else "焦作市强耐新材料股份有限公司",
        "winners": rows, "window_start_text": "2026年12月29日", "window_end_text": "2027年1月8日",
        "working_days": 7,
        "contact": f"联系电话：0391-3568000（焦作市科学技术局成果转化与区域创新科），网址：{URL}" if long
        else "联系电话：0391-3568000（焦作市科学技术局成果转化与区域创新科）",
        "correction_note": ("因异议成立，取消原拟揭榜单位" + LONG_ORG + "，按评审排名由郑州大学递补，现更正公示") if long else "",
    }


SAMPLES = {
    "challenge_cancellation": (cancellation_ordinary, cancellation_extreme),
    "public_notice": (public_notice_ordinary, notice_extreme),
    "notice": (notice_ordinary, notice_extreme),
    "challenge_publication": (publication_ordinary, publication_extreme),
    "bid_summary": (lambda: _bid(3, False), lambda: _bid(45, True)),
    "award_publicity": (lambda: _award(2, False), lambda: _award(40, True)),
}


# -- projects (app/projects/documents.py) ------------------------------------------------

def _agreement(long: bool) -> dict:
    n_kpis, n_ms = (30, 12) if long else (3, 3)
    return {
        "project_title": ("二氧化碳深度矿化养护制建材关键技术与万吨级工业试验" + ("攻关项目" * 4 if long else "")),
        "challenge_title": "CO2深度矿化养护制建材关键技术与万吨级工业试验",
        "issuer_name": LONG_ORG if long else "焦作市强耐新材料股份有限公司",
        "lead_name": LONG_ORG if long else "河南理工大学",
        "members": [LONG_ORG, "郑州大学", "河南工业大学" + RARE] if long else [],
        "fiscal_support_fen": 123_456_789_01 if long else 2_000_000_00,
        "issuer_funding_fen": 3_000_000_00, "self_funding_fen": 0 if long else 4_000_000_00,
        "period_text": "2027年1月1日至2028年12月31日", "signed_text": "2026年12月29日",
        "kpis": [{"name": f"抗压强度{i}" + (RARE if i == 1 else ""), "target": "≥120MPa",
                  "committed": URL if long and i == 2 else "130MPa"} for i in range(1, n_kpis + 1)],
        "milestones": [{"name": f"第{i}阶段", "due_text": "2027年6月30日", "tranche_percent": 100 // n_ms,
                        "deliverable": (LONG_ORG + "中试线") if long and i == 1 else "中试线及检测报告"}
                       for i in range(1, n_ms + 1)],
        "ip_terms": ("知识产权归发榜单位与揭榜单位共有，" * (8 if long else 1)) + "双方按照揭榜协议的约定分享成果转化收益。",
    }


def _midterm(long: bool) -> dict:
    return {
        "project_title": "二氧化碳深度矿化养护制建材关键技术" + ("与万吨级工业试验攻关" * (3 if long else 0)),
        "lead_name": LONG_ORG if long else "河南理工大学", "milestone_name": "中期",
        "version_no": 2 if long else 1, "submitted_text": "2027年6月30日", "is_late": long,
        "panel_text": "5名专家" if long else "3名专家", "score_text": "86.5分",
        "kpis": [{"name": f"抗压强度{i}", "target": "≥120MPa", "measured": URL if long and i == 3 else "98MPa"}
                 for i in range(1, (40 if long else 3) + 1)],
        "spent_fen": 98_765_432_10 if long else 1_200_000_00,
        "scores": [{"criterion": "进度完成情况（40分）", "score": "35.00"},
                   {"criterion": "考核指标进展（30分）", "score": "26.00"}],
        "conclusion": "评估结论：需整改。" + ("考核指标进展滞后，部分指标未达到阶段目标。" * (10 if long else 1)),
        "fix_text": "请于2027年8月31日前提交整改后的里程碑报告，逾期未提交的，按不通过处理。",
    }


def _elimination(long: bool) -> dict:
    return {
        "project_title": "二氧化碳深度矿化养护制建材关键技术" + ("与万吨级工业试验攻关" * (3 if long else 0)),
        "challenge_title": "CO2深度矿化养护制建材关键技术与万吨级工业试验",
        "lead_name": LONG_ORG if long else "郑州大学", "checkpoint_name": "中期",
        "decided_text": "2027年7月15日", "race_size": 2,
        "reason": ("比较节点评估得分低于并行项目，关键指标完成度不足百分之五十。" * (12 if long else 1)) + RARE,
        "paid_fen": 123_456_789_01 if long else 600_000_00,
    }


def _acceptance(long: bool) -> dict:
    return {
        "project_title": "二氧化碳深度矿化养护制建材关键技术" + ("与万吨级工业试验攻关" * (3 if long else 0)),
        "lead_name": LONG_ORG if long else "河南理工大学", "period_text": "2027年1月1日至2028年12月31日",
        "submitted_text": "2029年1月20日", "is_late": long, "panel_text": "5名专家组成的验收专家组",
        "kpis": [{"name": f"抗压强度{i}" + (RARE if i == 1 else ""), "target": "≥120MPa",
                  "measured": URL if long and i == 2 else "130MPa", "verdict": "达到" if i % 4 else "未达到"}
                 for i in range(1, (40 if long else 3) + 1)],
        "fiscal_support_fen": 2_000_000_00, "spent_fen": 1_987_654_32,
        "conclusion": "验收结论：通过。" + ("项目完成了协议约定的全部考核指标。" * (10 if long else 1))
        + "项目承担单位组织有力，经费使用规范，成果具有良好的推广应用前景，同意通过验收。",
    }


def _termination(long: bool, verb: str) -> dict:
    return {
        "verb": verb,
        "project_title": "二氧化碳深度矿化养护制建材关键技术" + ("与万吨级工业试验攻关" * (3 if long else 0)),
        "challenge_title": "CO2深度矿化养护制建材关键技术与万吨级工业试验",
        "lead_name": LONG_ORG if long else "河南理工大学",
        "reason": ("不可抗力：项目所需关键设备因出口管制无法采购，项目无法继续实施。" * (12 if long else 1)),
        "paid_fen": 123_456_789_01 if long else 600_000_00, "refund_fen": 1_234_56 if long else 100_000_00,
        "recover_fen": 600_000_00 if verb == "撤销" else 0,
        "tolerance_text": "经研究，项目承担单位已勤勉尽责，予以容错免责。",
    }


SAMPLES.update({
    "project_approval": (lambda: _agreement(False), lambda: _agreement(True)),
    "contract_summary": (lambda: _agreement(False), lambda: _agreement(True)),
    "midterm_opinion": (lambda: _midterm(False), lambda: _midterm(True)),
    "elimination_notice": (lambda: _elimination(False), lambda: _elimination(True)),
    "acceptance_opinion": (lambda: _acceptance(False), lambda: _acceptance(True)),
    "termination_notice": (lambda: _termination(False, "终止"), lambda: _termination(True, "撤销")),
})
