"""Small helpers shared by this package's views."""
from __future__ import annotations

from flask import render_template

from ..core.errors import MESSAGES
from ..extensions import db


def error_page(status: int, detail: str):
    """The site's error page with a specific Chinese explanation (e.g. 409 "fields frozen")."""
    db.session.rollback()
    title, message = MESSAGES.get(status, MESSAGES[400])
    return render_template("errors/error.html", status=status, title=title, message=message,
                           detail=detail), status


def state_history(obj) -> list[dict]:
    """Transitions of ``obj`` (who, when, from, to, why) for status pages, with labels."""
    from ..core.audit import history, state_label

    kind = obj.__tablename__
    return [{"at": e.created_at, "from": state_label(kind, e.from_state) or "—",
             "to": state_label(kind, e.to_state), "actor": e.actor.name if e.actor else None,
             "reason": e.reason}
            for e in history(obj) if e.action == "transition"]
