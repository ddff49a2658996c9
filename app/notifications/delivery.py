"""Outbox handlers: in-app notifications, then e-mail (SMTP) per recipient.

``notify`` messages become one in-app notification per recipient (unique per
message and user, so a redelivery cannot duplicate it) and, when ``MAIL_SERVER`` is
set, one ``email`` message per recipient with an address. E-mails are retried by
the outbox on failure, independently of each other and of the in-app delivery.
"""
from __future__ import annotations

import smtplib
from contextlib import nullcontext
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import sqlalchemy as sa
from flask import current_app, has_request_context, render_template
from flask_babel import force_locale

from ..auth.models import User
from ..core import outbox
from ..extensions import db
from . import registry
from .models import Notification
from .operations import NOTIFY, opted_out

EMAIL = "email"


def _render(kind: registry.Kind, context: dict) -> tuple[str, str, str | None]:
    title = str(kind.title) % context if context else str(kind.title)
    body = str(kind.body) % context if context else str(kind.body)
    link = kind.link(context) if kind.link else None
    return title, body, link


def _url_context():
    if has_request_context():
        return nullcontext()
    base = current_app.config.get("PUBLIC_BASE_URL") or "http://localhost"
    return current_app.test_request_context("/", base_url=base)


def deliver_notify(message) -> None:
    payload = message.payload
    kind = registry.kind(payload["kind"])
    context = payload.get("context") or {}
    category = registry._CATEGORIES[kind.category]
    ids = list(message.recipients)
    skip = opted_out(ids, kind.category) if category.optional else set()
    users = db.session.scalars(sa.select(User).where(User.id.in_(ids))).all()
    already = set(db.session.scalars(sa.select(Notification.user_id).where(Notification.outbox_id == message.id)))
    mail_on = bool(current_app.config.get("MAIL_SERVER"))
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    with _url_context():
        for user in users:
            if user.id in skip or user.id in already or not user.is_active:
                continue
            locale = user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
            with force_locale(locale):
                title, body, link = _render(kind, context)
                db.session.add(Notification(user_id=user.id, outbox_id=message.id, kind=kind.name,
                                            category=kind.category, title=title, body=body, link=link))
                if mail_on and user.email:
                    url = f"{base}{link}" if link else None
                    text = render_template("notifications/mail.txt", title=title, body=body, url=url, user=user)
                    html = render_template("notifications/mail.html", title=title, body=body, url=url, user=user)
                    outbox.enqueue(EMAIL, {"to": user.email, "subject": title, "text": text, "html": html},
                                   [user.id])
    db.session.flush()


def deliver_email(message) -> None:
    payload = message.payload
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        raise RuntimeError("MAIL_SERVER is not configured")
    mail = EmailMessage()
    mail["Subject"] = payload["subject"]
    mail["From"] = config.get("MAIL_DEFAULT_SENDER", "noreply@jiebang.local")
    mail["To"] = payload["to"]
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(idstring=f"outbox{message.id}", domain="jiebang")
    mail.set_content(payload["text"])
    mail.add_alternative(payload["html"], subtype="html")
    with smtplib.SMTP(config["MAIL_SERVER"], config.get("MAIL_PORT", 25),
                      timeout=config.get("MAIL_TIMEOUT", 10)) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
        smtp.send_message(mail)


outbox.register_handler(NOTIFY, deliver_notify)
outbox.register_handler(EMAIL, deliver_email)
