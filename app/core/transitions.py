"""State machines as data.

A domain declares one :class:`TransitionTable` per entity: which (from, to) moves
exist and which roles may make them. :func:`transition` is the only way a state
column changes; it refuses moves not in the table and writes the audit event.
``SYSTEM`` stands for automatic moves (cron, deadlines) made with no user.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from flask_babel import gettext as _

from .audit import record_event
from .errors import StateConflict

SYSTEM = "system"


class TransitionError(StateConflict):
    """A state change that the entity's transition table does not allow (409)."""

    def __init__(self, message: str, *, from_state=None, to_state=None):
        super().__init__(message)
        self.from_state = from_state
        self.to_state = to_state


@dataclass
class TransitionTable:
    enum: type
    moves: dict[tuple, frozenset[str]] = field(default_factory=dict)
    reason_required: set[tuple] = field(default_factory=set)

    def add(self, frm, to, roles: Iterable[str], *, reason_required: bool = False):
        self.moves[(frm, to)] = frozenset(getattr(r, "value", r) for r in roles)
        if reason_required:
            self.reason_required.add((frm, to))
        return self

    def allows(self, frm, to, role: str) -> bool:
        return role in self.moves.get((frm, to), frozenset())

    def targets(self, frm, role: str) -> list:
        return [to for (f, to), roles in self.moves.items() if f == frm and role in roles]

    def edges(self):
        """(from, to, roles) triples, for diagrams and for tests that walk the machine."""
        return [(f, t, sorted(r)) for (f, t), r in self.moves.items()]


def transition(obj, to, actor, reason: str | None = None, *, state_attr: str = "state",
               data: dict | None = None):
    """Move ``obj`` to state ``to`` on behalf of ``actor`` (a user, or None for system)."""
    table: TransitionTable = type(obj).__transitions__
    frm = getattr(obj, state_attr)
    role = SYSTEM if actor is None else actor.role.value
    if (frm, to) not in table.moves:
        raise TransitionError(
            _("不允许的状态变更：%(a)s → %(b)s", a=getattr(frm, "label", frm), b=getattr(to, "label", to)),
            from_state=frm, to_state=to,
        )
    if not table.allows(frm, to, role):
        raise TransitionError(
            _("当前角色无权执行此状态变更：%(a)s → %(b)s", a=getattr(frm, "label", frm), b=getattr(to, "label", to)),
            from_state=frm, to_state=to,
        )
    if (frm, to) in table.reason_required and not (reason and reason.strip()):
        raise TransitionError(_("此操作必须填写理由"), from_state=frm, to_state=to)
    setattr(obj, state_attr, to)
    record_event(obj, "transition", actor=actor, reason=reason, from_state=frm, to_state=to,
                 data=data)
    return obj
