"""The audit trail: an append-only hash chain. Operations call :func:`record_event`;
nothing here commits.

Every event is chained to the previous one: ``hash = SHA-256(prev_hash ||
canonical serialisation)``. Appending first moves the single head row
(``UPDATE audit_chain_head SET height = height + 1``): on PostgreSQL its row lock
makes a concurrent appender wait for this transaction and then read the new head;
on SQLite the write lock serialises writers. The unique height and prev_hash
columns make a fork impossible even if that were bypassed. :func:`verify_chain`
recomputes everything and names the first broken event.

Reading events is explicit: :func:`visible_events_select` applies the filters that
domains register (the bids domain hides sealed bids' events); the chain itself and
``verify`` see every row.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timezone

import sqlalchemy as sa
from flask import g, has_request_context, request
from flask_babel import lazy_gettext as _l

from ..extensions import db
from .models import AuditChainHead, AuditEvent
from .timeutil import utcnow

GENESIS = "0" * 64


def _actor_fields(actor):
    """``actor`` is the acting user, or None for the system (cron, deadlines)."""
    if actor is None:
        return None, "system"
    return actor.id, actor.role.value


def canonical(event: AuditEvent) -> bytes:
    """The serialisation the hash covers: every recorded field, in a fixed order."""
    created = event.created_at.astimezone(timezone.utc).replace(tzinfo=None).isoformat(timespec="microseconds")
    fields = {
        "height": event.height, "entity_type": event.entity_type, "entity_id": event.entity_id,
        "action": event.action, "from_state": event.from_state, "to_state": event.to_state,
        "actor_id": event.actor_id, "actor_role": event.actor_role,
        "organisation_id": event.organisation_id, "reason": event.reason, "data": event.data_json,
        "request_id": event.request_id, "ip_address": event.ip_address, "created_at": created,
    }
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def chain_hash(prev_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical(event)).hexdigest()


def _advance_head() -> tuple[int, str]:
    """Take the next height (locking the head) and return (height, previous hash)."""
    table = AuditChainHead.__table__
    conn = db.session.connection()
    moved = conn.execute(sa.update(table).where(table.c.id == 1).values(height=table.c.height + 1))
    if moved.rowcount == 0:
        # First event ever (or an emptied test database): start from the last event.
        last = conn.execute(sa.select(AuditEvent.height, AuditEvent.hash)
                            .order_by(AuditEvent.height.desc()).limit(1)).first()
        try:
            with conn.begin_nested():  # a concurrent first appender may insert it too
                conn.execute(sa.insert(table).values(id=1, height=(last.height if last else 0) + 1,
                                                     head_hash=last.hash if last else GENESIS))
        except sa.exc.IntegrityError:  # it did (and committed): move the head it created
            conn.execute(sa.update(table).where(table.c.id == 1).values(height=table.c.height + 1))
    row = conn.execute(sa.select(table.c.height, table.c.head_hash).where(table.c.id == 1)).one()
    return row.height, row.head_hash


def _request_fields():
    if not has_request_context():
        return None, None
    return g.get("request_id"), request.remote_addr


def entity_key(obj) -> tuple[str, int]:
    if obj.id is None:
        db.session.flush()
    return obj.__tablename__, obj.id


def record_event(obj, action: str, *, actor=None, reason: str | None = None,
                 from_state=None, to_state=None, data: dict | None = None) -> AuditEvent:
    entity_type, entity_id = entity_key(obj)
    return append_event(entity_type, entity_id, action, actor=actor, reason=reason,
                        from_state=from_state, to_state=to_state, data=data)


def append_event(entity_type: str, entity_id: int, action: str, *, actor=None, reason=None,
                 from_state=None, to_state=None, data: dict | None = None,
                 organisation_id: int | None = None) -> AuditEvent:
    """Append one event to the chain (in the caller's transaction)."""
    actor_id, actor_role = _actor_fields(actor)
    request_id, ip = _request_fields()
    if organisation_id is None and actor is not None:
        organisation_id = getattr(actor, "organisation_id", None)
    event = AuditEvent(
        entity_type=entity_type,
        entity_id=entity_id,
        action=action,
        from_state=getattr(from_state, "value", from_state),
        to_state=getattr(to_state, "value", to_state),
        actor_id=actor_id,
        actor_role=actor_role,
        reason=reason,
        data_json=json.dumps(data, ensure_ascii=False, sort_keys=True, default=str) if data else None,
        organisation_id=organisation_id,
        request_id=request_id,
        ip_address=ip,
        created_at=utcnow(),
    )
    # The head moves now (plain SQL, no autoflush), so the event's height is fixed
    # at record time; the row itself is inserted with the caller's next flush.
    event.height, event.prev_hash = _advance_head()
    event.hash = chain_hash(event.prev_hash, event)
    db.session.add(event)
    head = AuditChainHead.__table__
    db.session.connection().execute(sa.update(head).where(head.c.id == 1).values(head_hash=event.hash))
    return event


# -- reading ---------------------------------------------------------------------------
# Domains register read filters: ``register_read_filter(fn)`` where ``fn(viewer)``
# returns a SQL condition on AuditEvent (or None) that rows must meet to be shown.

_READ_FILTERS: list = []


def register_read_filter(fn) -> None:
    _READ_FILTERS.append(fn)


def visible_events_select(viewer, stmt=None):
    """Audit events ``viewer`` may read, for log pages and exports."""
    stmt = stmt if stmt is not None else sa.select(AuditEvent)
    for fn in _READ_FILTERS:
        condition = fn(viewer)
        if condition is not None:
            stmt = stmt.where(condition)
    return stmt


@dataclass
class ChainHead:
    height: int
    hash: str


def chain_head() -> ChainHead:
    row = db.session.execute(sa.select(AuditEvent.height, AuditEvent.hash)
                             .order_by(AuditEvent.height.desc()).limit(1)).first()
    return ChainHead(row.height, row.hash) if row else ChainHead(0, GENESIS)


@dataclass
class ChainProblem:
    height: int
    event_id: int | None
    reason: str


def verify_chain(batch: int = 5000) -> tuple[int, ChainProblem | None]:
    """Recompute the chain; returns (events checked, first problem or None).

    The chain is checked up to the head row read first (events appended meanwhile
    are left for the next run); ending short of it, or on another hash, means
    events were cut off the end."""
    head = db.session.execute(sa.select(AuditChainHead.height, AuditChainHead.head_hash)
                              .where(AuditChainHead.id == 1)).first()
    prev = GENESIS
    expected_height = 1
    checked = 0
    last_height = 0
    while True:
        stmt = sa.select(AuditEvent).where(AuditEvent.height > last_height)
        if head is not None:
            stmt = stmt.where(AuditEvent.height <= head.height)
        rows = db.session.scalars(stmt.order_by(AuditEvent.height).limit(batch)).all()
        if not rows:
            if head is not None and last_height < head.height:
                return checked, ChainProblem(last_height + 1, None,
                                             f"the chain ends at height {last_height}, its head records "
                                             f"height {head.height}: events were removed")
            if head is not None and prev != head.head_hash:
                return checked, ChainProblem(last_height, None, "the newest event does not match the head's hash")
            return checked, None
        for event in rows:
            if event.height != expected_height:
                return checked, ChainProblem(expected_height, None, f"missing event at height {expected_height}")
            if event.prev_hash != prev:
                return checked, ChainProblem(event.height, event.id, "prev_hash does not match the previous event")
            if chain_hash(prev, event) != event.hash:
                return checked, ChainProblem(event.height, event.id, "hash does not match the event's content")
            prev = event.hash
            expected_height += 1
            checked += 1
            last_height = event.height
        db.session.expunge_all()


def history(obj) -> list[AuditEvent]:
    """Every event of ``obj``, for pages that have already checked access to it."""
    return db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.entity_type == obj.__tablename__,
                                    AuditEvent.entity_id == obj.id)
        .order_by(AuditEvent.height)).all()


