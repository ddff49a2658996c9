"""Notification kinds of demands and challenges (delivered through the outbox)."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from ..notifications.registry import register_kind

register_kind("challenge.published", category="challenges",
              title=_l("新榜单发布：%(title)s"),
              body=_l("您单位关注的“%(field)s”领域发布了新榜单，揭榜截止时间 %(deadline)s。"),
              link=lambda c: url_for("portal.detail", challenge_id=c["challenge_id"]))
