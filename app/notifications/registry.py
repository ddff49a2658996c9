"""Notification kinds, registered by the domains that send them.

    register_kind("demand.screened", category="demands",
                  title=_l("您的需求“%(title)s”已审核"), body=_l("审核结果：%(result)s。%(reason)s"),
                  link=lambda p: url_for("demands.detail", demand_id=p["demand_id"]))

``title`` and ``body`` are lazy gettext strings with %(name)s placeholders filled
from the notification's context; they are rendered in each recipient's language.
Categories a user may turn off are registered with ``optional=True``.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Kind:
    name: str
    category: str
    title: object
    body: object
    link: object = None  # callable(context) -> str (a path), or None


@dataclass(frozen=True)
class Category:
    name: str
    label: object
    optional: bool


_KINDS: dict[str, Kind] = {}
_CATEGORIES: dict[str, Category] = {}


def register_category(name: str, label, optional: bool = True) -> None:
    _CATEGORIES[name] = Category(name, label, optional)


def register_kind(name: str, *, category: str, title, body, link=None) -> None:
    if category not in _CATEGORIES:
        raise KeyError(f"unknown notification category {category!r}")
    _KINDS[name] = Kind(name, category, title, body, link)


def kind(name: str) -> Kind:
    return _KINDS[name]


def categories() -> list[Category]:
    return list(_CATEGORIES.values())


def optional_categories() -> list[Category]:
    return [c for c in _CATEGORIES.values() if c.optional]


register_category("account", _l("账号与安全"), optional=False)
register_category("demands", _l("需求征集"))
register_category("challenges", _l("榜单发布与变更"))
register_category("bids", _l("揭榜与开标"))
register_category("reviews", _l("评审与公示"))
