"""The demand form (需求征集表)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..challenges.forms import FIELD_CHOICES, months_field
from ..core.forms import BaseForm, MoneyField, non_negative
from .operations import DemandData


class DemandForm(BaseForm):
    title = StringField(_l("需求名称"), validators=[DataRequired(_l("请填写需求名称")), Length(max=200)])
    field = SelectField(_l("产业领域"), choices=FIELD_CHOICES, validators=[DataRequired(_l("请选择产业领域"))])
    problem = TextAreaField(_l("技术难题描述"), validators=[Optional(), Length(max=20000)])
    core_indicators = TextAreaField(_l("核心指标"), validators=[Optional(), Length(max=5000)])
    time_limit_months = months_field(_l("完成时限（月）"))
    ip_ownership = TextAreaField(_l("知识产权归属"), validators=[Optional(), Length(max=5000)])
    own_funding = MoneyField(_l("企业自有资金投入（元）"), validators=[Optional(), non_negative])
    solver_conditions = TextAreaField(_l("揭榜方条件"), validators=[Optional(), Length(max=5000)])
    cannot_solve_alone = BooleanField(_l("本单位确认该技术难题无法依靠自身力量解决"))
    contact_name = StringField(_l("联系人"), validators=[Optional(), Length(max=100)])
    contact_phone = StringField(_l("联系电话"), validators=[Optional(), Length(max=32)])

    # DemandData fields that the form shows under another name
    RENAMED = {"own_funding_fen": "own_funding"}
    NULLABLE = ("time_limit_months", "own_funding_fen")

    def to_data(self) -> DemandData:
        values = {name: getattr(self, self.RENAMED.get(name, name)).data for name in DemandData.FIELDS}
        return DemandData(**{k: "" if v is None and k not in self.NULLABLE else v for k, v in values.items()})

    def fill_from(self, demand) -> None:
        for name in DemandData.FIELDS:
            getattr(self, self.RENAMED.get(name, name)).data = getattr(demand, name)
