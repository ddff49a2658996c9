"""Notification kinds of projects (delivered through the outbox)."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from ..notifications.registry import register_category, register_kind

register_category("projects", _l("项目实施与验收"))


def _project(c):
    return url_for("projects.detail", project_id=c["project_id"])


def _manage(c):
    return url_for("project_manage.detail", project_id=c["project_id"])


register_kind("project.approved", category="projects",
              title=_l("“%(title)s”已立项，请上传签字盖章的揭榜协议"),
              body=_l("科技局已根据您单位的揭榜申报准备好项目任务书，请核对后上传各方签字盖章的揭榜协议（PDF）。"),
              link=_project)
register_kind("project.signed", category="projects",
              title=_l("“%(title)s”揭榜协议已签订"),
              body=_l("签订日期：%(signed)s。立项通知书和合同摘要已印发，可在项目页下载。"),
              link=_project)
register_kind("milestone.due_soon", category="projects",
              title=_l("里程碑“%(milestone)s”报告将于7天后到期"),
              body=_l("项目“%(title)s”的里程碑“%(milestone)s”报告应于%(due)s前提交。"),
              link=_project)
register_kind("milestone.due_today", category="projects",
              title=_l("里程碑“%(milestone)s”报告今天到期"),
              body=_l("项目“%(title)s”的里程碑“%(milestone)s”报告应于今天（%(due)s）提交。"),
              link=_project)
register_kind("milestone.overdue", category="projects",
              title=_l("里程碑“%(milestone)s”报告已逾期"),
              body=_l("项目“%(title)s”的里程碑“%(milestone)s”报告应于%(due)s提交，现已逾期；逾期提交的报告将被标注。"),
              link=_project)
register_kind("report.submitted", category="projects",
              title=_l("“%(title)s”提交了里程碑报告"),
              body=_l("里程碑“%(milestone)s”的报告（第%(version)s版）已提交，请组织专家评审。"),
              link=_manage)
register_kind("report.assigned", category="projects",
              title=_l("请评审里程碑报告：%(title)s"),
              body=_l("您被抽取为项目“%(title)s”里程碑“%(milestone)s”报告的评审专家。如存在利害关系，请申请回避。"),
              link=lambda c: url_for("projects.review", review_id=c["review_id"]))
register_kind("report.decided", category="projects",
              title=_l("里程碑“%(milestone)s”评估结果：%(result)s"),
              body=_l("项目“%(title)s”的里程碑报告已评审，结果：%(result)s。%(reason)s"),
              link=_project)
register_kind("project.eliminated", category="projects",
              title=_l("“%(title)s”在赛马比较中被淘汰"),
              body=_l("理由：%(reason)s。淘汰通知已印发，尚未拨付的资金不再拨付。"),
              link=_project)
register_kind("project.continues", category="projects",
              title=_l("“%(title)s”通过赛马比较，继续实施"),
              body=_l("科技局已完成本榜单的赛马比较，您单位的项目继续实施。"),
              link=_project)
register_kind("extension.requested", category="projects",
              title=_l("“%(title)s”申请延期%(months)s个月"),
              body=_l("理由：%(reason)s"),
              link=_manage)
register_kind("extension.decided", category="projects",
              title=_l("“%(title)s”的延期申请：%(result)s"),
              body=_l("%(note)s 项目结束日期：%(end)s。"),
              link=_project)
register_kind("acceptance.due", category="projects",
              title=_l("“%(title)s”已到实施期末，请提交验收材料"),
              body=_l("验收材料应于%(due)s前提交。"),
              link=_project)
register_kind("acceptance.overdue", category="projects",
              title=_l("“%(title)s”验收材料已逾期"),
              body=_l("验收材料应于%(due)s前提交，现已逾期。"),
              link=_project)
register_kind("acceptance.submitted", category="projects",
              title=_l("“%(title)s”提交了验收材料"),
              body=_l("请组织验收专家组逐项核验考核指标。"),
              link=_manage)
register_kind("acceptance.decided", category="projects",
              title=_l("“%(title)s”验收结果：%(result)s"),
              body=_l("验收意见书已印发，可在项目页下载。"),
              link=_project)
register_kind("project.ended", category="projects",
              title=_l("“%(title)s”已%(result)s"),
              body=_l("原因：%(reason)s。相关通知已印发，尚未拨付的资金停止拨付。"),
              link=_project)
