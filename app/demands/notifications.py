"""Notification kinds of demands (delivered through the outbox)."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from ..notifications.registry import register_kind

register_kind("demand.accepted", category="demands",
              title=_l("需求“%(title)s”已通过筛选"),
              body=_l("您单位提交的需求已通过科技局筛选，将形成榜单草稿，发布后另行通知。%(reason)s"),
              link=lambda c: url_for("demands.detail", demand_id=c["demand_id"]))
register_kind("demand.rejected", category="demands",
              title=_l("需求“%(title)s”未通过筛选"),
              body=_l("您单位提交的需求未通过科技局筛选。理由：%(reason)s"),
              link=lambda c: url_for("demands.detail", demand_id=c["demand_id"]))
register_kind("demand.returned", category="demands",
              title=_l("需求“%(title)s”被退回补充"),
              body=_l("科技局请您补充需求材料后重新提交。意见：%(reason)s"),
              link=lambda c: url_for("demands.detail", demand_id=c["demand_id"]))
