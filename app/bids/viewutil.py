"""Small helpers shared by this package's views."""
from __future__ import annotations

from flask import flash, redirect
from flask_babel import gettext as _

from ..core.errors import error_page


def act(form, call, message, target):
    """The shape of every button: valid form -> one operation -> commit -> flash -> redirect."""
    if not form.validate_on_submit():
        return error_page(400, _("请求无效，请刷新页面后重试"))
    call()
    flash(message() if callable(message) else message, "success")
    return redirect(target)
