"""Forms of the expert pool: the profile (own or any expert's), the import, the list filter."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, FieldList, FormField, IntegerField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..core.fields import INDUSTRY_FIELDS
from ..core.forms import BaseForm, RowForm
from .expert_models import MIN_YEAR
from .expert_operations import ExpertData
from .expert_rules import MAX_EMPLOYMENTS, MAX_RELATIONSHIPS

EXTRA_ROWS = 2
_YEAR = NumberRange(min=MIN_YEAR, max=9999, message=_l("请输入四位年份"))


_RowForm = RowForm  # a table row inside a BaseForm (core.forms.RowForm)


class EmploymentRow(_RowForm):
    credit_code = StringField(_l("单位统一社会信用代码"), validators=[Optional(), Length(max=36)])
    start_year = IntegerField(_l("起始年份"), validators=[Optional(), _YEAR])
    end_year = IntegerField(_l("结束年份"), validators=[Optional(), _YEAR])

    @property
    def is_blank(self) -> bool:
        return not (self.credit_code.data or self.start_year.raw_data and self.start_year.raw_data[0]
                    or self.end_year.raw_data and self.end_year.raw_data[0])


class RelationshipRow(_RowForm):
    credit_code = StringField(_l("单位统一社会信用代码"), validators=[Optional(), Length(max=36)])
    reason = StringField(_l("关系说明"), validators=[Optional(), Length(max=500)])

    @property
    def is_blank(self) -> bool:
        return not (self.credit_code.data or self.reason.data)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        allowed = {c.value for c in self.choices}
        bad = [str(v)[:20] for v in self.data or [] if v not in allowed]
        if bad:
            raise ValidationError(_l("不是有效的选择：%(values)s", values="、".join(bad[:5])))


class ExpertProfileForm(BaseForm):
    title = StringField(_l("职称"), validators=[Optional(), Length(max=64)])
    employer_code = StringField(_l("现工作单位（统一社会信用代码）"), validators=[Optional(), Length(max=36)])
    fields = MultiCheckboxField(_l("专业领域"), choices=[SelectChoice(f, f) for f in INDUSTRY_FIELDS])
    employments = FieldList(FormField(EmploymentRow), min_entries=1, max_entries=MAX_EMPLOYMENTS)
    relationships = FieldList(FormField(RelationshipRow), min_entries=1, max_entries=MAX_RELATIONSHIPS)
    is_active = BooleanField(_l("在库（可被抽取参加评审）"))

    def __init__(self, *args, can_set_active: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_set_active:
            del self.is_active
        self.table_errors = {"employments": [], "relationships": []}

    def to_data(self) -> ExpertData:
        return ExpertData(
            title=self.title.data or None,
            employer_code=self.employer_code.data or None,
            fields=list(self.fields.data or []),
            employments=[(r.form.credit_code.data or "", r.form.start_year.data, r.form.end_year.data)
                         for r in self.employments if not r.form.is_blank],
            relationships=[(r.form.credit_code.data or "", r.form.reason.data or "")
                           for r in self.relationships if not r.form.is_blank],
        )

    def fill_from(self, profile) -> None:
        if profile is None:
            self.employments.append_entry()
            self.relationships.append_entry()
            return
        self.title.data = profile.title
        self.employer_code.data = profile.employer.credit_code if profile.employer else ""
        self.fields.data = profile.fields
        if "is_active" in self:
            self.is_active.data = profile.is_active
        while len(self.employments):
            self.employments.pop_entry()
        while len(self.relationships):
            self.relationships.pop_entry()
        for e in profile.employments:
            self.employments.append_entry({"credit_code": e.organisation.credit_code,
                                           "start_year": e.start_year, "end_year": e.end_year})
        for r in profile.relationships:
            self.relationships.append_entry({"credit_code": r.organisation.credit_code, "reason": r.reason})

    def add_blank_rows(self) -> None:
        for _i in range(EXTRA_ROWS):
            if len(self.employments) < MAX_EMPLOYMENTS:
                self.employments.append_entry()
            if len(self.relationships) < MAX_RELATIONSHIPS:
                self.relationships.append_entry()

    def show_problems(self, problems) -> None:
        """Operation problems (field, message) next to the fields that caused them."""
        for key, message in problems:
            if key in self.table_errors:
                self.table_errors[key].append(message)
            elif key in self:
                self[key].errors = list(self[key].errors) + [message]
            else:
                self.form_errors.append(message)


class ImportForm(BaseForm):
    file = FileField(_l("导入文件（.xlsx 或 .csv）"))
