"""Notification kinds of the expert review, award and publicity (category "reviews")."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from ..notifications.registry import register_kind

register_kind("review.assigned", category="reviews",
              title=_l("您被抽取为“%(title)s”的评审专家"),
              body=_l("请在评分截止时间 %(deadline)s 前完成%(n)s份申报的评审。查看申报前须先确认与申报单位无利益冲突，如有冲突请声明回避。"),
              link=lambda c: url_for("reviews.index"))
register_kind("review.due_soon", category="reviews",
              title=_l("“%(title)s”评分即将截止"),
              body=_l("您还有%(n)s份申报未提交评分，评分截止时间为 %(deadline)s。"),
              link=lambda c: url_for("reviews.index"))
register_kind("review.overdue", category="reviews",
              title=_l("“%(title)s”评分已逾期"),
              body=_l("评分截止时间 %(deadline)s 已过，您还有%(n)s份申报未提交评分，请尽快完成。"),
              link=lambda c: url_for("reviews.index"))
register_kind("review.reopened", category="reviews",
              title=_l("“%(title)s”的评分已退回重评"),
              body=_l("科技局退回了您提交的评分，理由：%(reason)s"),
              link=lambda c: url_for("reviews.index"))
register_kind("review.vacated", category="reviews",
              title=_l("“%(title)s”有专家回避或谢绝，需要补抽"),
              body=_l("专家%(expert)s回避或谢绝评审，理由：%(reason)s"),
              link=lambda c: url_for("review_manage.round_detail", round_id=c["round_id"]))
register_kind("review.all_in", category="reviews",
              title=_l("“%(title)s”的专家评分已全部提交"),
              body=_l("全部评审专家已提交评分，可以查看排名并确定揭榜方。"),
              link=lambda c: url_for("review_manage.ranking", round_id=c["round_id"]))
register_kind("award.published", category="reviews",
              title=_l("“%(title)s”揭榜结果已公示"),
              body=_l("您单位的评审结果：%(result)s。公示期至 %(ends)s，对公示有异议的可在公示期内实名提出。"),
              link=lambda c: url_for("publicity.detail", publicity_id=c["publicity_id"]))
register_kind("objection.filed", category="reviews",
              title=_l("“%(title)s”的揭榜结果公示收到异议"),
              body=_l("%(filed_at)s 收到一件实名异议，请核查处理。"),
              link=lambda c: url_for("review_manage.objection", objection_id=c["objection_id"]))
