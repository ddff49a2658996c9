"""The outbox: side effects written in the request's transaction, delivered after it.

An operation calls :func:`enqueue` (``notifications.notify`` does); the row is part
of the same transaction, so a rollback leaves nothing to deliver. After the commit
the unit of work calls :func:`dispatch_after_commit`, which delivers this
transaction's messages; ``jobs run`` calls :func:`dispatch_due` to retry failures
with exponential back-off. A message is claimed with a conditional UPDATE before it
is handled, so concurrent dispatchers (several app instances, cron) never deliver
it twice. Handlers are registered per kind by the domain that owns the kind.
"""
from __future__ import annotations

import json
import logging
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from ..extensions import db
from .models import OutboxMessage
from .timeutil import utcnow

log = logging.getLogger("jiebang.outbox")

_HANDLERS: dict[str, callable] = {}
SESSION_KEY = "outbox_new_ids"
CLAIM_SECONDS = 300
MAX_ATTEMPTS = 12


@sa.event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session):
    # Messages of a rolled-back transaction do not exist: nothing to deliver.
    session.info.pop(SESSION_KEY, None)


def register_handler(kind: str, handler) -> None:
    """``handler(message)`` delivers one message; it may write rows (in the dispatch
    transaction) and enqueue further messages; it raises to ask for a retry."""
    _HANDLERS[kind] = handler


def enqueue(kind: str, payload: dict, recipients: list | None = None) -> OutboxMessage:
    message = OutboxMessage(kind=kind, payload_json=json.dumps(payload, ensure_ascii=False, sort_keys=True,
                                                               default=str),
                            recipients_json=json.dumps(list(recipients or [])), attempts=0,
                            next_attempt_at=utcnow(), created_at=utcnow())
    db.session.add(message)
    db.session.flush()
    db.session.info.setdefault(SESSION_KEY, []).append(message.id)
    return message


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes, at most 6 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def _claim(message_id: int) -> bool:
    now = utcnow()
    table = OutboxMessage.__table__
    result = db.session.execute(
        sa.update(table)
        .where(table.c.id == message_id, table.c.sent_at.is_(None),
               sa.or_(table.c.claimed_until.is_(None), table.c.claimed_until < now))
        .values(claimed_until=now + timedelta(seconds=CLAIM_SECONDS)))
    db.session.commit()
    return result.rowcount == 1


def deliver(message_id: int) -> bool:
    """Claim and deliver one message; True when it was delivered by this call."""
    if not _claim(message_id):
        return False
    message = db.session.get(OutboxMessage, message_id)
    handler = _HANDLERS.get(message.kind)
    try:
        if handler is None:
            raise LookupError(f"no outbox handler for {message.kind!r}")
        handler(message)
        message.sent_at = utcnow()
        message.claimed_until = None
        message.last_error = None
        db.session.commit()
    except Exception as exc:  # delivery failed: record it and retry later
        db.session.rollback()
        log.warning("outbox message %s (%s) failed: %s", message_id, getattr(message, "kind", "?"), exc)
        message = db.session.get(OutboxMessage, message_id)
        message.attempts += 1
        message.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
        message.claimed_until = None
        message.next_attempt_at = (utcnow() + backoff(message.attempts)
                                   if message.attempts < MAX_ATTEMPTS else None)
        db.session.commit()
        return False
    return True


def _take_new_ids() -> list[int]:
    return db.session.info.pop(SESSION_KEY, [])


def dispatch_after_commit() -> None:
    """Deliver the messages the just-committed transaction wrote (and those that
    their handlers enqueue). Failures stay in the outbox for ``jobs run``."""
    if not current_app.config.get("OUTBOX_DISPATCH_AFTER_COMMIT", True):
        _take_new_ids()
        return
    pending = _take_new_ids()
    while pending:
        following: list[int] = []
        for message_id in pending:
            try:
                deliver(message_id)
            except Exception:  # never fail a request that has already committed
                db.session.rollback()
                log.exception("outbox dispatch of %s failed", message_id)
            # taken now: a later sibling's failure rolls back and would forget them
            following += _take_new_ids()
        pending = following


def dispatch_due(limit: int = 500) -> dict:
    """Deliver every message that is due (new or waiting for a retry)."""
    now = utcnow()
    ids = db.session.scalars(
        sa.select(OutboxMessage.id).where(OutboxMessage.sent_at.is_(None),
                                          OutboxMessage.next_attempt_at.is_not(None),
                                          OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id).limit(limit)).all()
    db.session.rollback()
    delivered = 0
    for message_id in ids:
        delivered += deliver(message_id)
        for new_id in _take_new_ids():
            delivered += deliver(new_id)
    return {"due": len(ids), "delivered": delivered}
