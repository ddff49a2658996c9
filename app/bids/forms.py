"""Forms for the bid, its attachments, withdrawal and the formal review."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, FieldList, Form, FormField, HiddenField, SelectField, SelectMultipleField,
                     StringField, TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, ValidationError

from ..core.forms import BaseForm, BoundedDateField, BoundedDecimalField, BoundedIntegerField, MoneyField, non_negative
from ..core.money import MAX_AMOUNT_FEN
from ..core.numbers import NumberError, db_id, parse_int
from .models import AttachmentKind
from .operations import BidData
from .rules import PlannedMilestone


MAX_KPI_VALUE = Decimal(10) ** 13  # Numeric(20, 6) keeps 14 integer digits


def reasonable_amount(form, field):
    if field.data is not None and field.data > MAX_AMOUNT_FEN:
        raise ValidationError(_l("金额过大，请检查单位（元）"))


def reasonable_value(form, field):
    if field.data is not None and abs(field.data) >= MAX_KPI_VALUE:
        raise ValidationError(_l("数值过大，请检查"))


def _optional_id(raw) -> int | None:
    """A hidden id field: a bounded non-negative integer, or None when tampered with."""
    try:
        return db_id(raw or "")
    except NumberError:
        return None


def _version_number(raw) -> int | None:
    try:
        return parse_int(raw or "", min_value=0, max_value=2**31 - 1)
    except NumberError:
        return None


class _RowForm(Form):
    """A table row inside a BaseForm (no CSRF of its own; whitespace stripped)."""

    class Meta:
        bind_field = BaseForm.Meta.bind_field


class KpiAnswerRow(_RowForm):
    kpi_id = HiddenField()
    proposed_value = BoundedDecimalField(_l("承诺值"), min_value=-MAX_KPI_VALUE, max_value=MAX_KPI_VALUE,
                                         max_places=6, validators=[Optional(), reasonable_value],
                                  render_kw={"inputmode": "decimal"})
    verification = TextAreaField(_l("验证方式"), validators=[Optional(), Length(max=2000)],
                                 render_kw={"rows": 2})


class MilestoneRow(_RowForm):
    due_on = BoundedDateField(_l("计划完成日期"), validators=[Optional()])
    tranche_percent = BoundedIntegerField(_l("拨付比例（%）"), min_value=-10**6, max_value=10**6, validators=[
        Optional(), NumberRange(min=0, max=100, message=_l("拨付比例须为0到100之间的整数"))],
        render_kw={"min": 0, "max": 100, "data-percent": "1"})
    deliverable = TextAreaField(_l("交付成果"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2})


class BidForm(BaseForm):
    title = StringField(_l("项目名称"), validators=[Optional(), Length(max=200)])
    leader_name = StringField(_l("项目负责人"), validators=[Optional(), Length(max=100)])
    leader_title = StringField(_l("职务/职称"), validators=[Optional(), Length(max=100)])
    leader_phone = StringField(_l("联系电话"), validators=[Optional(), Length(max=32)])
    leader_email = StringField(_l("电子邮箱"), validators=[Optional(), Email(_l("电子邮箱格式不正确")),
                                                          Length(max=254)])
    technical_plan = TextAreaField(_l("技术方案"), validators=[Optional(), Length(max=100_000)],
                                   render_kw={"rows": 12})
    fiscal_support = MoneyField(_l("申请财政支持（元）"), validators=[Optional(), non_negative, reasonable_amount],
                                render_kw={"data-budget": "fiscal"})
    issuer_funding = MoneyField(_l("发榜方投入（元）"), validators=[Optional(), non_negative, reasonable_amount],
                                render_kw={"data-budget": "issuer"})
    self_funding = MoneyField(_l("自筹资金（元）"), validators=[Optional(), non_negative, reasonable_amount],
                              render_kw={"data-budget": "self"})
    # Choices are for display; save_bid checks every id (registered, not the issuer, rule 7)
    # and says why in Chinese, which a tampered form deserves as much as a real one.
    member_ids = SelectMultipleField(_l("联合体成员单位"), coerce=db_id, validators=[Optional()],
                                     validate_choice=False, render_kw={"size": 8})
    kpis = FieldList(FormField(KpiAnswerRow))
    milestones = FieldList(FormField(MilestoneRow))
    base_version = HiddenField(validators=[InputRequired()])
    # The bid's revision when the page was loaded (lost-update check on save).
    revision = HiddenField(validators=[InputRequired()])
    accept_kpi_misses = BooleanField(_l("我已知悉上述指标承诺值未达到榜单要求，仍然提交"))
    action = HiddenField(default="save")

    # Problems of the operations, by field (others go above the form).
    ERROR_FIELDS = {"organisation": "member_ids", "fiscal_support": "fiscal_support",
                    "issuer_funding": "issuer_funding", "self_funding": "self_funding"}
    TABLES = ("kpis", "milestones")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.table_errors: dict[str, list[str]] = {name: [] for name in self.TABLES}
        self.general_errors: list[str] = []

    def attach_problems(self, problems) -> None:
        """Rule problems next to their fields (table problems above the table; anything
        else at the top of the form), so a refused save loses nothing typed."""
        for key, message in problems:
            name = self.ERROR_FIELDS.get(key, key)
            if name in self.table_errors:
                self.table_errors[name].append(message)
                continue
            target = self._fields.get(name)
            if target is None or name in ("csrf_token", "base_version", "revision", "action"):
                self.general_errors.append(message)
            else:
                target.errors = [*target.errors, message]

    def fill_from(self, bid) -> None:
        for name in ("title", "leader_name", "leader_title", "leader_phone", "leader_email", "technical_plan"):
            getattr(self, name).data = getattr(bid, name)
        self.fiscal_support.data = bid.fiscal_support_fen
        self.issuer_funding.data = bid.issuer_funding_fen
        self.self_funding.data = bid.self_funding_fen
        self.member_ids.data = [m.organisation_id for m in bid.members]
        self.base_version.data = str(bid.current_version_no)
        self.revision.data = str(bid.revision or 0)
        while self.kpis.entries:
            self.kpis.pop_entry()
        for kpi in bid.challenge.kpis:
            answer = bid.answer_for(kpi.id)
            self.kpis.append_entry({"kpi_id": str(kpi.id),
                                    "proposed_value": answer.proposed_value if answer else None,
                                    "verification": answer.verification if answer else ""})
        while self.milestones.entries:
            self.milestones.pop_entry()
        for m in bid.milestones:
            self.milestones.append_entry({"due_on": m.due_on, "tranche_percent": m.tranche_percent,
                                          "deliverable": m.deliverable})

    def base_version_number(self) -> int | None:
        return _version_number(self.base_version.data)

    def to_data(self, bid) -> BidData:
        answers = {}
        for row in self.kpis.entries:
            kpi_id = _optional_id(row.form.kpi_id.data)
            if kpi_id is not None:
                answers[kpi_id] = (row.form.proposed_value.data, row.form.verification.data or "")
        milestones = [PlannedMilestone(m.name, row.form.due_on.data, row.form.tranche_percent.data,
                                       row.form.deliverable.data or "")
                      for m, row in zip(bid.milestones, self.milestones.entries)]
        if len(self.milestones.entries) != len(bid.milestones):
            milestones.append(PlannedMilestone("", None, None))  # refused by save_bid
        return BidData(
            title=self.title.data or "", leader_name=self.leader_name.data or "",
            leader_title=self.leader_title.data or "", leader_phone=self.leader_phone.data or "",
            leader_email=self.leader_email.data or "", technical_plan=self.technical_plan.data or "",
            fiscal_support_fen=self.fiscal_support.data, issuer_funding_fen=self.issuer_funding.data,
            self_funding_fen=self.self_funding.data, member_ids=list(self.member_ids.data or []),
            kpi_answers=answers, milestones=milestones, revision=_version_number(self.revision.data))

    def validate_revision(self, field):
        if _version_number(field.data) is None:
            raise ValidationError(_l("请求无效，请刷新页面后重试"))


class SubmitForm(BaseForm):
    base_version = HiddenField(validators=[InputRequired()])
    accept_kpi_misses = BooleanField(_l("我已知悉上述指标承诺值未达到榜单要求，仍然提交"))

    def base_version_number(self) -> int | None:
        return _version_number(self.base_version.data)


class ConfirmForm(BaseForm):
    """A bare POST (CSRF only) for buttons such as 开标 or 重新编辑."""


class WithdrawForm(BaseForm):
    reason = TextAreaField(_l("撤回理由（可选）"), validators=[Optional(), Length(max=2000)])


class AttachmentForm(BaseForm):
    kind = SelectField(_l("附件类别"), choices=AttachmentKind.choices(), validators=[DataRequired()])
    file = FileField(_l("选择文件"), validators=[FileRequired(_l("请选择要上传的文件"))])


class FormalReviewForm(BaseForm):
    is_complete = BooleanField(_l("材料齐全（技术方案、指标响应、预算、里程碑计划完整）"))
    is_eligible = BooleanField(_l("资格符合（非发榜单位、无失信记录、联合体符合规定）"))
    outcome = SelectField(_l("审查结论"), choices=[SelectChoice("", _l("请选择")), SelectChoice("pass", _l("通过")),
                                                SelectChoice("fail", _l("不通过"))],
                          validators=[DataRequired(_l("请选择审查结论"))])
    reason = TextAreaField(_l("书面理由（不通过时必填，将告知申报单位）"), validators=[Optional(), Length(max=5000)],
                           render_kw={"rows": 4})
