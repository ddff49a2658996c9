"""Small helpers shared by this package's views."""
from __future__ import annotations

from flask import flash, redirect, render_template
from flask_babel import gettext as _

from ..core.errors import MESSAGES
from ..extensions import db
from .operations import BidError


def error_page(status: int, detail: str, problems: list | None = None):
    """The site's error page with the specific Chinese reason (and every problem found)."""
    db.session.rollback()
    title, message = MESSAGES.get(status, MESSAGES[400])
    if problems and len(problems) > 1:
        detail = "；".join(m for _f, m in problems)
    return render_template("errors/error.html", status=status, title=title, message=message,
                           detail=detail), status


def act(form, call, message, target):
    """The shape of every button: valid form -> one operation -> commit -> flash -> redirect."""
    if not form.validate_on_submit():
        return error_page(400, _("请求无效，请刷新页面后重试"))
    try:
        call()
    except BidError as exc:
        return error_page(exc.status, str(exc), problems=exc.problems)
    db.session.commit()
    flash(message() if callable(message) else message, "success")
    return redirect(target)
