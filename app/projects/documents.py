"""The project's official documents, through the documents engine.

Each type takes plain data (strings, integer fen, lists of dicts) and builds its body
as the engine's blocks (paragraphs, numbered headings, ruled tables), so every type is
laid out by the one GB/T 9704 template and measured by ``tests/documents``. Amounts
are printed in figures (元), in 万元 and in 人民币大写. All are subjects of the project
(``documents_for(project)``); finance (a staff role) downloads every one of them, the
project's lead unit downloads its own.
"""
from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l

from ..core.money import format_wan, format_yuan, rmb_upper
from ..documents.layout import DocumentContextError, require_row_keys, structure_body
from ..documents.types import register_type

KPI_KEYS = ("name", "target", "committed")
MILESTONE_KEYS = ("name", "due_text", "deliverable", "tranche_percent")


def amount_text(fen: int) -> str:
    """1,200,000 yuan -> '120万元（1,200,000.00元，人民币壹佰贰拾万元整）'."""
    return f"{format_wan(fen)}（{format_yuan(fen)}，人民币{rmb_upper(fen)}）"


def _fen(ctx: Mapping, key: str) -> int:
    value = ctx.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise DocumentContextError(f"{key} 应为非负整数（分）")
    return value


def _may_download(doc, user) -> bool:
    """The project's lead unit (and parties) download the project's documents."""
    if doc.subject_type != "projects" or doc.subject_id is None:
        return False
    from ..extensions import db
    from .models import Project

    project = db.session.get(Project, doc.subject_id)
    return project is not None and project.is_party(user)


def _register(key, *, build, validate_extra=None, **kwargs):
    """A type whose body is built by ``build(ctx) -> blocks`` (validated before issuing)."""

    def validate(ctx):
        if validate_extra:
            validate_extra(ctx)
        structure_body(build(ctx))

    def prepare(data):
        data["body"] = structure_body(build(data))
        return data

    return register_type(key, template="notice.html", validate=validate, prepare=prepare,
                         may_download=_may_download, **kwargs)


def _parties(ctx) -> str:
    members = ctx.get("members") or []
    text = f"发榜单位为{ctx['issuer_name']}，揭榜牵头单位为{ctx['lead_name']}"
    return text + (f"，联合体成员为{'、'.join(members)}" if members else "")


def _funding_blocks(ctx) -> list:
    rows = [["财政支持资金", format_wan(ctx["fiscal_support_fen"]), format_yuan(ctx["fiscal_support_fen"]),
             rmb_upper(ctx["fiscal_support_fen"])],
            ["发榜单位投入", format_wan(ctx["issuer_funding_fen"]), format_yuan(ctx["issuer_funding_fen"]),
             rmb_upper(ctx["issuer_funding_fen"])],
            ["揭榜单位自筹", format_wan(ctx["self_funding_fen"]), format_yuan(ctx["self_funding_fen"]),
             rmb_upper(ctx["self_funding_fen"])]]
    total = ctx["fiscal_support_fen"] + ctx["issuer_funding_fen"] + ctx["self_funding_fen"]
    rows.append(["合计", format_wan(total), format_yuan(total), rmb_upper(total)])
    return [{"table": {"columns": ["资金来源", "万元", "元", "人民币大写"], "rows": rows,
                       "widths": [20, 16, 24, 40]}}]


def _kpi_table(ctx) -> dict:
    return {"table": {"columns": ["序号", "考核指标", "榜单要求", "承诺值"],
                      "rows": [[str(i), k["name"], k["target"], k["committed"]]
                               for i, k in enumerate(ctx["kpis"], 1)],
                      "widths": [8, 40, 26, 26]}}


def _milestone_table(ctx) -> dict:
    fiscal = ctx["fiscal_support_fen"]
    rows = []
    for i, m in enumerate(ctx["milestones"], 1):
        share = fiscal * int(m["tranche_percent"]) // 100
        rows.append([str(i), m["name"], m["due_text"], m["deliverable"], f"{m['tranche_percent']}%",
                     format_wan(share)])
    return {"table": {"columns": ["序号", "里程碑", "完成时间", "交付成果", "拨付比例", "拨付额"],
                      "rows": rows, "widths": [7, 18, 18, 31, 11, 15]}}


