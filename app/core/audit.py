"""Writing audit events. Operations call these; nothing here commits."""
from __future__ import annotations

import json

from flask_babel import lazy_gettext as _l

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
