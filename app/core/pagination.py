"""Pagination of list pages (query string ``page``), bounded and 404-free."""
from __future__ import annotations

from flask import current_app, request

from ..extensions import db


def paginate(select_stmt, per_page: int | None = None):
    page = request.args.get("page", 1, type=int) or 1
    page = max(page, 1)
    per_page = per_page or current_app.config["PAGE_SIZE"]
    return db.paginate(select_stmt, page=page, per_page=per_page, error_out=False, max_per_page=100)