def _validate_agreement(ctx) -> None:
    for key in ("fiscal_support_fen", "issuer_funding_fen", "self_funding_fen"):
        _fen(ctx, key)
    require_row_keys(ctx["kpis"], KPI_KEYS, label="考核指标 kpis ")
    require_row_keys(ctx["milestones"], MILESTONE_KEYS, label="里程碑 milestones ")
    for n, m in enumerate(ctx["milestones"], 1):
        p = m["tranche_percent"]
        if isinstance(p, bool) or not isinstance(p, int) or not 0 <= p <= 100:
            raise DocumentContextError(f"里程碑第 {n} 项的拨付比例应为0到100的整数")


AGREEMENT_KEYS = ("project_title", "challenge_title", "issuer_name", "lead_name", "fiscal_support_fen",
                  "issuer_funding_fen", "self_funding_fen", "period_text", "signed_text", "kpis", "milestones",
                  "ip_terms")
AGREEMENT_DOC = """Context keys (both types):
  project_title, challenge_title, issuer_name, lead_name   str
  members            list of str — consortium members (may be empty)
  fiscal_support_fen, issuer_funding_fen, self_funding_fen  int fen
  period_text        str — e.g. "2027年1月1日至2028年12月31日"
  signed_text        str — signing date, e.g. "2026年12月29日"
  kpis               list of {name, target, committed}
  milestones         list of {name, due_text, deliverable, tranche_percent (int)}
  ip_terms           str
"""


def _approval_body(ctx) -> list:
    return [
        f"根据“揭榜挂帅”项目管理有关规定，经专家评审、结果公示，{ctx['lead_name']}揭榜的"
        f"“{ctx['challenge_title']}”榜单项目“{ctx['project_title']}”予以立项。{_parties(ctx)}。"
        f"揭榜协议已于{ctx['signed_text']}签订，项目实施期为{ctx['period_text']}。现将有关事项通知如下。",
        {"h1": "项目经费"},
        f"项目总经费{amount_text(ctx['fiscal_support_fen'] + ctx['issuer_funding_fen'] + ctx['self_funding_fen'])}，"
        f"其中市级财政支持资金{amount_text(ctx['fiscal_support_fen'])}，按里程碑考核结果分期拨付。",
        *_funding_blocks(ctx),
        {"h1": "考核指标与里程碑"},
        "项目承担单位应当按照揭榜协议约定的考核指标和里程碑计划组织实施，按期提交里程碑报告，接受专家评审和中期评估。",
        _kpi_table(ctx), _milestone_table(ctx),
        {"h1": "有关要求"},
        "项目承担单位应当严格执行财政资金管理规定，专款专用，单独核算；项目实施期满后三个月内提交验收材料。"
        f"知识产权约定：{ctx['ip_terms']}",
    ]


APPROVAL_NOTICE = _register(
    "project_approval",
    label=_l("立项通知书"),
    title="关于{project_title}立项的通知",
    joint=True,
    required=AGREEMENT_KEYS,
    validate_extra=_validate_agreement,
    build=_approval_body,
    doc="Joint 立项通知书 (科技局 + 财政局).\n\n" + AGREEMENT_DOC,
)


def _summary_body(ctx) -> list:
    return [
        f"“{ctx['project_title']}”揭榜协议（任务书）已由各方签字盖章，签订日期为{ctx['signed_text']}。"
        "现将协议主要内容摘要如下，供财政资金拨付和项目管理使用。",
        {"h1": "协议各方"}, f"{_parties(ctx)}。榜单名称为“{ctx['challenge_title']}”。",
        {"h1": "项目经费"},
        f"协议总额{amount_text(ctx['fiscal_support_fen'] + ctx['issuer_funding_fen'] + ctx['self_funding_fen'])}。",
        *_funding_blocks(ctx),
        {"h1": "考核指标"}, _kpi_table(ctx),
        {"h1": "里程碑与资金拨付计划"},
        f"项目实施期为{ctx['period_text']}。首期资金在协议签订后拨付，其余各期在对应里程碑考核通过后拨付。",
        _milestone_table(ctx),
        {"h1": "知识产权"}, ctx["ip_terms"],
    ]


CONTRACT_SUMMARY = _register(
    "contract_summary",
    label=_l("合同摘要"),
    title="{project_title}揭榜协议合同摘要",
    required=AGREEMENT_KEYS,
    validate_extra=_validate_agreement,
    build=_summary_body,
    doc="合同摘要 of a signed 揭榜协议.\n\n" + AGREEMENT_DOC,
)


