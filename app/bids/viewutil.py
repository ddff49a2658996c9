"""Small helpers shared by this package's views."""
from __future__ import annotations

from flask import render_template

from ..core.errors import MESSAGES
from ..extensions import db


def error_page(status: int, detail: str, problems: list | None = None):
    """The site's error page with the specific Chinese reason (and every problem found)."""
    db.session.rollback()
    title, message = MESSAGES.get(status, MESSAGES[400])
    if problems and len(problems) > 1:
        detail = "；".join(m for _f, m in problems)
    return render_template("errors/error.html", status=status, title=title, message=message,
                           detail=detail), status
