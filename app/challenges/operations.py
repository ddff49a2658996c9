"""Every state change of a challenge. Nothing here commits; the view commits once.

Demand operations (filing and screening) live in ``app/demands/operations.py``.
"""
from __future__ import annotations

import json
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from ..core.errors import AppError, InvalidInput, StateConflict
from ..notifications.operations import followers_of_field, notify
from . import notifications as _kinds  # noqa: F401  (registers the notification kinds)
from ..core.audit import record_event, register_labels
from ..core.timeutil import format_local
from ..core.timeutil import utcnow
from ..core.transitions import TransitionError, transition
from ..extensions import db
from . import signals
from .changes import describe_changes
from .models import Amendment, Challenge, ChallengeKpi, ChallengeState, Comparator, MilestoneCheckpoint, Publication
from .rules import ChallengeData, Limits, challenge_problems, draft_problems, published_window_problems, reconfirm_deadline

register_labels(
    actions={"challenge_created": _l("新建榜单"), "challenge_updated": _l("修改榜单草稿"),
             "challenge_amended": _l("发布榜单变更")},
    entities={"challenges": _l("榜单"), "challenge_publications": _l("榜单发布批次")},
)


class ChallengeError(AppError):
    """A refused demand or challenge operation (mapped by the core hierarchy)."""


class ChallengeInvalid(ChallengeError, InvalidInput):
    """Input breaks a rule; ``problems`` are (field, message) pairs for the form."""

    def __init__(self, problems):
        InvalidInput.__init__(self, list(problems))


class ChallengeConflict(ChallengeError, StateConflict):
    """The object is in the wrong state for this operation (HTTP 409)."""

    status = 409


class PublicationIncomplete(ChallengeInvalid):
    """Some selected challenges cannot be published yet: ``by_challenge`` lists, per
    challenge, every problem at once (not only the first), so the page can link to
    the fix of each."""

    def __init__(self, by_challenge):
        self.by_challenge = [(c, [(f, str(m)) for f, m in found]) for c, found in by_challenge]
        super().__init__([(f, f"{c.title}：{m}") for c, found in self.by_challenge for f, m in found])


def _to_conflict(exc: TransitionError) -> ChallengeConflict:
    return ChallengeConflict(str(exc))


# -- drafts -------------------------------------------------------------------

def _apply(challenge: Challenge, data: ChallengeData) -> None:
    for name in ChallengeData.SCALARS:
        setattr(challenge, name, getattr(data, name))
    _sync_rows(challenge.kpis, data.kpis, ChallengeKpi, lambda k: {
        "name": k.name, "comparator": Comparator(k.comparator), "target_value": k.target_value,
        "unit": k.unit or "", "verification_method": k.verification_method or ""})
    _sync_rows(challenge.milestone_template, data.milestone_template, MilestoneCheckpoint, lambda m: {
        "name": m.name, "month_offset": m.month_offset, "tranche_percent": m.tranche_percent,
        "is_race_checkpoint": bool(m.is_race_checkpoint)})


def _sync_rows(rows: list, items: list, model, values) -> None:
    """Update ordered child rows in place by position (ids stay stable for bids)."""
    for position, item in enumerate(items, start=1):
        if position <= len(rows):
            for key, value in values(item).items():
                setattr(rows[position - 1], key, value)
        else:
            rows.append(model(position=position, **values(item)))
    del rows[len(items):]


def create_challenge(data: ChallengeData, *, actor, demand=None, check: bool = True) -> Challenge:
    """A new draft, saved however incomplete (completeness is checked at publication);
    only values that are wrong, not merely missing, are refused."""
    if check:
        problems = draft_problems(data, limits=Limits.current())
        if problems:
            raise ChallengeInvalid(problems)
    challenge = Challenge(state=ChallengeState.DRAFT, created_by_id=actor.id if actor else None,
                          demand=demand)
    _apply(challenge, data)
    db.session.add(challenge)
    record_event(challenge, "challenge_created", actor=actor,
                 data={"demand_id": demand.id if demand else None})
    return challenge


