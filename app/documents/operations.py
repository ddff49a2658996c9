"""Issuing official documents. Nothing here commits: the caller commits once.

    doc = issue_document("notice", {"title": "...", "body": [...]}, subject=challenge,
                         actor=current_user, addressee="各县（市）区科技主管部门")
    # the request's unit of work (or ``with unit_of_work():`` in a command) commits once

The context is validated against the document type BEFORE a number is taken or
anything rendered. Number, rendering, storage and the row happen inside a SAVEPOINT:
a failure at any step rolls back to it, so the caller's transaction stays usable, no
number is consumed and no row exists. (A PDF already written to the content-addressed
store by a failed issue is an unreferenced blob; it is never served.)
"""
from __future__ import annotations

import io
import secrets
from datetime import date

from flask import current_app

from flask_babel import lazy_gettext as _l

from ..core.audit import record_event, register_labels
from ..core.db import savepoint
from ..core.storage import BlobStore
from ..core.timeutil import local_today, utcnow
from ..extensions import db
from . import fonts, render
from .compose import compose_html
from .issuers import format_number, format_register_number, get_issuer
from .layout import DocumentContextError
from .models import IssuedDocument
from .numbering import allocate_number
from .queries import documents_for, subject_key  # noqa: F401  (re-exported for callers)
from .types import get_type

__all__ = ["DocumentContextError", "correct_document", "documents_for", "issue_document",
           "store"]

MAX_TITLE = 300

register_labels(
    actions={"document_issued": _l("发出公文"), "document_corrected": _l("更正公文"),
             "documents_exported": _l("打包下载公文")},
    entities={"issued_documents": _l("公文"), "document_counters": _l("公文编号")},
)


def store() -> BlobStore:
    return BlobStore(current_app.config["DOCUMENT_STORE"])


def verify_url(code: str) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/verify/{code}"


def _page_count(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def issue_document(doc_type: str, context: dict, *, subject=None, issuer: str = "keji",
                   title: str | None = None, actor, addressee: str | None = None,
                   cc: list[str] | None = None, corrects: IssuedDocument | None = None,
                   reason: str | None = None, dated: date | None = None) -> IssuedDocument:
    """Number, render, store and record one official document (see module docstring).

    ``doc_type`` is a key registered in :mod:`app.documents.types`; ``context`` holds
    the plain data its template needs (documented on the type); ``subject`` is the ORM
    object (or ``(entity type, id)``) the document belongs to; ``issuer`` is ``"keji"``
    (焦科) or ``"caizheng"`` (焦财); ``actor`` is the issuing user (None = system).
    ``dated`` is the 成文日期 when it is not the day of issue (a 公告 is dated by the
    publication it announces). A type with a register ``series`` (an internal record
    such as the 揭榜申报书) is numbered in that register, not in the issuer's 发文字号.
    Raises :class:`DocumentContextError` for bad input and
    :class:`render.DocumentRenderError` / :class:`fonts.FontsUnavailable` when no PDF can
    be produced — in every case nothing is issued.
    """
    kind = get_type(doc_type)
    kind.check(context)
    get_issuer(issuer)
    if kind.series:
        issuer = kind.series
    title = (title or kind.title_for(context)).strip()
    if not title or len(title) > MAX_TITLE:
        raise DocumentContextError(f"公文标题不能为空且不超过 {MAX_TITLE} 字")
    if addressee is not None and len(addressee) > MAX_TITLE:
        raise DocumentContextError(f"主送机关不超过 {MAX_TITLE} 字")
    subject_type, subject_id = subject_key(subject)
    fonts.ensure_cjk_fonts()

    issued_on = local_today()
    code = secrets.token_urlsafe(9)
    with savepoint(db.session):  # a real one on SQLite too (see core.db.savepoint)
        seq = allocate_number(issuer, issued_on.year)
        fmt = format_register_number if kind.series else format_number
        number = fmt(get_issuer(issuer)["prefix"], issued_on.year, seq)
        html = compose_html(kind, context, issuer=issuer, number=number, title=title,
                            issued_on=issued_on, verify_url=verify_url(code), addressee=addressee,
                            cc=cc, corrects=corrects.number if corrects else None, dated=dated)
        pdf = render.html_to_pdf(html, seed=f"{number}|{code}")
        digest = store().put(pdf)
        doc = IssuedDocument(
            doc_type=doc_type, issuer=issuer, year=issued_on.year, seq=seq, number=number,
            title=title, addressee=addressee, is_public=kind.public, is_joint=kind.joint,
            subject_type=subject_type, subject_id=subject_id, sha256=digest,
            size_bytes=len(pdf), page_count=_page_count(pdf), verify_code=code,
            corrects_id=corrects.id if corrects else None, issued_at=utcnow(),
            issued_by_id=actor.id if actor is not None else None,
        )
        db.session.add(doc)
        db.session.flush()
        record_event(doc, "document_issued", actor=actor, reason=reason,
                     data={"number": number, "type": doc_type, "sha256": digest,
                           "subject": f"{subject_type}:{subject_id}" if subject_type else None,
                           "corrects": corrects.number if corrects else None})
    return doc


def correct_document(old: IssuedDocument, context: dict, *, actor, reason: str,
                     title: str | None = None, addressee: str | None = None,
                     cc: list[str] | None = None) -> IssuedDocument:
    """Issue a corrected version of ``old``: a new number, a reference to the old one.

    The old document stays as it was (immutable) and is marked superseded by the
    reference; its verification page points to the correction.
    """
    if not (reason and reason.strip()):
        raise DocumentContextError("更正公文必须说明理由")
    new = issue_document(
        old.doc_type, context, subject=(old.subject_type, old.subject_id) if old.subject_type else None,
        issuer=old.issuer, title=title, actor=actor,
        addressee=addressee if addressee is not None else old.addressee, cc=cc, corrects=old,
        reason=reason,
    )
    record_event(old, "document_corrected", actor=actor, reason=reason,
                 data={"number": old.number, "corrected_by": new.number})
    return new


def record_export(docs, *, actor) -> None:
    """An export (zip of issued documents) is a security-relevant event: who took which."""
    from ..core.audit import append_event

    append_event("issued_documents", 0, "documents_exported", actor=actor,
                 data={"numbers": [d.number for d in docs], "count": len(docs)})
