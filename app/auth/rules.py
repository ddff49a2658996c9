"""Pure rules for accounts (easy to unit test)."""
from __future__ import annotations

MIN_PASSWORD_LENGTH = 10


def password_problem(password: str) -> str | None:
    """A Chinese message when ``password`` is too weak, else None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"密码至少需要{MIN_PASSWORD_LENGTH}个字符"
    if password.isdigit() or password.isalpha():
        return "密码须同时包含字母和数字"
    return None


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()
