"""Forms for demands, challenges, screening, publication and the public search."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, FieldList, FormField, SelectField, SelectMultipleField, StringField,
                     TextAreaField, ValidationError)
from wtforms.utils import unset_value
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from ..core.fields import INDUSTRY_FIELDS, field_label
from ..core.forms import (BaseForm, BoundedDateTimeLocalField, BoundedDecimalField, BoundedIntegerField, MoneyField,
                          RowForm, non_negative)
from ..core.money import MAX_AMOUNT_FEN
from ..core.numbers import db_id
from ..core.timeutil import local_to_utc, to_local
from .models import Comparator, plain_decimal
from .rules import ChallengeData, KpiData, MilestoneData

FIELD_CHOICES = [SelectChoice("", _l("请选择"))] + [SelectChoice(f, field_label(f)) for f in INDUSTRY_FIELDS]
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
# One blank row to type into (JavaScript adds more in place; without it, "add a row").
EXTRA_ROWS = 1
# Parsing bounds of small counts (months, percentages, slots); the domain range is the
# NumberRange validator with its own message.
MAX_SMALL_INT = 10**6
# KPI targets: Numeric(20, 6) keeps 14 integer digits and 6 decimals.
MAX_KPI_VALUE = Decimal(10) ** 13
# Sizes people may type (the database columns are at least as wide).
MAX_TITLE = 200
MAX_LONG_TEXT = 20000
MAX_TEXT = 5000
MAX_KPI_ROWS = 20
MAX_MILESTONE_ROWS = 12
MAX_MONTH_OFFSET = 120


def max_chars(n: int) -> Length:
    """Length(max=n) whose message names the limit and how much was typed."""
    return Length(max=n, message=_l("不超过%(max)d个字（现有%(length)d个字）"))


class _RowForm(RowForm):
    """A table row inside a BaseForm (no CSRF of its own; whitespace stripped; WTForms'
    own messages in the user's language)."""


class BoundedFieldList(FieldList):
    """A FieldList with a row limit that says so: more than ``limit`` rows posted are
    kept for the re-rendered page (up to ``HARD_CAP``, the parsing bound) and refused
    with a message naming the limit, instead of being dropped silently as WTForms'
    ``max_entries`` does."""

    HARD_CAP = 60

    def __init__(self, *args, limit: int, too_many_message, **kwargs):
        super().__init__(*args, max_entries=max(limit, self.HARD_CAP), **kwargs)
        self.limit = limit
        self.too_many_message = too_many_message
        self.posted = 0

    def process(self, formdata, data=unset_value, extra_filters=None):
        if formdata:
            self.posted = len(set(self._extract_indices(self.name, formdata)))
        super().process(formdata, data, extra_filters=extra_filters)

    def too_many_text(self, n: int) -> str:
        return str(self.too_many_message % {"max": self.limit, "n": n})

    def validate(self, form, extra_validators=()):
        valid = super().validate(form, extra_validators)
        if self.posted > self.limit:
            self.errors = [*self.errors, self.too_many_text(self.posted)]
            return False
        return valid


def months_field(label, **kwargs):
    from ..core.policy import POLICY_SPECS

    return BoundedIntegerField(
        label, validators=[Optional(), PolicyMonths()], min_value=-MAX_SMALL_INT, max_value=MAX_SMALL_INT,
        render_kw={"min": 1, "max": int(POLICY_SPECS["max_time_limit_months"].ceiling)}, **kwargs)


class PolicyMonths:
    """1 to the configured maximum (rule 3); the message names the real limit."""

    def __call__(self, form, field):
        from ..core.policy import policy

        limit = policy("max_time_limit_months")
        if field.data is not None and field.data < 1:
            raise ValidationError(_l("完成时限至少为1个月"))
        if field.data is not None and field.data > limit:
            raise ValidationError(_l("完成时限不超过%(n)s个月", n=limit))


class AttachmentForm(BaseForm):
    file = FileField(_l("附件"), validators=[FileRequired(_l("请选择要上传的文件"))])


class ReasonForm(BaseForm):
    reason = TextAreaField(_l("理由"), validators=[Optional(), max_chars(MAX_TEXT)])


class RequiredReasonForm(BaseForm):
    reason = TextAreaField(_l("理由"), validators=[DataRequired(_l("请填写理由")), max_chars(MAX_TEXT)])


class KpiRow(_RowForm):
    name = StringField(_l("指标名称"), validators=[Optional(), max_chars(200)])
    comparator = SelectField(_l("比较"), choices=[SelectChoice(c.value, c.symbol) for c in Comparator],
                             default=Comparator.GE.value)
    target_value = BoundedDecimalField(_l("目标值"), validators=[Optional()], min_value=-MAX_KPI_VALUE,
                                       max_value=MAX_KPI_VALUE, max_places=6)
    unit = StringField(_l("单位"), validators=[Optional(), max_chars(32)])
    verification_method = StringField(_l("考核方式"), validators=[Optional(), max_chars(2000)])

    @property
    def is_blank(self) -> bool:
        return not (self.name.data or self.target_value.raw_data and self.target_value.raw_data[0]
                    or self.unit.data or self.verification_method.data)


class MilestoneRow(_RowForm):
    name = StringField(_l("节点名称"), validators=[Optional(), max_chars(200)])
    month_offset = BoundedIntegerField(
        _l("第几个月"), min_value=-MAX_SMALL_INT, max_value=MAX_SMALL_INT,
        validators=[Optional(), NumberRange(min=0, max=MAX_MONTH_OFFSET,
                                            message=_l("月份应在第0到第%(max)s个月之间"))])
    tranche_percent = BoundedIntegerField(
        _l("拨付比例（%）"), min_value=-MAX_SMALL_INT, max_value=MAX_SMALL_INT,
        validators=[Optional(), NumberRange(min=0, max=100, message=_l("拨付比例不超过100%%"))])
    is_race_checkpoint = BooleanField(_l("赛马比选节点"))

    @property
    def is_blank(self) -> bool:
        return not (self.name.data or self.month_offset.raw_data and self.month_offset.raw_data[0]
                    or self.tranche_percent.raw_data and self.tranche_percent.raw_data[0])


class ChallengeForm(BaseForm):
    title = StringField(_l("榜单名称"), validators=[DataRequired(_l("请填写榜单名称")), max_chars(MAX_TITLE)])
    field = SelectField(_l("产业领域"), choices=FIELD_CHOICES, validators=[DataRequired(_l("请选择产业领域"))])
    issuer_id = SelectField(_l("发榜单位"), coerce=db_id, validators=[InputRequired(_l("请选择发榜单位"))])
    problem_statement = TextAreaField(_l("需要解决的技术问题"), validators=[Optional(), max_chars(MAX_LONG_TEXT)])
    time_limit_months = months_field(_l("完成时限（月）"))
    support = MoneyField(_l("财政支持金额（元）"), validators=[Optional(), non_negative])
    issuer_funding = MoneyField(_l("发榜方投入（元）"), validators=[Optional(), non_negative])
    ip_terms = TextAreaField(_l("知识产权约定"), validators=[Optional(), max_chars(MAX_TEXT)])
    eligibility = TextAreaField(_l("揭榜条件"), validators=[Optional(), max_chars(MAX_TEXT)])
    contact_name = StringField(_l("联系人"), validators=[Optional(), max_chars(100)])
    contact_phone = StringField(_l("联系电话"), validators=[Optional(), max_chars(32)])
    contact_email = StringField(_l("联系邮箱"), validators=[Optional(), Email(_l("电子邮箱格式不正确")), max_chars(254)])
    bid_opens_at = BoundedDateTimeLocalField(_l("揭榜开始时间（北京时间）"), format=DATETIME_FORMAT, validators=[Optional()],
                                      invalid_value_message=_l("时间格式不正确"))
    bid_deadline_at = BoundedDateTimeLocalField(_l("揭榜截止时间（北京时间）"), format=DATETIME_FORMAT, validators=[Optional()],
                                         invalid_value_message=_l("时间格式不正确"))
    slots = BoundedIntegerField(_l("揭榜名额（赛马制可多个）"), default=1, min_value=-MAX_SMALL_INT, max_value=MAX_SMALL_INT,
                                validators=[InputRequired(_l("请填写揭榜名额")),
                                            NumberRange(min=1, max=20, message=_l("揭榜名额为1到%(max)s个"))])
    kpis = BoundedFieldList(FormField(KpiRow), min_entries=1, limit=MAX_KPI_ROWS,
                            too_many_message=_l("考核指标最多%(max)s项（提交了%(n)s项），请合并或删减后再保存"))
    milestones = BoundedFieldList(FormField(MilestoneRow), min_entries=1, limit=MAX_MILESTONE_ROWS,
                                  too_many_message=_l("里程碑节点最多%(max)s个（提交了%(n)s个），请合并或删减后再保存"))
    reason = TextAreaField(_l("变更理由"), validators=[Optional(), max_chars(MAX_TEXT)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.table_errors = {"kpis": [], "milestones": []}

    # problem keys from rules.py -> the form field that shows the message
    ERROR_FIELDS = {"support_fen": "support", "issuer_funding_fen": "issuer_funding",
                    "milestone_template": "milestones", "challenge_ids": "title"}

    def to_data(self) -> ChallengeData:
        def local(value):
            return local_to_utc(value) if value else None

        kpis = [KpiData(name=r.form.name.data, comparator=r.form.comparator.data,
                        target_value=r.form.target_value.data, unit=r.form.unit.data or "",
                        verification_method=r.form.verification_method.data or "")
                for r in self.kpis if not r.form.is_blank]
        milestones = [MilestoneData(name=r.form.name.data, month_offset=r.form.month_offset.data or 0,
                                    tranche_percent=r.form.tranche_percent.data or 0,
                                    is_race_checkpoint=r.form.is_race_checkpoint.data)
                      for r in self.milestones if not r.form.is_blank]
        return ChallengeData(
            title=self.title.data, field=self.field.data, issuer_id=self.issuer_id.data or None,
            problem_statement=self.problem_statement.data or "", time_limit_months=self.time_limit_months.data,
            support_fen=self.support.data, issuer_funding_fen=self.issuer_funding.data,
            ip_terms=self.ip_terms.data or "", eligibility=self.eligibility.data or "",
            contact_name=self.contact_name.data or "", contact_phone=self.contact_phone.data or "",
            contact_email=self.contact_email.data or "", bid_opens_at=local(self.bid_opens_at.data),
            bid_deadline_at=local(self.bid_deadline_at.data), slots=self.slots.data or 0,
            kpis=kpis, milestone_template=milestones,
        )

    def fill_from(self, challenge) -> None:
        for name in ChallengeData.SCALARS:
            if name.endswith("_fen"):
                continue
            value = getattr(challenge, name)
            if name.endswith("_at") and value is not None:
                value = to_local(value).replace(tzinfo=None)
            getattr(self, name).data = value
        self.support.data = challenge.support_fen
        self.issuer_funding.data = challenge.issuer_funding_fen
        _fill_rows(self.kpis, [{"name": k.name, "comparator": k.comparator.value,
                                "target_value": (Decimal(plain_decimal(k.target_value))
                                                 if k.target_value is not None else None), "unit": k.unit,
                                "verification_method": k.verification_method} for k in challenge.kpis])
        _fill_rows(self.milestones, [{"name": m.name, "month_offset": m.month_offset,
                                      "tranche_percent": m.tranche_percent,
                                      "is_race_checkpoint": m.is_race_checkpoint}
                                     for m in challenge.milestone_template])

    def add_blank_rows(self) -> None:
        """One empty row to type into (the page's script adds more in place)."""
        for rows in (self.kpis, self.milestones):
            for _i in range(EXTRA_ROWS):
                if len(rows) < rows.limit and not any(r.form.is_blank for r in rows):
                    rows.append_entry()

    ADD_ROW_BUTTONS = {"add_kpi": "kpis", "add_milestone": "milestones"}

    def add_row_requested(self, formdata) -> bool:
        """Without JavaScript, an "add a row" button re-renders the form (nothing saved,
        nothing lost) with one more empty row in that table."""
        for button, name in self.ADD_ROW_BUTTONS.items():
            if button in formdata:
                rows = getattr(self, name)
                if len(rows) < rows.limit:
                    rows.append_entry()
                else:
                    self.table_errors[name].append(rows.too_many_text(len(rows) + 1))
                return True
        return False

    def attach_problems(self, problems) -> None:
        """Show rule problems next to their fields (table problems above the table)."""
        for name in self.table_errors:
            for message in getattr(self, name).errors:
                if isinstance(message, str) and message not in self.table_errors[name]:
                    self.table_errors[name].append(message)
        for key, message in problems:
            name = self.ERROR_FIELDS.get(key, key)
            if name in self.table_errors:
                self.table_errors[name].append(message)
                continue
            target = getattr(self, name, None) or self.title
            target.errors = [*target.errors, message]

    def problem_messages(self) -> list[str]:
        return [m for ms in self.table_errors.values() for m in ms]


def _fill_rows(rows: FieldList, values: list[dict]) -> None:
    while len(rows):
        rows.pop_entry()
    for value in values:
        rows.append_entry(value)
    if not len(rows):
        rows.append_entry()


class PublishForm(BaseForm):
    challenge_ids = SelectMultipleField(_l("榜单"), coerce=db_id,
                                        validators=[DataRequired(_l("请至少选择一个榜单"))])


SORTS = {
    "deadline": _l("截止时间最近"),
    "newest": _l("最新发布"),
    "support": _l("支持金额最高"),
}


MAX_SUPPORT_WAN = MAX_AMOUNT_FEN // 1_000_000


class PortalSearchForm(RowForm):
    """GET search of the public portal (no CSRF: it changes nothing)."""

    q = StringField(_l("关键词"), validators=[Optional(), max_chars(100)])
    field = SelectField(_l("产业领域"), validators=[Optional()])
    district = SelectField(_l("所在区县"), validators=[Optional()])
    status = SelectField(_l("状态"), validators=[Optional()])
    support_min = BoundedDecimalField(_l("支持金额下限（万元）"), validators=[Optional()], min_value=0,
                                      max_value=MAX_SUPPORT_WAN, max_places=6)
    support_max = BoundedDecimalField(_l("支持金额上限（万元）"), validators=[Optional()], min_value=0,
                                      max_value=MAX_SUPPORT_WAN, max_places=6)
    sort = SelectField(_l("排序"), choices=[SelectChoice(k, v) for k, v in SORTS.items()], default="deadline", validators=[Optional()])

    def wan_to_fen(self, field) -> int | None:
        # data is bounded (≤ MAX_SUPPORT_WAN, 6 decimals): the product is an exact, small int
        return int(field.data * Decimal(1_000_000)) if field.data is not None and not field.errors else None
