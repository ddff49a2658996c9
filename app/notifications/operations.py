"""State changes of notifications. Nothing here commits."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from ..auth.models import Role, User
from ..core import outbox
from ..core.errors import InvalidInput
from ..core.timeutil import utcnow
from ..extensions import db
from . import registry
from .models import FieldFollow, Notification, NotificationOptOut

NOTIFY = "notify"


def notify(kind: str, recipients, **context) -> None:
    """Queue notification ``kind`` for ``recipients`` (users or user ids), delivered
    after the commit. Recipients are de-duplicated; nothing is queued for nobody."""
    registry.kind(kind)  # unknown kinds fail at the call site, inside the transaction
    ids = sorted({getattr(r, "id", r) for r in recipients if r is not None})
    if ids:
        outbox.enqueue(NOTIFY, {"kind": kind, "context": context}, ids)


def users_of_organisations(org_ids) -> list[int]:
    """Active applicant users acting for these organisations."""
    org_ids = [i for i in set(org_ids) if i is not None]
    if not org_ids:
        return []
    return list(db.session.scalars(sa.select(User.id).where(
        User.organisation_id.in_(org_ids), User.role == Role.APPLICANT, User.is_active_flag.is_(True))))


def users_with_role(role: Role) -> list[int]:
    return list(db.session.scalars(sa.select(User.id).where(User.role == role,
                                                            User.is_active_flag.is_(True))))


def followers_of_field(field: str) -> list[int]:
    orgs = db.session.scalars(sa.select(FieldFollow.organisation_id).where(FieldFollow.field == field))
    return users_of_organisations(list(orgs))


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = utcnow()


def mark_all_read(user) -> int:
    table = Notification.__table__
    return db.session.execute(sa.update(table).where(table.c.user_id == user.id, table.c.read_at.is_(None))
                              .values(read_at=utcnow())).rowcount


def save_preferences(user, *, enabled_categories: set[str], locale: str, languages) -> None:
    """Turn optional categories on/off and choose the language of e-mails."""
    optional = {c.name for c in registry.optional_categories()}
    unknown = set(enabled_categories) - optional
    if unknown:
        raise InvalidInput([("categories", _("未知的通知类别"))])
    if locale not in languages:
        raise InvalidInput([("locale", _("不支持的语言"))])
    existing = {o.category: o for o in db.session.scalars(
        sa.select(NotificationOptOut).where(NotificationOptOut.user_id == user.id))}
    for name in optional:
        if name in enabled_categories and name in existing:
            db.session.delete(existing[name])
        elif name not in enabled_categories and name not in existing:
            db.session.add(NotificationOptOut(user_id=user.id, category=name))
    user.locale = locale


def set_field_follows(organisation, fields: set[str], allowed: set[str]) -> None:
    bad = set(fields) - set(allowed)
    if bad:
        raise InvalidInput([("fields", _("未知的产业领域"))])
    current = {f.field: f for f in db.session.scalars(
        sa.select(FieldFollow).where(FieldFollow.organisation_id == organisation.id))}
    for name, row in current.items():
        if name not in fields:
            db.session.delete(row)
    for name in fields - set(current):
        db.session.add(FieldFollow(organisation_id=organisation.id, field=name))


def opted_out(user_ids, category: str) -> set[int]:
    if not user_ids:
        return set()
    return set(db.session.scalars(sa.select(NotificationOptOut.user_id).where(
        NotificationOptOut.user_id.in_(user_ids), NotificationOptOut.category == category)))


def unread_count(user) -> int:
    return db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0