def update_challenge(challenge: Challenge, data: ChallengeData, *, actor) -> Challenge:
    """Edit a draft (may stay incomplete). Published fields are frozen: use :func:`amend_challenge`."""
    if challenge.state is not ChallengeState.DRAFT:
        raise ChallengeConflict(_("榜单已发布，字段已冻结，不能直接修改；如需变更请使用“发布变更”并说明理由。"))
    problems = draft_problems(data, limits=Limits.current())
    if problems:
        raise ChallengeInvalid(problems)
    _apply(challenge, data)
    record_event(challenge, "challenge_updated", actor=actor)
    return challenge


def publication_problems(challenge: Challenge, *, now: datetime | None = None) -> list[tuple[str, str]]:
    """Everything still missing or wrong before ``challenge`` can be published (all at once)."""
    return challenge_problems(challenge, now=now or utcnow(), limits=Limits.current())


# -- publication ----------------------------------------------------------------

def publish_challenges(challenges: list[Challenge], *, actor, now: datetime | None = None) -> Publication:
    """Publish one or several drafts at once and issue one 榜单发布公告 listing them."""
    now = now or utcnow()
    if not challenges:
        raise ChallengeInvalid([("challenge_ids", _("请至少选择一个榜单"))])
    limits = Limits.current()
    by_challenge = []
    for c in challenges:
        if c.state is not ChallengeState.DRAFT:
            raise ChallengeConflict(_("“%(title)s”当前状态为%(state)s，不能发布：只有草稿可以发布（已发布的榜单"
                                      "如需修改请使用“发布变更”）。", title=c.title, state=c.display_state.label))
    for c in challenges:
        found = challenge_problems(c, now=now, limits=limits)
        if found:
            by_challenge.append((c, found))
    if by_challenge:
        raise PublicationIncomplete(by_challenge)
    publication = Publication(published_at=now, published_by_id=actor.id)
    db.session.add(publication)
    for c in challenges:
        c.published_at = now
        c.publication = publication
        try:
            transition(c, ChallengeState.PUBLISHED, actor)
        except TransitionError as exc:
            raise _to_conflict(exc) from None
    db.session.flush()
    from .notices import issue_publication_notice

    issue_publication_notice(publication, actor=actor)
    for c in challenges:
        signals.challenge_published.send(c, publication=publication)
        notify("challenge.published", followers_of_field(c.field), title=c.title, field=c.field,
               challenge_id=c.id, deadline=format_local(c.bid_deadline_at))
    return publication


def amend_challenge(challenge: Challenge, data: ChallengeData, *, reason: str, actor,
                    now: datetime | None = None) -> Amendment:
    """A recorded change after publication, with its reason; submitted bids must re-confirm."""
    now = now or utcnow()
    if challenge.state is not ChallengeState.PUBLISHED or challenge.is_past_deadline(now):
        raise ChallengeConflict(_("只有揭榜截止前的已发布榜单可以变更"))
    if not (reason or "").strip():
        raise ChallengeInvalid([("reason", _("请填写变更理由"))])
    if data.issuer_id != challenge.issuer_id:
        raise ChallengeInvalid([("issuer_id", _("发布后不能更换发榜单位"))])
    if len(data.kpis) < len(challenge.kpis):
        raise ChallengeInvalid([("kpis", _("发布后不能删除考核指标，可修改其内容或新增指标"))])
    for name in ("bid_opens_at", "bid_deadline_at"):
        # the form shows minutes: an untouched time must not count as a change
        old, new = getattr(challenge, name), getattr(data, name)
        if old is not None and new == old.replace(second=0, microsecond=0):
            setattr(data, name, old)
    limits = Limits.current()
    problems = challenge_problems(data, now=now, limits=limits, published_at=challenge.published_at)
    problems += published_window_problems(challenge, data, now=now)
    if problems:
        raise ChallengeInvalid(problems)
    changes = describe_changes(challenge, data)
    if not changes:
        raise ChallengeInvalid([("reason", _("没有任何字段被修改"))])
    # Every amendment asks submitted bids to re-confirm: bidders keep at least
    # ``reconfirm_min_days`` before the deadline, which moves later when needed.
    extended = reconfirm_deadline(data.bid_deadline_at, now=now, min_days=limits.reconfirm_min_days)
    if extended != data.bid_deadline_at:
        requested = data.bid_deadline_at
        data.bid_deadline_at = extended
        changes = describe_changes(challenge, data)
        note = _("因本次变更须由揭榜方重新确认，揭榜截止时间自动顺延至%(new)s（变更后至少保留%(n)s天；"
                 "原拟定为%(asked)s）", new=format_local(extended), n=limits.reconfirm_min_days,
                 asked=format_local(requested))
        for change in changes:
            if change["field"] == "bid_deadline_at":
                change["note"] = note
        if not any(c["field"] == "bid_deadline_at" for c in changes):  # pragma: no cover - always differs
            raise ChallengeConflict(note)
    _apply(challenge, data)
    amendment = Amendment(challenge=challenge, amended_at=now, amended_by_id=actor.id,
                          reason=reason.strip(),
                          changes_json=json.dumps(changes, ensure_ascii=False))
    db.session.add(amendment)
    record_event(challenge, "challenge_amended", actor=actor, reason=reason.strip(),
                 data={"fields": [c["field"] for c in changes]})
    signals.challenge_amended.send(challenge, amendment=amendment)
    return amendment


