"""Pure rules for accounts (easy to unit test)."""
from __future__ import annotations

from flask_babel import gettext as _

MIN_PASSWORD_LENGTH = 10


def password_problem(password: str) -> str | None:
    """A Chinese message when ``password`` is too weak, else None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("密码至少需要%(n)s个字符", n=MIN_PASSWORD_LENGTH)
    if password.isdigit() or password.isalpha():
        return _("密码须同时包含字母和数字")
    return None


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()
