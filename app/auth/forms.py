from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, Optional, ValidationError

from ..core import credit_code
from ..core.forms import BaseForm, BoundedDateField
from ..core.numbers import db_id
from ..core.timeutil import local_today
from .models import OrgType, Role
from .rules import password_problem


def strong_password(form, field):
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


class LoginForm(BaseForm):
    email = EmailField(_l("电子邮箱"), validators=[DataRequired(_l("请输入电子邮箱")), Length(max=254)])
    password = PasswordField(_l("密码"), validators=[DataRequired(_l("请输入密码")), Length(max=200)])
    remember = BooleanField(_l("记住我"))


class ChangePasswordForm(BaseForm):
    current_password = PasswordField(_l("当前密码"), validators=[DataRequired(_l("请输入当前密码"))])
    new_password = PasswordField(_l("新密码"), validators=[DataRequired(_l("请输入新密码")), strong_password])
    confirm = PasswordField(
        _l("确认新密码"), validators=[DataRequired(_l("请再次输入新密码")), EqualTo("new_password", _l("两次输入的新密码不一致"))]
    )


class UserForm(BaseForm):
    email = EmailField(_l("电子邮箱"), validators=[DataRequired(_l("请输入电子邮箱")), Email(_l("电子邮箱格式不正确")), Length(max=254)])
    name = StringField(_l("姓名"), validators=[DataRequired(_l("请输入姓名")), Length(max=100)])
    phone = StringField(_l("联系电话"), validators=[Optional(), Length(max=32)])
    role = SelectField(_l("角色"), choices=Role.choices(), validators=[DataRequired()])
    organisation_id = SelectField(_l("所属单位"), coerce=db_id, validators=[Optional()])
    password = PasswordField(_l("初始密码"), validators=[DataRequired(_l("请输入初始密码")), strong_password])

    def validate_organisation_id(self, field):
        if self.role.data == Role.APPLICANT.value and not field.data:
            raise ValidationError(_l("单位用户必须选择所属单位"))


class UserEditForm(BaseForm):
    name = StringField(_l("姓名"), validators=[DataRequired(_l("请输入姓名")), Length(max=100)])
    phone = StringField(_l("联系电话"), validators=[Optional(), Length(max=32)])
    role = SelectField(_l("角色"), choices=Role.choices(), validators=[DataRequired()])
    organisation_id = SelectField(_l("所属单位"), coerce=int, validators=[Optional()])
    reason = TextAreaField(_l("修改理由"), validators=[Optional(), Length(max=2000)])


class ResetPasswordForm(BaseForm):
    password = PasswordField(_l("新密码"), validators=[DataRequired(_l("请输入新密码")), strong_password])
    confirm = PasswordField(
        _l("确认新密码"), validators=[DataRequired(_l("请再次输入新密码")), EqualTo("password", _l("两次输入的新密码不一致"))]
    )
    reason = TextAreaField(_l("理由"), validators=[Optional(), Length(max=2000)])


class OrganisationForm(BaseForm):
    name = StringField(_l("单位名称"), validators=[DataRequired(_l("请输入单位名称")), Length(max=200)])
    short_name = StringField(_l("简称"), validators=[Optional(), Length(max=100)])
    org_type = SelectField(_l("单位类型"), choices=OrgType.choices(), validators=[DataRequired()])
    credit_code = StringField(
        _l("统一社会信用代码"), validators=[DataRequired(_l("请输入统一社会信用代码")), Length(max=18 * 2)]
    )
    district = StringField(_l("所在区县"), validators=[Optional(), Length(max=64)])
    field = StringField(_l("所属领域"), validators=[Optional(), Length(max=64)])
    reason = TextAreaField(_l("修改理由"), validators=[Optional(), Length(max=2000)])

    def validate_credit_code(self, field):
        problem = credit_code.validation_error(field.data)
        if problem:
            raise ValidationError(problem)
        field.data = credit_code.normalise(field.data)


class BadCreditForm(BaseForm):
    recorded_on = BoundedDateField(_l("认定日期"), validators=[InputRequired(_l("请输入认定日期"))])
    reason = TextAreaField(_l("失信情形"), validators=[DataRequired(_l("请填写失信情形")), Length(max=2000)])
    source = StringField(_l("认定机关/来源"), validators=[Optional(), Length(max=200)])

    def validate_recorded_on(self, field):
        if field.data and field.data > local_today():
            raise ValidationError(_l("认定日期不能晚于今天"))


class ConfirmForm(BaseForm):
    """An empty form: a POST with a CSRF token, for confirmed one-click actions."""

    reason = TextAreaField(_l("理由"), validators=[Optional(), Length(max=2000)])