# -- deadline -------------------------------------------------------------------

def close_if_due(challenge: Challenge, now: datetime | None = None) -> bool:
    """Close a published challenge whose deadline has passed. Idempotent: True only
    for the call that actually closed it."""
    now = now or utcnow()
    if challenge.state is not ChallengeState.PUBLISHED or not challenge.is_past_deadline(now):
        return False
    challenge.closed_at = now
    transition(challenge, ChallengeState.CLOSED, None, _("揭榜截止时间已到，系统自动截止"),
               data={"deadline": challenge.bid_deadline_at.isoformat()})
    signals.challenge_closed.send(challenge)
    return True


def close_due_challenges(now: datetime | None = None) -> list[Challenge]:
    """Close every published challenge past its deadline (cron and every read).

    Two processes racing here cannot both close a row: the version column makes the
    loser's UPDATE match nothing; it rolls back and reports nothing closed.
    """
    now = now or utcnow()
    due = db.session.scalars(
        select(Challenge).where(Challenge.state == ChallengeState.PUBLISHED,
                                Challenge.bid_deadline_at <= now).order_by(Challenge.id)
    ).all()
    closed = [c for c in due if close_if_due(c, now)]
    if closed:
        try:
            db.session.flush()
        except StaleDataError:
            db.session.rollback()
            return []
    return closed


# -- later stages (called by the reviews and projects domains) --------------------

def _move(challenge: Challenge, to: ChallengeState, actor, reason=None, **data) -> Challenge:
    try:
        return transition(challenge, to, actor, reason, data=data or None)
    except TransitionError as exc:
        raise _to_conflict(exc) from None


def start_review(challenge: Challenge, *, actor, reason: str | None = None) -> Challenge:
    return _move(challenge, ChallengeState.UNDER_REVIEW, actor, reason)


def award_challenge(challenge: Challenge, *, actor, reason: str | None = None) -> Challenge:
    return _move(challenge, ChallengeState.AWARDED, actor, reason)


def start_execution(challenge: Challenge, *, actor, reason: str | None = None) -> Challenge:
    return _move(challenge, ChallengeState.IN_PROGRESS, actor, reason)


def finish_challenge(challenge: Challenge, *, actor, reason: str | None = None) -> Challenge:
    return _move(challenge, ChallengeState.FINISHED, actor, reason)


def cancel_challenge(challenge: Challenge, *, actor, reason: str) -> Challenge:
    """撤榜 with a written reason (kept on the row and in the audit trail)."""
    if not (reason or "").strip():
        raise ChallengeInvalid([("reason", _("撤榜必须填写理由"))])
    with db.session.no_autoflush:  # state and reason reach the database together (CHECK)
        try:
            transition(challenge, ChallengeState.CANCELLED, actor, reason.strip())
        except TransitionError as exc:
            raise _to_conflict(exc) from None
        challenge.cancel_reason = reason.strip()
    if challenge.published_at is not None:
        # Withdrawing a public challenge is announced publicly (撤榜公告), like its publication.
        from .notices import issue_cancellation_notice

        db.session.flush()
        issue_cancellation_notice(challenge, reason=reason.strip(), actor=actor)
    signals.challenge_cancelled.send(challenge, reason=reason.strip())
    return challenge
