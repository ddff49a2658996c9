"""Documents: staff list, download, zip download, public verification.

Thin: load (404), check ``can_download`` / staff role (403), validate, respond.
"""
from __future__ import annotations

import hashlib
import io
import zipfile
from urllib.parse import quote as url_quote

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, render_template, send_file
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth.models import Role
from ..core import navigation
from ..core.pagination import paginate
from ..core.permissions import role_required
from ..extensions import db
from .forms import VerifyUploadForm, ZipForm
from .issuers import get_issuer
from .models import IssuedDocument, downloadable_types_condition
from .operations import record_export, store
from .queries import find_by_sha256, find_by_verify_code
from .types import all_types

bp = Blueprint("documents", __name__)

STAFF = (Role.ADMIN, Role.BUREAU, Role.FINANCE)
PDF_MAGIC = b"%PDF-"

navigation.register(_l("公文管理"), "documents.index", STAFF, order=60)
navigation.register(_l("公文核验"), "documents.verify", ["anonymous", *[r.value for r in Role]], order=95)


def _type_labels() -> dict[str, str]:
    return {key: str(t.label) for key, t in all_types().items()}


def _issuer_name(key: str) -> str:
    return get_issuer(key)["name"]


@bp.route("/documents/")
@role_required(*STAFF)
def index():
    page = paginate(sa.select(IssuedDocument).where(downloadable_types_condition(current_user))
                    .order_by(IssuedDocument.issued_at.desc(), IssuedDocument.id.desc()))
    return render_template("documents/index.html", page=page, form=ZipForm(),
                           type_labels=_type_labels(), issuer_name=_issuer_name)


@bp.route("/documents/<int:doc_id>/download")
def download(doc_id):
    # A document the user may not download answers exactly like a missing one (404), so
    # ids do not reveal which documents exist; signed-out visitors are asked to log in
    # for both.
    doc = db.session.get(IssuedDocument, doc_id)
    if doc is None or not doc.can_download(current_user):
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        abort(404)
    data = store().get(doc.sha256)
    response = send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                         download_name=doc.filename, etag=doc.sha256, max_age=0)
    # Readable ASCII fallback for clients without RFC 5987 support (instead of digits only).
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"jiebang-document-{doc.id}.pdf\"; "
        f"filename*=UTF-8''{url_quote(doc.filename, safe='')}"
    )
    response.headers["X-Content-SHA256"] = doc.sha256
    return response


@bp.route("/documents/zip", methods=["POST"])
@role_required(*STAFF)
def download_zip():
    form = ZipForm()
    if not form.validate_on_submit():
        return render_template("documents/zip_error.html", form=form), 400
    ids = sorted(set(form.ids.data))
    docs = db.session.scalars(sa.select(IssuedDocument).where(IssuedDocument.id.in_(ids))).all()
    if len(docs) != len(ids) or not all(doc.can_download(current_user) for doc in docs):
        abort(404)  # as for a single download: no difference between missing and not allowed
    record_export(docs, actor=current_user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for doc in sorted(docs, key=lambda d: (d.issuer, d.year, d.seq)):
            # Fixed timestamp: the same selection always gives the same archive.
            info = zipfile.ZipInfo(doc.filename, date_time=(2020, 1, 1, 0, 0, 0))
            archive.writestr(info, store().get(doc.sha256))
    buffer.seek(0)
    return send_file(buffer, mimetype="application/zip", as_attachment=True,
                     download_name=f"documents-{len(docs)}.zip", max_age=0)


@bp.route("/verify/<code>")
def verify_code(code):
    doc = find_by_verify_code(code)
    if doc is None:
        abort(404)
    return render_template("documents/verify_detail.html", doc=doc, type_labels=_type_labels(),
                           issuer_name=_issuer_name, can_download=doc.can_download(current_user))


@bp.route("/verify", methods=["GET", "POST"])
def verify():
    form = VerifyUploadForm()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("documents/verify.html", form=form), status
    limit = current_app.config["MAX_FILE_SIZE"]
    with form.file.data.stream as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        abort(413)
    if not data.startswith(PDF_MAGIC):
        form.file.errors.append(_("上传的文件不是 PDF 文件，无法核验"))
        return render_template("documents/verify.html", form=form), 400
    digest = hashlib.sha256(data).hexdigest()
    doc = find_by_sha256(digest)
    return render_template("documents/verify.html", form=VerifyUploadForm(formdata=None), checked=True,
                           match=doc, digest=digest, size=len(data), type_labels=_type_labels(),
                           issuer_name=_issuer_name)
