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


# --- dashboard panels -------------------------------------------------------------------
# A domain shows a panel on the role home pages (工作台) without editing core templates:
#     register_panel("bids/panel_mine.html", [Role.APPLICANT], order=20,
#                    context=lambda user: {"bids": recent_bids_of(user)})
# The template receives ``panel`` (the dict returned by ``context``) and ``current_user``.


@dataclass(frozen=True)
class Panel:
    template: str
    roles: frozenset[str]
    order: int = 100
    context: object = None  # callable(user) -> dict, or None


_PANELS: list[Panel] = []


def register_panel(template: str, roles, order: int = 100, context=None) -> None:
    panel = Panel(template, frozenset(getattr(r, "value", r) for r in roles), order, context)
    if not any(p.template == template for p in _PANELS):
        _PANELS.append(panel)


def panels_for(user) -> list[dict]:
    role = user.role.value if getattr(user, "is_authenticated", False) else "anonymous"
    return [
        {"template": p.template, "data": p.context(user) if p.context else {}}
        for p in sorted(_PANELS, key=lambda p: (p.order, p.template))
        if role in p.roles
    ]
