"""Assemble the plain-data context a PDF template receives and render it to HTML."""
from __future__ import annotations

from datetime import date

from . import render
from .issuers import JOINT_ISSUERS, get_issuer
from .types import DocumentType


def _marks(names: list[str]) -> list[dict]:
    """Joint marks: shorter names are letter-spaced to the width of the longest (em)."""
    longest = max(len(n) for n in names)
    return [{"name": n, "spacing": round((longest - len(n)) / (len(n) - 1), 3) if len(n) > 1 else 0}
            for n in names]


def header_data(doc_type: DocumentType, *, issuer: str, number: str, title: str,
                issued_on: date, verify_url: str, addressee: str | None = None,
                cc: list[str] | None = None, attachments: list[str] | None = None,
                corrects: str | None = None) -> dict:
    keys = JOINT_ISSUERS if doc_type.joint else (issuer,)
    if doc_type.joint and issuer not in keys:
        keys = (issuer, *[k for k in JOINT_ISSUERS if k != issuer])
    bureaus = [get_issuer(k) for k in keys]
    date_text = f"{issued_on.year}年{issued_on.month}月{issued_on.day}日"
    return {
        "number": number,
        "title": title,
        "joint": doc_type.joint,
        "issuers": _marks([b["name"] for b in bureaus]),
        "signatures": [b["name"] for b in bureaus],
        "addressee": addressee or "",
        "date_text": date_text,
        "attachments": list(attachments or []),
        "cc": list(cc or []),
        "printed_by": get_issuer(issuer)["office"],
        "printed_date_text": date_text,
        "verify_url": verify_url,
        "corrects": corrects or "",
        "qr": render.qr_data_uri(verify_url),
    }


def compose_html(doc_type: DocumentType, context: dict, **header) -> str:
    """Validate ``context`` for ``doc_type`` and render its template to HTML."""
    doc_type.check(context)
    data = doc_type.template_context(context)
    header.setdefault("attachments", doc_type.attachment_names(context))
    data["doc"] = header_data(doc_type, **header)
    return render.render_html(doc_type.template, data)
