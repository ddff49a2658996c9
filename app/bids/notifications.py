"""Notification kinds of bids (delivered through the outbox).

Contexts name a bid by its public id (``bid``), never by its internal id."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from ..notifications.registry import register_kind


def _bid_link(c):
    return url_for("bids.detail", bid=c["bid"]) if c.get("bid") else None


register_kind("bid.needs_reconfirm", category="bids",
              title=_l("榜单“%(title)s”已变更，请重新确认申报"),
              body=_l("科技局发布了榜单变更（理由：%(reason)s）。您单位已提交的申报须在揭榜截止时间 %(deadline)s 前重新确认，否则不能通过形式审查。"),
              link=_bid_link)
register_kind("bids.opened", category="bids",
              title=_l("榜单“%(title)s”已开标"),
              body=_l("科技局已于 %(opened_at)s 开标，您单位的申报进入形式审查。"),
              link=_bid_link)
register_kind("bid.review_passed", category="bids",
              title=_l("申报“%(title)s”通过形式审查"),
              body=_l("您单位的申报已通过形式审查，将进入专家评审。"),
              link=_bid_link)
register_kind("bid.review_failed", category="bids",
              title=_l("申报“%(title)s”未通过形式审查"),
              body=_l("您单位的申报未通过形式审查。理由：%(reason)s"),
              link=_bid_link)
register_kind("bid.challenge_cancelled", category="bids",
              title=_l("榜单“%(title)s”已撤榜"),
              body=_l("科技局已撤销该榜单（理由：%(reason)s）。您单位的申报不会开标，也不会进入审查；申报内容保持密封。"),
              link=_bid_link)
register_kind("bid.member_named", category="bids",
              title=_l("贵单位被列为“%(title)s”的联合体成员"),
              body=_l("%(lead)s 在榜单“%(challenge)s”的揭榜申报（第%(version)s版）中将贵单位列为联合体成员。贵单位可只读查看该提交版本；如有异议请与牵头单位联系。"),
              link=_bid_link)
