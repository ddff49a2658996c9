"""Forms of the documents pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectMultipleField
from wtforms.validators import DataRequired

from ..core.forms import BaseForm
from ..core.numbers import db_id

MAX_ZIP_DOCUMENTS = 100


class VerifyUploadForm(BaseForm):
    file = FileField(_l("待核验的 PDF 文件"), validators=[FileRequired(_l("请选择要核验的 PDF 文件"))])


class ZipForm(BaseForm):
    ids = SelectMultipleField(_l("公文"), coerce=db_id, validate_choice=False,
                              validators=[DataRequired(_l("请至少选择一份公文"))])

    def validate_ids(self, field):
        from wtforms import ValidationError

        if len(field.data) > MAX_ZIP_DOCUMENTS:
            raise ValidationError(_l("一次最多打包 %(n)s 份公文", n=MAX_ZIP_DOCUMENTS))
