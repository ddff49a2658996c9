"""Read-side queries: the public portal's search, filters and sorting; list helpers."""
from __future__ import annotations

from sqlalchemy import and_, case, or_, select

from ..auth.models import Organisation
from ..core.timeutil import utcnow
from ..extensions import db
from .models import PUBLIC_STATES, Challenge, ChallengeState

# Statuses the public may filter on (a draft is never public).
PORTAL_STATES = [ChallengeState.PUBLISHED, ChallengeState.CLOSED, ChallengeState.UNDER_REVIEW,
                 ChallengeState.AWARDED, ChallengeState.IN_PROGRESS, ChallengeState.FINISHED,
                 ChallengeState.CANCELLED]


def public_condition():
    return or_(Challenge.state.in_(PUBLIC_STATES),
               and_(Challenge.state == ChallengeState.CANCELLED, Challenge.published_at.is_not(None)))


def state_condition(state: ChallengeState, now=None):
    """Challenges whose state *as shown* is ``state``: a published challenge past its
    deadline counts as closed even before the scheduler has stored the close."""
    now = now or utcnow()
    if state is ChallengeState.PUBLISHED:
        return and_(Challenge.state == ChallengeState.PUBLISHED,
                    or_(Challenge.bid_deadline_at.is_(None), Challenge.bid_deadline_at > now))
    if state is ChallengeState.CLOSED:
        return or_(Challenge.state == ChallengeState.CLOSED,
                   and_(Challenge.state == ChallengeState.PUBLISHED, Challenge.bid_deadline_at <= now))
    return Challenge.state == state


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def portal_select(*, q: str = "", field: str = "", district: str = "", status: str = "",
                  support_min_fen: int | None = None, support_max_fen: int | None = None,
                  sort: str = "deadline"):
    """Public challenges matching the search; every argument optional."""
    stmt = select(Challenge).join(Organisation, Challenge.issuer_id == Organisation.id).where(public_condition())
    if q:
        like = _like(q)
        stmt = stmt.where(or_(
            Challenge.title.ilike(like, escape="\\"),
            Challenge.field.ilike(like, escape="\\"),
            Challenge.problem_statement.ilike(like, escape="\\"),
            Organisation.name.ilike(like, escape="\\"),
            Organisation.short_name.ilike(like, escape="\\"),
        ))
    if field:
        stmt = stmt.where(Challenge.field == field)
    if district:
        stmt = stmt.where(Organisation.district == district)
    if status in {s.value for s in PORTAL_STATES}:
        stmt = stmt.where(state_condition(ChallengeState(status)))
    if support_min_fen is not None:
        stmt = stmt.where(Challenge.support_fen >= support_min_fen)
    if support_max_fen is not None:
        stmt = stmt.where(Challenge.support_fen <= support_max_fen)
    if sort == "newest":
        stmt = stmt.order_by(Challenge.published_at.desc(), Challenge.id.desc())
    elif sort == "support":
        stmt = stmt.order_by(Challenge.support_fen.desc(), Challenge.id)
    else:
        # Open ones first, nearest deadline first; then the rest by deadline.
        open_first = case((state_condition(ChallengeState.PUBLISHED), 0), else_=1)
        stmt = stmt.order_by(open_first, Challenge.bid_deadline_at.asc(), Challenge.id)
    return stmt


def facet_values():
    """Fields and districts that occur among public challenges (for the filter menus)."""
    fields = db.session.scalars(select(Challenge.field).where(public_condition()).distinct()
                                .order_by(Challenge.field)).all()
    districts = db.session.scalars(
        select(Organisation.district).join(Challenge, Challenge.issuer_id == Organisation.id)
        .where(public_condition(), Organisation.district.is_not(None)).distinct()
        .order_by(Organisation.district)).all()
    return fields, districts


def latest_public(limit: int = 5) -> list[Challenge]:
    return db.session.scalars(select(Challenge).where(state_condition(ChallengeState.PUBLISHED))
                              .order_by(Challenge.published_at.desc(), Challenge.id.desc())
                              .limit(limit)).all()
