"""The registry of official-document types.

A type names its template in ``pdf_templates/``, its title pattern, whether it is a
joint document (市科技局 + 市财政局), whether it is a public notice (anyone may
download it), and the context keys it requires. :func:`issue_document` validates the
context against the type BEFORE a number is allocated or anything is rendered.

Other domains add their documents with one call, e.g. in ``app/projects/documents.py``::

    from app.documents.types import register_type

    register_type("approval_notice", label=_l("立项通知书"), template="approval_notice.html",
                  title="关于下达{project_name}立项的通知", required=("project_name", "body"),
                  joint=True)

The title pattern is ``str.format``-ed with the context (only top-level keys).
Staff (admin, bureau, finance) download every document unless the type narrows
``staff_roles`` (bid summaries: admin and bureau); ``public=True`` types anyone;
``may_download=lambda doc, user: ...`` lets a type admit others (e.g. the bidder of a
bid summary, looked up from ``doc.subject_type`` / ``doc.subject_id``).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from .layout import DocumentContextError, require_keys, require_row_keys, structure_body


@dataclass(frozen=True)
class DocumentType:
    key: str
    label: object
    template: str
    title: str
    required: tuple[str, ...] = ()
    joint: bool = False
    public: bool = False
    # False for internal records (e.g. 揭榜申报书): no red 文件 header, no 版记, no seal,
    # numbered in their own register ``series`` (see issuers.REGISTERS), not as 焦科〔…〕.
    official: bool = True
    series: str | None = None
    # Extra validation of the context (row keys, types); raises DocumentContextError.
    validate: Callable[[Mapping], None] | None = None
    # Derives template-ready values (e.g. structured body, totals) from the context.
    prepare: Callable[[dict], dict] | None = None
    # Names of the attachments listed after the body ("附件：1. …").
    attachments: Callable[[Mapping], list[str]] | None = None
    # Who besides staff may download an issued document of this type (public types:
    # everyone): ``may_download(doc, user) -> bool``, e.g. the bidder of a bid summary.
    may_download: Callable[[object, object], bool] | None = None
    # Staff roles that download every document of this type (the others need
    # ``may_download``): e.g. bid summaries are the bureau's files, not finance's.
    staff_roles: frozenset[str] = frozenset({"admin", "bureau", "finance"})
    options: dict = field(default_factory=dict)
    # The context keys documented for callers (shown by `flask documents doctor`).
    doc: str = ""

    def check(self, context: Mapping) -> None:
        require_keys(context, self.required, label=f"公文“{self.label}”")
        if "doc" in context:
            raise DocumentContextError("上下文键 doc 为系统保留（文号、标题、署名等由系统生成）")
        if self.validate:
            self.validate(context)

    def title_for(self, context: Mapping) -> str:
        try:
            return self.title.format(**context)
        except (KeyError, IndexError, AttributeError, ValueError) as exc:
            raise DocumentContextError(f"公文“{self.label}”的标题缺少内容：{exc}") from None

    def template_context(self, context: Mapping) -> dict:
        data = dict(context)
        return self.prepare(data) if self.prepare else data

    def attachment_names(self, context: Mapping) -> list[str]:
        return list(self.attachments(context)) if self.attachments else list(context.get("attachments") or [])


_TYPES: dict[str, DocumentType] = {}


def register_type(key: str, **kwargs) -> DocumentType:
    """Register (or re-register, e.g. on app reload) a document type."""
    doc_type = DocumentType(key=key, **kwargs)
    _TYPES[key] = doc_type
    return doc_type


def get_type(key: str) -> DocumentType:
    try:
        return _TYPES[key]
    except KeyError:
        raise DocumentContextError(f"未知的公文类型：{key}") from None


def all_types() -> dict[str, DocumentType]:
    return dict(_TYPES)


# --- 通知 --------------------------------------------------------------------------

def _validate_notice(ctx: Mapping) -> None:
    structure_body(ctx["body"])


def _prepare_notice(data: dict) -> dict:
    data["body"] = structure_body(data["body"])
    return data


NOTICE = register_type(
    "notice",
    label=_l("通知"),
    template="notice.html",
    title="{title}",
    required=("title", "body"),
    validate=_validate_notice,
    prepare=_prepare_notice,
    doc="""Generic notice (通知).

Context keys:
  title        str — full title, e.g. "关于开展2026年度揭榜挂帅项目申报工作的通知"
  body         list of blocks (see app/documents/layout.py): paragraphs, {"h1": ...} …
               {"h4": ...} headings (numbered automatically), {"table": {...}}
  attachments  optional list of str — names listed after the body ("附件：1. …")
