"""Issuing authorities and their document-number prefixes.

Defaults follow the demo bureaus (shared/data/jiaozuo_demo.json); a deployment
overrides them with ``DOCUMENT_ISSUERS`` in the app config, e.g.::

    DOCUMENT_ISSUERS = {"keji": {"name": "…科学技术局", "prefix": "…科", "office": "…办公室"}}
"""
from __future__ import annotations

from flask import current_app

from .layout import DocumentContextError

DEFAULT_ISSUERS: dict[str, dict[str, str]] = {
    "keji": {"name": "焦作市科学技术局", "short": "市科技局", "prefix": "焦科",
             "office": "焦作市科学技术局办公室"},
    "caizheng": {"name": "焦作市财政局", "short": "市财政局", "prefix": "焦财",
                 "office": "焦作市财政局办公室"},
}
# A joint document (立项通知书 …) is issued and numbered by the first, signed by both.
JOINT_ISSUERS = ("keji", "caizheng")


def issuers() -> dict[str, dict[str, str]]:
    configured = current_app.config.get("DOCUMENT_ISSUERS") if current_app else None
    return configured or DEFAULT_ISSUERS


def get_issuer(key: str) -> dict[str, str]:
    try:
        return issuers()[key]
    except KeyError:
        raise DocumentContextError(f"未知的发文机关：{key}") from None


def format_number(prefix: str, year: int, seq: int) -> str:
    """焦科〔2026〕12号 — no leading zeros, hexagonal brackets 〔〕 (GB/T 9704 §7.2.4)."""
    return f"{prefix}〔{year}〕{seq}号"
