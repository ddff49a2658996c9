"""The authorisation pattern every view follows.

    obj = load_or_404(Challenge, challenge_id)     # 404 if missing
    require(obj.can_edit(current_user))            # 403 if not allowed
    form = ...; operations.verb_noun(obj, ...)

Role checks use :func:`role_required`; templates ask ``user.can_*`` predicates or
the navigation built in Python, never compare role strings.
"""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from ..extensions import db
from .urls import MAX_DB_INTEGER


def load_or_404(model, ident):
    if isinstance(ident, int) and not -MAX_DB_INTEGER <= ident <= MAX_DB_INTEGER:
        abort(404)
    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    return obj


def require(allowed: bool) -> None:
    if not allowed:
        abort(403)


def role_required(*roles):
    """Login required (redirect to the login page), then one of ``roles`` (else 403)."""
    wanted = {getattr(r, "value", r) for r in roles}

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role.value not in wanted:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = frozenset(wanted)
        return wrapped

    return decorator
