"""Issuing authorities and their document-number prefixes.

Seeded from the bureaus of the demo data (``shared/data/jiaozuo_demo.json``:
name, short name, ``doc_prefix``), matched to the keys by short name; the built-in
defaults below are used when the file is absent. A deployment overrides them with
``DOCUMENT_ISSUERS`` in the app config, e.g.::

    DOCUMENT_ISSUERS = {"keji": {"name": "…科学技术局", "short": "市科技局", "prefix": "…科",
                                 "office": "…科学技术局办公室"}, ...}
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

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
# Registers of internal records (not 公文): numbered in their own series, kept by a bureau.
# key -> (keeping bureau, number prefix); the number reads 揭榜申报登记2026-0001.
REGISTERS: dict[str, tuple[str, str]] = {
    "bid_register": ("keji", "揭榜申报登记"),
}


@lru_cache(maxsize=4)
def _seeded(paths: tuple[str, ...]) -> dict[str, dict[str, str]]:
    issuers = {key: dict(value) for key, value in DEFAULT_ISSUERS.items()}
    for path in paths:
        try:
            bureaus = json.loads(Path(path).read_text(encoding="utf-8")).get("bureaus", [])
        except (OSError, ValueError):
            continue
        for bureau in bureaus:
            for entry in issuers.values():
                if bureau.get("short") == entry["short"] and bureau.get("name") and bureau.get("doc_prefix"):
                    entry.update(name=bureau["name"], prefix=bureau["doc_prefix"],
                                 office=f"{bureau['name']}办公室")
        return issuers
    return issuers


def issuers() -> dict[str, dict[str, str]]:
    if not current_app:          # outside an application (benchmark, scripts): the defaults
        return _seeded(())
    configured = current_app.config.get("DOCUMENT_ISSUERS")
    if configured:
        return configured
    return _seeded((current_app.config.get("DEMO_DATA_PATH", ""),
                    current_app.config.get("DEMO_DATA_FALLBACK", "")))


def get_issuer(key: str) -> dict[str, str]:
    """The bureau behind ``key``: an issuer (keji, caizheng) or a register (bid_register)."""
    if key in REGISTERS:
        keeper, prefix = REGISTERS[key]
        return dict(get_issuer(keeper), prefix=prefix, register=key)
    try:
        return issuers()[key]
    except KeyError:
        raise DocumentContextError(f"未知的发文机关：{key}") from None


def format_register_number(prefix: str, year: int, seq: int) -> str:
    """揭榜申报登记2026-0001: a register number, visibly not a 发文字号."""
    return f"{prefix}{year}-{seq:04d}"


def format_number(prefix: str, year: int, seq: int) -> str:
    """焦科〔2026〕12号 — no leading zeros, hexagonal brackets 〔〕 (GB/T 9704 §7.2.4)."""
    return f"{prefix}〔{year}〕{seq}号"
