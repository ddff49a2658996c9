"""BaseForm strips whitespace; MoneyField parses yuan into fen."""
from __future__ import annotations

from werkzeug.datastructures import MultiDict
from wtforms import FieldList, StringField, TextAreaField
from wtforms.validators import DataRequired

from app.core.forms import BaseForm, MoneyField, non_negative


class SampleForm(BaseForm):
    class Meta:
        csrf = False

    title = StringField(validators=[DataRequired()])
    body = TextAreaField(filters=[lambda v: v.upper() if v else v])
    amount = MoneyField(validators=[non_negative])
    tags = FieldList(StringField(), min_entries=0)


def _form(app, **data):
    with app.test_request_context(method="POST"):
        form = SampleForm(formdata=MultiDict(data))
        form.validate()
        return form


def test_whitespace_is_stripped_before_validation(app):
    form = _form(app, title="  揭榜挂帅  ", body="  abc \n")
    assert form.title.data == "揭榜挂帅"
    assert form.body.data == "ABC"  # own filters still run, after stripping


def test_blank_after_stripping_fails_required(app):
    form = _form(app, title="   \t ")
    assert form.title.errors


def test_list_fields_are_stripped_per_entry(app):
    form = _form(app, title="x", **{"tags-0": " a ", "tags-1": "b  "})
    assert form.tags.data == ["a", "b"]


def test_money_field(app):
    assert _form(app, title="x", amount=" 1,200,000.50 ").amount.data == 120_000_050
    assert _form(app, title="x", amount="").amount.data is None
    bad = _form(app, title="x", amount="12.345")
    assert bad.amount.data is None and "金额最多保留两位小数" in bad.amount.errors[0]
    assert "金额格式不正确" in _form(app, title="x", amount="一百").amount.errors[0]
    assert "金额不能为负数" in _form(app, title="x", amount="-1").amount.errors[0]


def test_money_field_redisplays_yuan(app):
    with app.test_request_context():
        form = SampleForm(amount=120_000_050)
        assert form.amount._value() == "1200000.50"
        form = SampleForm(amount=500_000_000)
        assert form.amount._value() == "5000000"
