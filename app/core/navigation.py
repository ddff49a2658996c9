"""Role-aware navigation built in Python, so templates never compare role strings.

Each domain registers its entries at import time with :func:`register`.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import url_for


@dataclass(frozen=True)
class NavItem:
    label: object  # lazy string
    endpoint: str
    roles: frozenset[str]
    order: int = 100


_ITEMS: list[NavItem] = []


def register(label, endpoint: str, roles, order: int = 100) -> None:
    item = NavItem(label, endpoint, frozenset(getattr(r, "value", r) for r in roles), order)
    if item not in _ITEMS:
        _ITEMS.append(item)


def items_for(user) -> list[dict]:
    role = user.role.value if getattr(user, "is_authenticated", False) else "anonymous"
    return [
        {"label": str(i.label), "url": url_for(i.endpoint), "endpoint": i.endpoint}
        for i in sorted(_ITEMS, key=lambda i: (i.order, i.endpoint))
        if role in i.roles
    ]
