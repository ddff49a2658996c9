"""Pagination of list pages (query string ``page``), bounded and 404-free."""
from __future__ import annotations

from flask import current_app

from ..extensions import db
from .numbers import query_int

# A page number beyond any real list; larger values (tampered URLs) are clamped so the
# OFFSET never overflows the database's integer type.
MAX_PAGE = 1_000_000


def paginate(select_stmt, per_page: int | None = None):
    # Malformed values ("1e9", "NaN", 5,000 digits) are page 1; larger pages are clamped.
    page = query_int("page", 1, min_value=None, max_value=None) or 1
    page = min(max(page, 1), MAX_PAGE)
    per_page = per_page or current_app.config["PAGE_SIZE"]
    return db.paginate(select_stmt, page=page, per_page=per_page, error_out=False, max_per_page=100)
