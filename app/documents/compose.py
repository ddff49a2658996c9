"""Assemble the plain-data context a PDF template receives and render it to HTML."""
from __future__ import annotations

from datetime import date

from urllib.parse import urlparse

from . import render
from .issuers import JOINT_ISSUERS, get_issuer
from .titles import break_title
from .types import DocumentType

LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}


def is_public_url(url: str) -> bool:
    """False for a development address (localhost, 127.x): never printed on a document."""
    host = (urlparse(url).hostname or "").lower()
    return bool(host) and host not in LOOPBACK_HOSTS and not host.startswith("127.") \
        and not host.endswith(".localhost")


def chinese_date(day: date) -> str:
    """The one date style of every document: 2026年12月29日."""
    return f"{day.year}年{day.month}月{day.day}日"


def _marks(names: list[str]) -> list[dict]:
    """Joint marks: shorter names are letter-spaced to the width of the longest (em)."""
    longest = max(len(n) for n in names)
    return [{"name": n, "spacing": round((longest - len(n)) / (len(n) - 1), 3) if len(n) > 1 else 0}
            for n in names]


def header_data(doc_type: DocumentType, *, issuer: str, number: str, title: str,
                issued_on: date, verify_url: str, addressee: str | None = None,
                cc: list[str] | None = None, attachments: list[str] | None = None,
                corrects: str | None = None, dated: date | None = None) -> dict:
    """``issued_on`` is the day of issue (印发日期); ``dated`` the 成文日期 when it differs
    (a 公告 is dated by its publication). A development ``verify_url`` (localhost) is
    not printed: the verification code is, and the QR code carries only the path."""
    keys = JOINT_ISSUERS if doc_type.joint else (issuer,)
    if doc_type.joint and issuer not in keys:
        keys = (issuer, *[k for k in JOINT_ISSUERS if k != issuer])
    bureaus = [get_issuer(k) for k in keys]
    dated = dated or issued_on
    public = is_public_url(verify_url)
    code = verify_url.rstrip("/").rsplit("/", 1)[-1]
    official = doc_type.official
    return {
        "official": official,
        "number": number,
        "number_label": "" if official else "登记号：",
        "title": title,
        "title_lines": break_title(title),
        "created_iso": f"{dated.isoformat()}T00:00:00+08:00",
        "joint": doc_type.joint,
        "issuers": _marks([b["name"] for b in bureaus]),
        "signatures": [b["name"] for b in bureaus],
        "addressee": addressee or "",
        "date_text": chinese_date(dated),
        "attachments": list(attachments or []),
        "cc": list(cc or []),
        "printed_by": get_issuer(issuer)["office"],
        "printed_date_text": chinese_date(issued_on),
        "verify_url": verify_url if public else "",
        "verify_code": code,
        "corrects": corrects or "",
        "qr": render.qr_data_uri(verify_url if public else f"/verify/{code}"),
    }


def compose_html(doc_type: DocumentType, context: dict, **header) -> str:
    """Validate ``context`` for ``doc_type`` and render its template to HTML."""
    doc_type.check(context)
    data = doc_type.template_context(context)
    header.setdefault("attachments", doc_type.attachment_names(context))
    data["doc"] = header_data(doc_type, **header)
    return render.render_html(doc_type.template, data)
