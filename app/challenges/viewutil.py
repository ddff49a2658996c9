"""Small helpers shared by this package's views."""
from __future__ import annotations


from ..core.errors import error_page  # noqa: F401  (re-exported for this package's views)


def state_history(obj) -> list[dict]:
    """Transitions of ``obj`` (who, when, from, to, why) for status pages, with labels."""
    from ..core.audit import history, state_label

    kind = obj.__tablename__
    return [{"at": e.created_at, "from": state_label(kind, e.from_state) or "—",
             "to": state_label(kind, e.to_state), "actor": e.actor.name if e.actor else None,
             "reason": e.reason}
            for e in history(obj) if e.action == "transition"]
