"""Writing audit events. Operations call these; nothing here commits."""
from __future__ import annotations

import json

from ..extensions import db
from .models import AuditEvent


def _actor_fields(actor):
    """``actor`` is the acting user, or None for the system (cron, deadlines)."""
    if actor is None:
        return None, "system"
    return actor.id, actor.role.value


def entity_key(obj) -> tuple[str, int]:
    if obj.id is None:
        db.session.flush()
    return obj.__tablename__, obj.id


def record_event(obj, action: str, *, actor=None, reason: str | None = None,
                 from_state=None, to_state=None, data: dict | None = None) -> AuditEvent:
    entity_type, entity_id = entity_key(obj)
    actor_id, actor_role = _actor_fields(actor)
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
    )
    db.session.add(event)
    return event


def history(obj) -> list[AuditEvent]:
    return (
        AuditEvent.query.filter_by(entity_type=obj.__tablename__, entity_id=obj.id)
        .order_by(AuditEvent.created_at, AuditEvent.id)
        .all()
    )