# --- display of the audit trail -------------------------------------------------------
# Domains register Chinese labels for their actions and entity types (lazy strings):
#     register_labels(actions={"bid_submitted": _l("提交揭榜方案")}, entities={"bids": _l("揭榜方案")})
# State values of transition events are shown with the entity's own enum labels.

_ACTION_LABELS: dict[str, object] = {}
_ENTITY_LABELS: dict[str, object] = {}
# Actions only administrators may read in the audit log (logins and logouts: when each
# person works is not the bureau's business).
_ADMIN_ONLY_ACTIONS: set[str] = set()


def register_labels(*, actions: dict | None = None, entities: dict | None = None,
                    admin_only: set[str] | frozenset[str] | tuple = ()) -> None:
    _ACTION_LABELS.update(actions or {})
    _ENTITY_LABELS.update(entities or {})
    _ADMIN_ONLY_ACTIONS.update(admin_only)


def admin_only_actions() -> frozenset[str]:
    return frozenset(_ADMIN_ONLY_ACTIONS)


def _admin_only_filter(viewer):
    """Logins and logouts (when each person works) are for administrators' eyes only."""
    if getattr(viewer, "is_authenticated", False) and viewer.role.value == "admin":
        return None
    actions = admin_only_actions()
    return AuditEvent.action.not_in(actions) if actions else None


register_read_filter(_admin_only_filter)


def action_label(action: str) -> str:
    return str(_ACTION_LABELS.get(action, action))


def entity_label(entity_type: str) -> str:
    return str(_ENTITY_LABELS.get(entity_type, entity_type))


def _entity_class(entity_type: str):
    for mapper in db.Model.registry.mappers:
        if getattr(mapper.class_, "__tablename__", None) == entity_type:
            return mapper.class_
    return None


def state_label(entity_type: str, value: str | None) -> str:
    """The display label of a stored state value, via the entity's transition table."""
    if value is None:
        return ""
    table = getattr(_entity_class(entity_type), "__transitions__", None)
    try:
        return table.enum(value).label if table is not None else value
    except ValueError:
        return value


register_labels(
    actions={"transition": _l("状态变更"), "policy_changed": _l("修改政策参数")},
    entities={"policy_settings": _l("政策参数")},
)
