"""Scheduled reminders of the expert review (registered with ``jobs run``): scoring
due within two days, and overdue. Each is sent once per expert and round (the
reviews remember when they were reminded)."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from ..core.timeutil import format_local
from ..extensions import db
from ..notifications.operations import notify
from .models import PENDING, ExpertReview, ReviewRound

DUE_SOON = timedelta(days=2)


def remind_experts(now: datetime) -> dict:
    pending = db.session.scalars(
        sa.select(ExpertReview).join(ReviewRound, ReviewRound.id == ExpertReview.round_id)
        .where(ExpertReview.state.in_(PENDING), ReviewRound.scoring_deadline_at <= now + DUE_SOON)
        .order_by(ExpertReview.round_id, ExpertReview.expert_id, ExpertReview.id)).all()
    groups: dict[tuple[int, int], list[ExpertReview]] = {}
    for review in pending:
        groups.setdefault((review.round_id, review.expert_id), []).append(review)
    sent = {"due_soon": 0, "overdue": 0}
    for (_round_id, expert_id), reviews in groups.items():
        round_ = reviews[0].round
        overdue = now > round_.scoring_deadline_at
        attr = "overdue_reminded_at" if overdue else "due_reminded_at"
        if all(getattr(r, attr) is not None for r in reviews):
            continue
        for r in reviews:
            setattr(r, attr, now)
        notify("review.overdue" if overdue else "review.due_soon", [expert_id], title=round_.challenge.title,
               n=len(reviews), deadline=format_local(round_.scoring_deadline_at))
        sent["overdue" if overdue else "due_soon"] += 1
    return sent
