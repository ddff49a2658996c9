"""BaseForm: CSRF (Flask-WTF), whitespace stripping, shared field types."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (DateField, DateTimeLocalField, DecimalField, FieldList, Form, FormField, IntegerField,
                     StringField, ValidationError)
from wtforms.validators import StopValidation

from .money import MoneyError, format_yuan, yuan_to_fen
from .numbers import NumberError, check_date, parse_decimal, parse_int


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


class RowForm(Form):
    """A plain WTForms form (a table row inside a BaseForm, a GET search form): no CSRF
    of its own, whitespace stripped like BaseForm, and WTForms' own messages ("Not a
    valid integer value.") in the user's language through Flask-WTF's translations."""

    class Meta:
        bind_field = BaseForm.Meta.bind_field

        def get_translations(self, form):
            from flask import current_app, has_request_context
            from flask_wtf.i18n import translations

            if has_request_context() and current_app.config.get("WTF_I18N_ENABLED", True):
                return translations
            return super().get_translations(form)


class _ParsedField:
    """A field whose text is parsed in ``process_formdata``: when parsing failed, its
    message is the only error (validators such as NumberRange would only repeat it)."""

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()
        super().pre_validate(form)


class MoneyField(_ParsedField, StringField):
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


class BoundedDecimalField(_ParsedField, DecimalField):
    """A decimal number within [min_value, max_value] with at most ``places`` decimals.

    Parsed by :func:`app.core.numbers.parse_decimal` (plain notation, bounded length),
    so ``1e999999``, ``NaN``, ``sNaN`` and ``Infinity`` are field errors, never
    exceptions or seconds of CPU. ``data`` is a finite Decimal or None.
    """

    def __init__(self, label=None, validators=None, *, min_value, max_value, max_places=6, **kwargs):
        kwargs.setdefault("places", None)
        super().__init__(label, validators, **kwargs)
        self.min_value, self.max_value, self.max_places = min_value, max_value, max_places

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0] and valuelist[0].strip():
            try:
                self.data = parse_decimal(valuelist[0], min_value=self.min_value,
                                          max_value=self.max_value, places=self.max_places)
            except NumberError as exc:
                raise ValueError(str(exc)) from None


class BoundedIntegerField(_ParsedField, IntegerField):
    """An integer within [min_value, max_value] (both required: think about them)."""

    def __init__(self, label=None, validators=None, *, min_value, max_value, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.min_value, self.max_value = min_value, max_value

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0] and valuelist[0].strip():
            try:
                self.data = parse_int(valuelist[0], min_value=self.min_value, max_value=self.max_value)
            except NumberError as exc:
                raise ValueError(str(exc)) from None


# WTForms' own messages, translated by its catalogue (not ours: kept out of extraction).
_WTFORMS_INVALID_DATE = "Not a valid date value."
_WTFORMS_INVALID_DATETIME = "Not a valid datetime value."


class BoundedDateField(_ParsedField, DateField):
    """A date between :data:`~app.core.numbers.MIN_DATE` and ``MAX_DATE`` (0001-01-01 and
    9999-12-31 would overflow time-zone and working-day arithmetic)."""

    def process_formdata(self, valuelist):
        if valuelist and len(" ".join(map(str, valuelist))) > 40:
            self.data = None
            raise ValueError(self.invalid_value_message or self.gettext(_WTFORMS_INVALID_DATE))
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None  # blank: Optional / InputRequired decide
            return
        super().process_formdata(valuelist)
        try:
            check_date(self.data)
        except NumberError as exc:
            self.data = None
            raise ValueError(str(exc)) from None


class BoundedDateTimeLocalField(_ParsedField, DateTimeLocalField):
    """A local date and time within the same bounds as :class:`BoundedDateField`."""

    def process_formdata(self, valuelist):
        if valuelist and len(" ".join(map(str, valuelist))) > 40:
            self.data = None
            raise ValueError(self.invalid_value_message or self.gettext(_WTFORMS_INVALID_DATETIME))
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None  # blank: Optional / InputRequired decide
            return
        super().process_formdata(valuelist)
        try:
            check_date(self.data.date() if self.data else None)
        except NumberError as exc:
            self.data = None
            raise ValueError(str(exc)) from None


def non_negative(form, field):
    if field.data is not None and field.data < 0:
        raise ValidationError(_l("金额不能为负数"))


__all__ = ["BaseForm", "RowForm", "BoundedDateField", "BoundedDateTimeLocalField", "BoundedDecimalField",
           "BoundedIntegerField", "MoneyField", "non_negative", "format_yuan"]