# -- 中期评估意见 ----------------------------------------------------------------------------

def _validate_midterm(ctx) -> None:
    require_row_keys(ctx["kpis"], ("name", "target", "measured"), label="指标进展 kpis ")
    require_row_keys(ctx["scores"], ("criterion", "score"), label="评分 scores ")
    _fen(ctx, "spent_fen")


def _midterm_body(ctx) -> list:
    blocks = [
        f"{ctx['lead_name']}承担的“{ctx['project_title']}”于{ctx['submitted_text']}提交了“{ctx['milestone_name']}”"
        f"里程碑报告（第{ctx['version_no']}版）{'，报告逾期提交' if ctx.get('is_late') else ''}。"
        f"经{ctx['panel_text']}评审，综合得分为{ctx['score_text']}。现将评估意见通知如下。",
        {"h1": "考核指标进展"},
        {"table": {"columns": ["序号", "考核指标", "目标值", "实测值"],
                   "rows": [[str(i), k["name"], k["target"], k["measured"]] for i, k in enumerate(ctx["kpis"], 1)],
                   "widths": [8, 40, 26, 26]}},
        f"截至报告期，项目累计使用资金{amount_text(ctx['spent_fen'])}。",
        {"h1": "专家评分"},
        {"table": {"columns": ["评审要素", "平均得分"], "rows": [[s["criterion"], s["score"]] for s in ctx["scores"]],
                   "widths": [60, 40]}},
        {"h1": "评估结论"}, ctx["conclusion"],
    ]
    if ctx.get("fix_text"):
        blocks.append(ctx["fix_text"])
    return blocks


MIDTERM_OPINION = _register(
    "midterm_opinion",
    label=_l("中期评估意见"),
    title="关于{project_title}{milestone_name}中期评估意见的通知",
    required=("project_title", "lead_name", "milestone_name", "version_no", "submitted_text", "panel_text",
              "score_text", "kpis", "spent_fen", "scores", "conclusion"),
    validate_extra=_validate_midterm,
    build=_midterm_body,
    doc="""中期评估意见 on one milestone report.

Context keys: project_title, lead_name, milestone_name (str); version_no (int);
submitted_text, panel_text ("3名专家"), score_text ("86.50分") (str); is_late (bool, optional);
kpis: list of {name, target, measured}; spent_fen (int); scores: list of {criterion, score};
conclusion (str, the decision and its reason); fix_text (optional str: the corrected report's deadline).
""",
)


# -- 淘汰通知 ----------------------------------------------------------------------------------

def _elimination_body(ctx) -> list:
    return [
        f"根据“{ctx['challenge_title']}”榜单赛马制管理安排，市科技局于{ctx['decided_text']}在“{ctx['checkpoint_name']}”"
        f"节点对并行实施的{ctx['race_size']}个项目进行了比较评估。经综合评估，{ctx['lead_name']}承担的"
        f"“{ctx['project_title']}”不再继续实施，予以淘汰。",
        {"h1": "淘汰理由"}, ctx["reason"],
        {"h1": "有关事项"},
        "自本通知印发之日起，该项目停止实施，尚未拨付的财政资金不再拨付。"
        f"项目已拨付财政资金{amount_text(ctx['paid_fen'])}，项目承担单位应于三十日内报送资金使用情况和阶段成果报告。",
    ]


def _validate_elimination(ctx) -> None:
    _fen(ctx, "paid_fen")


ELIMINATION_NOTICE = _register(
    "elimination_notice",
    label=_l("淘汰通知"),
    title="关于{project_title}赛马淘汰的通知",
    required=("project_title", "challenge_title", "lead_name", "checkpoint_name", "decided_text", "race_size",
              "reason", "paid_fen"),
    validate_extra=_validate_elimination,
    build=_elimination_body,
    doc="""淘汰通知 at the horse race's checkpoint.

Context keys: project_title, challenge_title, lead_name, checkpoint_name, decided_text,
reason (str); race_size (int: projects compared); paid_fen (int: fiscal funds paid so far).
""",
)


# -- 验收意见书 ----------------------------------------------------------------------------------

