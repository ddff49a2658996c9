from __future__ import annotations

from wtforms import SelectField, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from ..core.forms import BaseForm


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PreferencesForm(BaseForm):
    categories = CheckboxesField(choices=[], validate_choice=True)
    locale = SelectField(choices=[])


class FollowForm(BaseForm):
    fields = CheckboxesField(choices=[], validate_choice=True)


class ActionForm(BaseForm):
    """A button: CSRF token only."""
