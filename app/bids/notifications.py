"""Notification kinds of bids (delivered through the outbox)."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from ..notifications.registry import register_kind

register_kind("bid.needs_reconfirm", category="bids",
              title=_l("榜单“%(title)s”已变更，请重新确认申报"),
              body=_l("科技局发布了榜单变更（理由：%(reason)s）。您单位已提交的申报须在揭榜截止时间 %(deadline)s 前重新确认，否则不能通过形式审查。"),
              link=lambda c: url_for("bids.detail", bid_id=c["bid_id"]))
register_kind("bids.opened", category="bids",
              title=_l("榜单“%(title)s”已开标"),
              body=_l("科技局已于 %(opened_at)s 开标，您单位的申报进入形式审查。"),
              link=lambda c: url_for("bids.detail", bid_id=c["bid_id"]))
register_kind("bid.review_passed", category="bids",
              title=_l("申报“%(title)s”通过形式审查"),
              body=_l("您单位的申报已通过形式审查，将进入专家评审。"),
              link=lambda c: url_for("bids.detail", bid_id=c["bid_id"]))
register_kind("bid.review_failed", category="bids",
              title=_l("申报“%(title)s”未通过形式审查"),
              body=_l("您单位的申报未通过形式审查。理由：%(reason)s"),
              link=lambda c: url_for("bids.detail", bid_id=c["bid_id"]))