def _validate_acceptance(ctx) -> None:
    require_row_keys(ctx["kpis"], ("name", "target", "measured", "verdict"), label="指标 kpis ")
    _fen(ctx, "spent_fen")
    _fen(ctx, "fiscal_support_fen")


def _acceptance_body(ctx) -> list:
    met = sum(1 for k in ctx["kpis"] if k["verdict"] == "达到")
    return [
        f"{ctx['lead_name']}承担的“{ctx['project_title']}”实施期为{ctx['period_text']}，"
        f"于{ctx['submitted_text']}提交验收材料{'（逾期提交）' if ctx.get('is_late') else ''}。"
        f"市科技局组织{ctx['panel_text']}对项目进行了验收，逐项核验了考核指标。",
        {"h1": "考核指标完成情况"},
        {"table": {"columns": ["序号", "考核指标", "目标值", "实测值", "结论"],
                   "rows": [[str(i), k["name"], k["target"], k["measured"], k["verdict"]]
                            for i, k in enumerate(ctx["kpis"], 1)],
                   "widths": [8, 34, 20, 22, 16]}},
        f"共{len(ctx['kpis'])}项考核指标，达到{met}项。",
        {"h1": "经费使用情况"},
        f"项目市级财政支持资金{amount_text(ctx['fiscal_support_fen'])}，"
        f"项目累计使用资金{amount_text(ctx['spent_fen'])}。",
        {"h1": "验收结论"}, ctx["conclusion"],
    ]


ACCEPTANCE_OPINION = _register(
    "acceptance_opinion",
    label=_l("验收意见书"),
    title="{project_title}验收意见书",
    required=("project_title", "lead_name", "period_text", "submitted_text", "panel_text", "kpis",
              "fiscal_support_fen", "spent_fen", "conclusion"),
    validate_extra=_validate_acceptance,
    build=_acceptance_body,
    doc="""验收意见书.

Context keys: project_title, lead_name, period_text, submitted_text, panel_text, conclusion (str);
is_late (bool, optional); kpis: list of {name, target, measured, verdict ("达到"/"未达到")};
fiscal_support_fen, spent_fen (int fen).
""",
)


# -- 终止 / 追回通知 ------------------------------------------------------------------------------

def _validate_termination(ctx) -> None:
    for key in ("paid_fen", "refund_fen", "recover_fen"):
        _fen(ctx, key)
    if ctx["verb"] not in ("终止", "撤销"):
        raise DocumentContextError("verb 应为“终止”或“撤销”")


def _termination_body(ctx) -> list:
    blocks = [
        f"{ctx['lead_name']}承担的“{ctx['project_title']}”（榜单“{ctx['challenge_title']}”），"
        f"经研究决定予以{ctx['verb']}。自本通知印发之日起，项目停止实施，尚未拨付的财政资金一律停止拨付。",
        {"h1": "原因"}, ctx["reason"],
        {"h1": "资金处理"},
        f"项目已拨付市级财政资金{amount_text(ctx['paid_fen'])}。",
    ]
    if ctx["verb"] == "终止":
        blocks.append(f"项目承担单位应退回结余资金{amount_text(ctx['refund_fen'])}。{ctx.get('tolerance_text') or ''}")
    else:
        blocks.append(f"依法追回财政资金{amount_text(ctx['recover_fen'])}，项目承担单位应于三十日内缴回。"
                      "同时将该单位的失信行为记入科研诚信记录，三年内不得承担“揭榜挂帅”项目。")
    return blocks


TERMINATION_NOTICE = _register(
    "termination_notice",
    label=_l("终止/追回通知"),
    title="关于{verb}{project_title}的通知",
    required=("verb", "project_title", "challenge_title", "lead_name", "reason", "paid_fen", "refund_fen",
              "recover_fen"),
    validate_extra=_validate_termination,
    build=_termination_body,
    doc="""终止 / 追回通知.

Context keys: verb ("终止" voluntary, "撤销" revocation with recovery), project_title,
challenge_title, lead_name, reason, tolerance_text (str; the 容错 decision, for 终止);
paid_fen, refund_fen (leftover to return), recover_fen (追回) (int fen).
""",
)

PROJECT_DOCUMENT_TYPES = ("project_approval", "contract_summary", "midterm_opinion", "elimination_notice",
                          "acceptance_opinion", "termination_notice")
