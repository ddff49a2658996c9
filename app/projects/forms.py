"""Forms of projects. Numbers go through the bounded fields (``1e999999``, ``NaN`` and
5,000-digit strings are field errors); forms with one field per KPI, criterion or
project are built per object."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..core.forms import BaseForm, BoundedDateField, BoundedDecimalField, BoundedIntegerField, MoneyField
from . import rules
from .models import TerminationReason

LIMIT = rules.MEASURE_LIMIT
TEXT = 5000


class ConfirmForm(BaseForm):
    """CSRF only (buttons that act after a confirmation dialog)."""


class AgreementForm(BaseForm):
    file = FileField(_l("签字盖章的揭榜协议（PDF）"), validators=[FileRequired(_l("请选择PDF文件"))])


class SignForm(BaseForm):
    signed_on = BoundedDateField(_l("协议签订日期"), validators=[InputRequired(_l("请填写协议签订日期"))])


class _ProblemsMixin:
    def attach_problems(self, problems) -> None:
        for key, message in problems:
            field = getattr(self, key, None) or getattr(self, "progress", None) or getattr(self, "summary", None)
            if field is None:
                continue
            field.errors = [*(field.errors or []), message]


class _ReportBase(_ProblemsMixin, BaseForm):
    progress = TextAreaField(_l("进展情况"), validators=[DataRequired(_l("请填写进展情况")), Length(max=TEXT)])
    deliverables = TextAreaField(_l("交付成果"), validators=[Optional(), Length(max=TEXT)])
    spent = MoneyField(_l("累计使用资金（元）"), validators=[InputRequired(_l("请填写累计使用资金"))])
    files = MultipleFileField(_l("证明材料（可多选）"))

    kpi_ids: list[int] = []

    def kpi_values(self) -> dict:
        return {kid: (getattr(self, f"kpi_{kid}").data, getattr(self, f"note_{kid}").data or "")
                for kid in self.kpi_ids}


def report_form(project, *, final: bool = False, **kwargs):
    """The milestone-report form (or the final-materials form) with one measured value per KPI."""

    class ReportForm(_ReportBase):
        pass

    if final:
        ReportForm.progress = TextAreaField(_l("项目完成情况总结"),
                                            validators=[DataRequired(_l("请填写项目完成情况总结")), Length(max=TEXT)])
    for kpi in project.kpis:
        setattr(ReportForm, f"kpi_{kpi.id}", BoundedDecimalField(
            kpi.name, validators=[InputRequired(_l("请填写实测值"))], min_value=-LIMIT, max_value=LIMIT))
        setattr(ReportForm, f"note_{kpi.id}", StringField(_l("说明"), validators=[Optional(), Length(max=500)]))
    ReportForm.kpi_ids = [k.id for k in project.kpis]
    return ReportForm(**kwargs)


class PanelForm(BaseForm):
    size = BoundedIntegerField(_l("专家人数"), validators=[InputRequired()], min_value=1, max_value=15,
                               default=rules.PANEL_SIZE)


class DecisionForm(_ProblemsMixin, BaseForm):
    outcome = RadioField(_l("评估结论"), choices=[SelectChoice("pass", _l("通过")), SelectChoice("fix", _l("需整改")), SelectChoice("fail", _l("不通过"))],
                         validators=[InputRequired(_l("请选择评估结论"))])
    reason = TextAreaField(_l("意见和理由"), validators=[Optional(), Length(max=TEXT)])
    fix_due_on = BoundedDateField(_l("整改报告提交期限"), validators=[Optional()])


def score_form(**kwargs):
    class ScoreForm(_ProblemsMixin, BaseForm):
        comment = TextAreaField(_l("评审意见"), validators=[Optional(), Length(max=TEXT)])

    for key, label, maximum in rules.CRITERIA:
        setattr(ScoreForm, key, BoundedDecimalField(
            label, validators=[InputRequired(_l("请评分"))], min_value=0, max_value=maximum, max_places=2))
    return ScoreForm(**kwargs)


class RecuseForm(_ProblemsMixin, BaseForm):
    reason = TextAreaField(_l("回避理由"), validators=[DataRequired(_l("申请回避必须说明理由")), Length(max=1000)])


class ExtensionForm(_ProblemsMixin, BaseForm):
    months = BoundedIntegerField(_l("延期月数"), validators=[InputRequired(_l("请填写延期月数"))],
                                 min_value=1, max_value=120)
    reason = TextAreaField(_l("延期理由"), validators=[DataRequired(_l("请填写延期理由")), Length(max=TEXT)])


class ExtensionDecisionForm(_ProblemsMixin, BaseForm):
    decision = RadioField(_l("审批结果"), choices=[SelectChoice("approve", _l("批准")), SelectChoice("reject", _l("不予批准"))],
                          validators=[InputRequired(_l("请选择审批结果"))])
    note = TextAreaField(_l("审批意见"), validators=[Optional(), Length(max=TEXT)])


def acceptance_decision_form(project, **kwargs):
    class AcceptanceDecisionForm(_ProblemsMixin, BaseForm):
        outcome = RadioField(_l("验收结论"), choices=[SelectChoice("pass", _l("通过")), SelectChoice("fail", _l("不通过"))],
                             validators=[InputRequired(_l("请选择验收结论"))])
        opinion = TextAreaField(_l("验收意见"), validators=[Optional(), Length(max=TEXT)])

    for kpi in project.kpis:
        setattr(AcceptanceDecisionForm, f"measured_{kpi.id}", BoundedDecimalField(
            kpi.name, validators=[InputRequired(_l("请填写专家组核验的实测值"))], min_value=-LIMIT, max_value=LIMIT))
        setattr(AcceptanceDecisionForm, f"met_{kpi.id}", RadioField(
            _l("是否达到"), choices=[SelectChoice("yes", _l("达到")), SelectChoice("no", _l("未达到"))],
            validators=[InputRequired(_l("请判定是否达到"))]))
    form = AcceptanceDecisionForm(**kwargs)
    form.kpi_ids = [k.id for k in project.kpis]
    return form


def race_form(projects, **kwargs):
    class RaceForm(_ProblemsMixin, BaseForm):
        summary = TextAreaField(_l("比较结论"), validators=[Optional(), Length(max=TEXT)])

    for project in projects:
        setattr(RaceForm, f"p{project.id}", RadioField(
            project.title, choices=[SelectChoice("continue", _l("继续实施")), SelectChoice("eliminate", _l("淘汰"))],
            validators=[InputRequired(_l("请作出继续或淘汰的决定"))]))
        setattr(RaceForm, f"reason_{project.id}", TextAreaField(_l("理由"), validators=[Optional(),
                                                                                       Length(max=TEXT)]))
    form = RaceForm(**kwargs)
    form.project_ids = [p.id for p in projects]
    return form


class TerminateForm(_ProblemsMixin, BaseForm):
    reason_code = SelectField(_l("终止原因"), choices=[SelectChoice("", _l("请选择"))] + TerminationReason.choices(),
                              validators=[DataRequired(_l("请选择终止原因"))])
    explanation = TextAreaField(_l("具体情况"), validators=[DataRequired(_l("请说明终止的具体情况")),
                                                          Length(max=TEXT)])
    is_tolerated = BooleanField(_l("承担单位已勤勉尽责，予以容错免责"))
    refund = MoneyField(_l("应退回结余资金（元）"), validators=[InputRequired(_l("请填写应退回的结余资金，没有填0"))])


class RevokeForm(_ProblemsMixin, BaseForm):
    explanation = TextAreaField(_l("撤销的事实和依据"), validators=[DataRequired(_l("请说明撤销的事实和依据")),
                                                                  Length(max=TEXT)])
    recover = MoneyField(_l("追回金额（元）"), validators=[InputRequired(_l("请填写追回金额"))])
