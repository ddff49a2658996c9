"""The 榜单发布公告, issued through the documents engine (app/documents)."""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from ..core.timeutil import SHANGHAI, local_to_utc, to_local
from ..extensions import db


def deadline_text(value: datetime) -> str:
    """'2026年12月31日17:00' in Asia/Shanghai (the notice adds （北京时间）)."""
    local = to_local(value)
    return f"{local.year}年{local.month}月{local.day}日{local:%H:%M}"


def batch_name(publication) -> str:
    """'2026年度第3批': publications counted within the local calendar year."""
    from .models import Publication

    year = to_local(publication.published_at).year
    start = local_to_utc(datetime(year, 1, 1, tzinfo=SHANGHAI))
    n = db.session.scalar(select(func.count(Publication.id)).where(
        Publication.published_at >= start, Publication.id <= publication.id))
    return f"{year}年度第{n}批"


def publication_notice_context(publication) -> dict:
    """Plain data for the ``challenge_publication`` document type (no ORM objects)."""
    challenges = list(publication.challenges)
    deadlines = sorted({c.bid_deadline_at for c in challenges})
    if len(deadlines) == 1:
        batch_deadline = deadline_text(deadlines[0])
    else:
        batch_deadline = f"附件所列各榜单规定的时间，最早为{deadline_text(deadlines[0])}"
    from ..documents.compose import is_public_url

    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    portal = f"（{base}/challenges）" if is_public_url(base) else ""   # never a localhost address
    return {
        "batch_name": batch_name(publication),
        "bid_deadline_text": batch_deadline,
        "contact": f"各榜单的技术问题、考核指标、联系人及联系方式详见焦作市“揭榜挂帅”管理平台榜单大厅{portal}。",
        "challenges": [
            {
                "title": c.title,
                "field": c.field,
                "issuer_name": c.issuer.name,
                "support_fen": c.support_fen,
                "time_limit_months": c.time_limit_months,
                "slots": c.slots,
                "bid_deadline_text": deadline_text(c.bid_deadline_at),
                "eligibility": c.eligibility or "",
            }
            for c in challenges
        ],
    }


def issue_publication_notice(publication, *, actor):
    from ..documents.operations import issue_document

    # A 公告 is dated by the publication it announces (成文日期), whenever it is issued.
    return issue_document("challenge_publication", publication_notice_context(publication),
                          subject=publication, issuer="keji", actor=actor,
                          dated=to_local(publication.published_at).date())


def notices_for(challenge, user) -> list:
    """Issued documents about a challenge that ``user`` may download (the public sees
    public notices such as the 榜单发布公告)."""
    from ..documents.operations import documents_for

    issued = documents_for(challenge.publication) if challenge.publication is not None else []
    issued += documents_for(challenge)  # e.g. the 揭榜结果公示 and its corrections
    return [d for d in issued if d.can_download(user)]
