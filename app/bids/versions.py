"""Snapshots of a bid (what a submitted version freezes) and the diff between two."""
from __future__ import annotations

import hashlib
import html
import json

import nh3
from flask_babel import gettext as _
from markupsafe import escape

from ..core.money import format_yuan
from .models import Bid

PLAN_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "ol", "ul", "li", "h3", "h4", "blockquote",
             "table", "thead", "tbody", "tr", "th", "td", "sub", "sup"}


def sanitise_plan(text: str) -> str:
    """Rich text through nh3 (no scripts, styles, links or attributes). Plain text
    (no tags) keeps its line breaks as paragraphs."""
    text = (text or "").strip()
    if not text:
        return ""
    if "<" not in text:
        text = "".join(f"<p>{escape(line)}</p>" for line in text.splitlines() if line.strip())
    return nh3.clean(text, tags=PLAN_TAGS, attributes={}, link_rel=None, strip_comments=True).strip()


def _value_text(value) -> str | None:
    if value is None:
        return None
    return format(value.normalize(), "f")


def snapshot(bid: Bid) -> dict:
    """Everything a submitted version freezes, as plain JSON-able data."""
    challenge = bid.challenge
    return {
        "title": bid.title,
        "lead": {"id": bid.organisation_id, "name": bid.organisation.name,
                 "credit_code": bid.organisation.credit_code, "type": bid.organisation.org_type.value},
        "members": [{"id": m.organisation_id, "name": m.organisation.name,
                     "credit_code": m.organisation.credit_code, "type": m.organisation.org_type.value}
                    for m in bid.members],
        "leader": {"name": bid.leader_name, "title": bid.leader_title, "phone": bid.leader_phone,
                   "email": bid.leader_email},
        "technical_plan": bid.technical_plan,
        "budget": {"fiscal_support_fen": bid.fiscal_support_fen, "issuer_funding_fen": bid.issuer_funding_fen,
                   "self_funding_fen": bid.self_funding_fen, "total_fen": bid.total_fen},
        "kpis": [{"kpi_id": k.id, "name": k.name, "target": k.target_text, "comparator": k.comparator.value,
                  "target_value": _value_text(k.target_value),
                  "proposed_value": _value_text(a.proposed_value) if (a := bid.answer_for(k.id)) else None,
                  "unit": k.unit,
                  "verification": a.verification if a else ""} for k in challenge.kpis],
        "milestones": [{"name": m.name, "due_on": m.due_on.isoformat() if m.due_on else None,
                        "deliverable": m.deliverable, "tranche_percent": m.tranche_percent,
                        "is_race_checkpoint": m.is_race_checkpoint} for m in bid.milestones],
        "attachments": [{"id": a.id, "public_id": a.public_id, "name": a.display_name, "kind": a.kind.value, "sha256": a.sha256,
                         "size_bytes": a.size_bytes} for a in bid.current_attachments],
    }


def snapshot_digest(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _money(fen) -> str:
    return format_yuan(fen) if fen is not None else "—"


def _lines(data: dict) -> dict[str, str]:
    """Flatten a snapshot into labelled, comparable lines (label -> text)."""
    lines = {
        _("项目名称"): data["title"],
        _("联合体成员"): "、".join(m["name"] for m in data["members"]) or "—",
        _("项目负责人"): " ".join(p for p in (data["leader"]["name"], data["leader"]["title"]) if p),
        _("负责人联系方式"): " ".join(p for p in (data["leader"]["phone"], data["leader"]["email"]) if p),
        _("技术方案"): html.unescape(nh3.clean(data["technical_plan"], tags=set())),
        _("申请财政支持"): _money(data["budget"]["fiscal_support_fen"]),
        _("发榜方投入"): _money(data["budget"]["issuer_funding_fen"]),
        _("自筹资金"): _money(data["budget"]["self_funding_fen"]),
        _("协议总额"): _money(data["budget"]["total_fen"]),
    }
    for k in data["kpis"]:
        answer = f"{k['proposed_value'] or '—'} {k['unit']}；{k['verification']}"
        lines[_("指标：%(name)s", name=k["name"])] = answer.strip()
    for n, m in enumerate(data["milestones"], 1):
        plan = f"{m['due_on'] or '—'}，{m['tranche_percent']}%，{m['deliverable']}"
        lines[_("里程碑%(n)s：%(name)s", n=n, name=m["name"])] = plan
    lines[_("附件")] = "、".join(f"{a['name']}（{a['sha256'][:12]}）" for a in data["attachments"]) or "—"
    return lines


def diff(old: dict, new: dict) -> list[dict]:
    """Changed lines between two snapshots: [{"label", "old", "new"}]."""
    a, b = _lines(old), _lines(new)
    labels = list(a) + [label for label in b if label not in a]
    return [{"label": label, "old": a.get(label, "—"), "new": b.get(label, "—")}
            for label in labels if a.get(label) != b.get(label)]
