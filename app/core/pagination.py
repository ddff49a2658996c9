"""Pagination of list pages (query string ``page``), bounded and 404-free."""
from __future__ import annotations

from flask import current_app, request

from ..extensions import db

# A page number beyond any real list; larger values (tampered URLs) are clamped so the
# OFFSET never overflows the database's integer type.
MAX_PAGE = 1_000_000


def paginate(select_stmt, per_page: int | None = None):
    page = request.args.get("page", 1, type=int) or 1
    page = min(max(page, 1), MAX_PAGE)
    per_page = per_page or current_app.config["PAGE_SIZE"]
    return db.paginate(select_stmt, page=page, per_page=per_page, error_out=False, max_per_page=100)
