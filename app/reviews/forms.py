"""Forms of the expert review: the round's scorecard, scoring, recusal, award,
objections and their handling. Numbers go through the bounded fields."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import FieldList, Form, FormField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from ..core.forms import BaseForm, BoundedDateTimeLocalField, BoundedDecimalField, BoundedIntegerField
from ..core.numbers import db_id
from .models import MAX_PANEL, MAX_SCORE
from .operations import CriterionData
from .rules import MAX_CRITERIA


class _RowForm(Form):
    class Meta:
        bind_field = BaseForm.Meta.bind_field


class CriterionRow(_RowForm):
    name = StringField(_l("评分项"), validators=[Optional(), Length(max=64)])
    description = StringField(_l("说明"), validators=[Optional(), Length(max=300)])
    weight = BoundedIntegerField(_l("权重"), min_value=1, max_value=100, validators=[Optional()])
    max_score = BoundedIntegerField(_l("满分"), min_value=1, max_value=MAX_SCORE, validators=[Optional()])


class RoundForm(BaseForm):
    panel_size = BoundedIntegerField(_l("评审专家人数"), min_value=1, max_value=MAX_PANEL,
                                     validators=[InputRequired(message=_l("请填写评审专家人数"))])
    scoring_deadline_at = BoundedDateTimeLocalField(_l("评分截止时间（北京时间）"), format="%Y-%m-%dT%H:%M",
                                                    validators=[InputRequired(message=_l("请填写评分截止时间"))])
    criteria = FieldList(FormField(CriterionRow), min_entries=1, max_entries=MAX_CRITERIA)

    def criteria_data(self) -> list[CriterionData]:
        """Rows with a name (blank rows are ignored)."""
        return [CriterionData(r.form.name.data, r.form.description.data or "", r.form.weight.data,
                              r.form.max_score.data) for r in self.criteria if r.form.name.data]


class ActionForm(BaseForm):
    """A bare POST (CSRF only): draw, confirm no conflict."""


class ReasonForm(BaseForm):
    reason = TextAreaField(_l("理由"), validators=[DataRequired(message=_l("请填写理由")), Length(max=2000)])


def score_form(criteria, formdata=None, review=None):
    """The scoring form built from the round's criteria rows: score_<id>, comment_<id>."""

    class ScoreForm(BaseForm):
        comment = TextAreaField(_l("总体评价"), validators=[Optional(), Length(max=4000)])

    for c in criteria:
        setattr(ScoreForm, f"score_{c.id}", BoundedDecimalField(
            c.name, min_value=0, max_value=c.max_score, max_places=2, validators=[Optional()],
            render_kw={"inputmode": "decimal"}))
        setattr(ScoreForm, f"comment_{c.id}", TextAreaField(_l("评语"), validators=[Optional(), Length(max=2000)]))
    data = {}
    if review is not None and formdata is None:
        data["comment"] = review.comment
        for c in criteria:
            rating = review.rating_for(c.id)
            if rating is not None:
                data[f"score_{c.id}"] = rating.score
                data[f"comment_{c.id}"] = rating.comment
    form = ScoreForm(formdata=formdata, data=data) if formdata is not None else ScoreForm(data=data)
    form.criteria = criteria
    return form


class AwardForm(BaseForm):
    # Choices are the ranked bids; the operation refuses anything else with the reason.
    bid_ids = SelectMultipleField(_l("拟揭榜单位"), coerce=db_id, choices=[], validate_choice=False)
    rationale = TextAreaField(_l("确定理由（与评审排名不一致时必填）"), validators=[Optional(), Length(max=4000)])


class ObjectionForm(BaseForm):
    name = StringField(_l("真实姓名"), validators=[DataRequired(message=_l("不受理匿名异议：请填写真实姓名")),
                                               Length(max=50)])
    organisation = StringField(_l("工作单位"), validators=[DataRequired(message=_l("请填写工作单位")),
                                                       Length(max=200)])
    phone = StringField(_l("联系电话"), validators=[DataRequired(message=_l("请填写联系电话")), Length(max=32)])
    email = StringField(_l("电子邮箱（答复将发送至此邮箱）"),
                        validators=[DataRequired(message=_l("请填写电子邮箱")), Email(message=_l("电子邮箱格式不正确")),
                                    Length(max=254)])
    content = TextAreaField(_l("异议内容和理由"), validators=[DataRequired(message=_l("请填写异议内容和理由")),
                                                       Length(max=5000)])
    attachment = FileField(_l("证明材料（可选）"))


class ResolveForm(BaseForm):
    outcome = RadioField(_l("处理结论"), choices=[SelectChoice("dismissed", _l("异议不成立")),
                                                   SelectChoice("sustained", _l("异议成立"))],
                         validators=[InputRequired(message=_l("请选择处理结论"))])
    handling = TextAreaField(_l("核查和处理情况"), validators=[DataRequired(message=_l("请填写核查和处理情况")),
                                                        Length(max=5000)])
    revoke_award_id = SelectField(_l("取消的拟揭榜单位（异议成立时可选）"), choices=[], validate_choice=False)


def attach_problems(form, problems) -> None:
    """Show an operation's (field, message) problems next to their fields; problems of
    fields the form does not have are listed above it (``form.form_errors``)."""
    for name, message in problems:
        field = form._fields.get(name) if name else None
        if field is not None:
            field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]
        else:
            form.form_errors.append(message)
