"""Forms of the holiday-calendar admin pages (节假日安排)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from .calendar_models import NAME_MAX, SOURCE_MAX, DayKind
from .calendar_rules import CalendarInputError, clean_name, parse_date
from .forms import BaseForm


class DayForm(BaseForm):
    day = StringField(_l("日期"), validators=[DataRequired(_l("请填写日期"))],
                      render_kw={"placeholder": "2027-01-01", "maxlength": 10})
    kind = SelectField(_l("类型"), choices=DayKind.choices(), default=DayKind.HOLIDAY.value,
                       validators=[DataRequired(_l("请选择类型"))],
                       validate_choice=False)
    name = StringField(_l("名称"), validators=[DataRequired(_l("请填写节日名称（如 元旦、春节）"))],
                       render_kw={"maxlength": NAME_MAX, "placeholder": "元旦"})

    def validate_day(self, field):
        try:
            field.parsed = parse_date(field.data)
        except CalendarInputError as exc:
            raise ValidationError(str(exc)) from None

    def validate_kind(self, field):
        if field.data not in {k.value for k in DayKind}:
            raise ValidationError(_l("类型无效，请选择“放假”或“调休上班”"))

    def validate_name(self, field):
        try:
            field.data = clean_name(field.data)
        except CalendarInputError as exc:
            raise ValidationError(str(exc)) from None


class CompleteForm(BaseForm):
    source = StringField(_l("依据"), validators=[
        DataRequired(_l("请填写依据（如 国务院办公厅关于2027年部分节假日安排的通知 及其文号）")),
        Length(max=SOURCE_MAX, message=_l("依据不能超过 %(max)d 个字符"))],
        render_kw={"maxlength": SOURCE_MAX})


class ReopenForm(BaseForm):
    reason = TextAreaField(_l("撤销理由"), validators=[
        DataRequired(_l("请填写撤销完成标记的理由")),
        Length(max=500, message=_l("理由不能超过 %(max)d 个字符"))])


class ImportForm(BaseForm):
    file = FileField(_l("CSV 文件"), validators=[FileRequired(_l("请选择要导入的 CSV 文件"))])


class ConfirmForm(BaseForm):
    """A button that changes something: CSRF only."""
