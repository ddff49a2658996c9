"""The 揭榜申报书 (bid summary) for the bureau's files, through the documents engine.

Issued only after the challenge's bids are opened (its title and verification page
name the bidder, so issuing it earlier would break the seal).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core.timeutil import to_local
from ..documents.layout import DocumentContextError, require_row_keys
from ..documents.types import register_type

ROW_KEYS = {
    "kpis": ("name", "target", "proposed", "verification"),
    "milestones": ("name", "due_on", "tranche_percent", "deliverable"),
}


def _validate(ctx) -> None:
    for key, keys in ROW_KEYS.items():
        require_row_keys(ctx[key], keys, label=f"{key} ")
    for key in ("fiscal_support_fen", "issuer_funding_fen", "self_funding_fen"):
        value = ctx["budget"].get(key) if isinstance(ctx["budget"], dict) else None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise DocumentContextError(f"budget.{key} 应为非负整数（分）")


def _prepare(data: dict) -> dict:
    b = data["budget"]
    data["total_fen"] = b["fiscal_support_fen"] + b["issuer_funding_fen"] + b["self_funding_fen"]
    return data


BID_SUMMARY = register_type(
    "bid_summary",
    label=_l("揭榜申报书"),
    template="bid_summary.html",
    title="{challenge_title}揭榜申报书（{lead_name}，第{version_no}版）",
    # A registration record, not a 公文: no red 文件 header, numbered in its own register.
    official=False,
    series="bid_register",
    required=("challenge_title", "issuer_name", "lead_name", "leader", "version_no", "submitted_text",
              "content_sha256", "kpis", "budget", "milestones"),
    validate=_validate,
    prepare=_prepare,
    # The bureau's files: finance may not see bids, so neither their summaries.
    staff_roles=frozenset({"admin", "bureau"}),
    doc="""Bid summary (揭榜申报书) of one submitted bid version, for the bureau's files (not public).

Context keys:
  challenge_title   str  榜单名称
  issuer_name       str  发榜单位
  lead_name         str  牵头单位
  members           list of str — 联合体成员 (may be empty)
  leader            str  项目负责人（姓名、职务、电话）
  version_no        int  submitted version number
  submitted_text    str  submission time in Asia/Shanghai with the zone
  content_sha256    str  SHA-256 of the version's snapshot
  kpis              list of {name, target, proposed, verification}
  budget            {fiscal_support_fen, issuer_funding_fen, self_funding_fen} (int fen)
  milestones        list of {name, due_on, tranche_percent, deliverable}
  attachments_list  list of {name, sha256}
  review            optional str — formal review outcome
""",
)


def _cn_time(moment) -> str:
    """2026年12月31日17时00分（北京时间）: no spaces, so justified text does not stretch."""
    local = to_local(moment)
    return f"{local.year}年{local.month}月{local.day}日{local:%H}时{local:%M}分（北京时间）"


def summary_context(bid, version) -> dict:
    data = version.snapshot
    leader = data["leader"]
    review = bid.review
    return {
        "challenge_title": bid.challenge.title,
        "issuer_name": bid.challenge.issuer.name,
        "lead_name": data["lead"]["name"],
        "members": [m["name"] for m in data["members"]],
        "leader": "，".join(p for p in (leader["name"], leader["title"], leader["phone"]) if p),
        "version_no": version.version_no,
        "submitted_text": _cn_time(version.submitted_at),
        "content_sha256": version.content_sha256,
        "kpis": [{"name": k["name"], "target": k["target"] or "—",
                  "proposed": f"{k['proposed_value'] or '—'} {k['unit']}".strip(),
                  "verification": k["verification"] or "—"} for k in data["kpis"]],
        "budget": {key: data["budget"][key] or 0
                   for key in ("fiscal_support_fen", "issuer_funding_fen", "self_funding_fen")},
        "milestones": [{"name": m["name"], "due_on": m["due_on"] or "—",
                        "tranche_percent": m["tranche_percent"] if m["tranche_percent"] is not None else "—",
                        "deliverable": m["deliverable"] or "—"} for m in data["milestones"]],
        "attachments_list": [{"name": a["name"], "sha256": a["sha256"]} for a in data["attachments"]],
        "review": ("形式审查：" + ("通过" if review.is_passed else f"不通过（{review.reason}）")) if review else "",
    }


def issue_bid_summary(bid, *, actor):
    """Register the summary of the bid's latest submitted version (caller commits).

    One per bid version, guaranteed by the database (``bid_summaries`` is UNIQUE on the
    version): when that version is already registered its record is returned. Two
    requests at once: the version row is locked (PostgreSQL), so the second waits and
    returns the first one's document; where it cannot wait, the unique constraint
    refuses the second (409) — never two numbered documents."""
    import sqlalchemy as sa
    from sqlalchemy.exc import IntegrityError

    from ..documents.operations import issue_document
    from ..extensions import db
    from .models import BidSummary, BidVersion
    from .operations import BidConflict

    latest = bid.latest_version
    version = db.session.scalar(sa.select(BidVersion).where(BidVersion.id == latest.id).with_for_update())
    existing = db.session.scalar(sa.select(BidSummary).where(BidSummary.bid_version_id == version.id))
    if existing is not None and existing.document is not None:
        return existing.document
    claim = BidSummary(bid_version_id=version.id)
    db.session.add(claim)
    try:
        db.session.flush()
    except IntegrityError:  # a colleague is filing (or just filed) this version
        raise BidConflict(_l("该版本的揭榜申报书刚刚已由他人生成，未重复编号，请刷新页面")) from None
    context = summary_context(bid, version)
    doc = issue_document("bid_summary", context, subject=bid, actor=actor,
                         reason=f"第{version.version_no}版")
    claim.document_id = doc.id
    db.session.flush()
    return doc
