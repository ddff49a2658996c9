"""Enums with translatable display labels, stored as VARCHAR + CHECK constraint."""
from __future__ import annotations

import enum

import sqlalchemy as sa
from flask_babel import lazy_gettext


class LabelledEnum(str, enum.Enum):
    """A string enum whose members carry a (lazily translated) display label.

    Declare members as ``DRAFT = "draft", lazy_gettext("草稿")``.
    """

    def __new__(cls, value: str, label=None):
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj._label = label if label is not None else value
        return obj

    @property
    def label(self) -> str:
        return str(self._label)

    def __str__(self) -> str:  # pragma: no cover - debugging aid
        return self.value

    @classmethod
    def choices(cls) -> list:
        """Options for a WTForms SelectField (labels translated when rendered)."""
        from wtforms.fields.choices import SelectChoice

        return [SelectChoice(m.value, m._label) for m in cls]


def EnumType(enum_cls: type[enum.Enum], name: str) -> sa.Enum:
    """Column type storing ``enum_cls`` values as text with a CHECK constraint.

    The constraint is named ``ck_<table>_<name>`` by the metadata naming convention,
    so a value outside the enum is refused by the database itself.
    """
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        length=32,
        values_callable=lambda e: [m.value for m in e],
    )


_ = lazy_gettext
