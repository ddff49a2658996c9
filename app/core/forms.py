"""BaseForm: CSRF (Flask-WTF), whitespace stripping, shared field types."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, FormField, StringField, ValidationError

from .money import MoneyError, format_yuan, yuan_to_fen


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class BaseForm(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = unbound_field.kwargs.get("filters", ())
            structural = issubclass(unbound_field.field_class, (FormField, FieldList))
            if not structural and _strip not in filters:
                unbound_field.kwargs["filters"] = (_strip, *filters)
            return unbound_field.bind(form=form, **options)


class MoneyField(StringField):
    """A yuan amount typed by a person ("1,200,000.50"); ``data`` is integer fen."""

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0] and valuelist[0].strip():
            try:
                self.data = yuan_to_fen(valuelist[0])
            except MoneyError as exc:
                self.data = None
                raise ValueError(str(exc)) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        yuan, cents = divmod(self.data, 100)
        return f"{yuan}.{cents:02d}" if cents else str(yuan)


def non_negative(form, field):
    if field.data is not None and field.data < 0:
        raise ValidationError(_l("金额不能为负数"))


__all__ = ["BaseForm", "MoneyField", "non_negative", "format_yuan"]