""",
)


# --- 榜单发布公告 ---------------------------------------------------------------------

CHALLENGE_ROW_KEYS = ("title", "field", "issuer_name", "support_fen", "time_limit_months",
                      "slots", "bid_deadline_text")


def _validate_publication(ctx: Mapping) -> None:
    require_row_keys(ctx["challenges"], CHALLENGE_ROW_KEYS, label="榜单列表 challenges ")
    for n, row in enumerate(ctx["challenges"], 1):
        for key in ("support_fen", "time_limit_months", "slots"):
            value = row[key]
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise DocumentContextError(f"榜单列表第 {n} 项的 {key} 应为非负整数")
    if ctx.get("extra") is not None:
        structure_body(ctx["extra"])


def _tidy(text: str) -> str:
    """One sentence as printed: no doubled colon, no stray spaces, ends in one full stop."""
    import re

    text = re.sub(r"\s+", "", str(text or ""))
    text = re.sub(r"[：:]{2,}", "：", text).rstrip("：:，,；;")
    return text if not text or text[-1] in "。；！？" else text + "。"


def _prepare_publication(data: dict) -> dict:
    data["total_fen"] = sum(int(c["support_fen"]) for c in data["challenges"])
    # 揭榜条件 in the challenges' own words: once when they agree, else per challenge.
    texts = [_tidy(c.get("eligibility") or "") for c in data["challenges"]]
    data["eligibility_common"] = texts[0] if texts and texts[0] and len(set(texts)) == 1 else ""
    data["eligibility_rows"] = [{"title": c["title"], "text": t} for c, t in zip(data["challenges"], texts) if t]
    data["contact"] = _tidy(data["contact"])
    data["extra"] = structure_body(data["extra"]) if data.get("extra") else []
    return data


CHALLENGE_PUBLICATION = register_type(
    "challenge_publication",
    label=_l("榜单发布公告"),
    template="challenge_publication.html",
    title="关于发布{batch_name}“揭榜挂帅”榜单的公告",
    required=("batch_name", "challenges", "bid_deadline_text", "contact"),
    public=True,
    validate=_validate_publication,
    prepare=_prepare_publication,
    attachments=lambda ctx: [f"{ctx['batch_name']}“揭榜挂帅”榜单"],
    doc="""Challenge publication notice (榜单发布公告), public.

Context keys:
  batch_name         str — e.g. "2026年度第一批"; the title is
                     "关于发布{batch_name}“揭榜挂帅”榜单的公告"
  challenges         list of dicts, one per challenge, each with
      title              str  榜单名称
      field              str  技术领域
      issuer_name        str  发榜单位 (the demanding organisation)
      support_fen        int  fiscal support in fen (shown in 万元; total also in 大写)
      time_limit_months  int  实施期限（月）
      slots              int  拟立项数 (1, or more for 赛马)
      bid_deadline_text  str  揭榜截止, e.g. "2026年12月31日17:00"
      eligibility        optional str — the challenge's own 揭榜条件 (printed in section 二)
  bid_deadline_text  str — deadline of the batch, as printed in the body
  contact            str — contact paragraph (office, person, telephone)
  extra              optional list of body blocks inserted before the contact section
""",
)


# --- 揭榜结果公示 ---------------------------------------------------------------------

WINNER_ROW_KEYS = ("rank", "bid_title", "lead_name", "score_text")


def _validate_award_publicity(ctx: Mapping) -> None:
    require_row_keys(ctx["winners"], WINNER_ROW_KEYS, label="拟揭榜单位 winners ")
    if not ctx["winners"]:
        raise DocumentContextError("揭榜结果公示至少列出一个拟揭榜单位")
    for n, row in enumerate(ctx["winners"], 1):
        if isinstance(row["rank"], bool) or not isinstance(row["rank"], int) or row["rank"] < 1:
            raise DocumentContextError(f"拟揭榜单位第 {n} 项的 rank 应为正整数")
    days = ctx["working_days"]
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise DocumentContextError("working_days 应为正整数")


def _prepare_award_publicity(data: dict) -> dict:
    data["contact"] = _tidy(data["contact"])
    data["correction_note"] = _tidy(data.get("correction_note") or "")
    return data


AWARD_PUBLICITY = register_type(
    "award_publicity",
    label=_l("揭榜结果公示"),
    template="award_publicity.html",
    title="关于“{challenge_title}”揭榜结果的公示",
    required=("challenge_title", "issuer_name", "winners", "window_start_text", "window_end_text",
              "working_days", "contact"),
    public=True,
    validate=_validate_award_publicity,
    prepare=_prepare_award_publicity,
    doc="""Award result publicity (揭榜结果公示), public; opens the objection window (rule 14).

Context keys:
  challenge_title    str — the challenge (榜单名称); the title is
                     "关于“{challenge_title}”揭榜结果的公示"
  issuer_name        str — 发榜单位
  winners            list of dicts, in ranking order, each with
      rank               int  评审排名
      bid_title          str  项目名称
      lead_name          str  牵头单位
      members            optional str — 联合体成员 ("" or absent when none)
      score_text         str  评审得分, e.g. "86.40"
  window_start_text  str — first day of the window, e.g. "2026年12月1日"
  window_end_text    str — last day (objections until 24:00 Beijing time that day)
  working_days       int — length of the window in working days
  contact            str — contact paragraph (office, telephone)
  correction_note    optional str — why this 公示 corrects an earlier one
""",
)
