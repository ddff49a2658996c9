"""Public portal pages of a government site: 通知公告 (every public notice, searchable and
paginated), 网站地图 (the public pages), and the larger-text display mode (适老化)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, make_response, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Optional

from ..auth.models import Role
from . import navigation
from .forms import RowForm
from .pagination import paginate
from .urls import safe_next

bp = Blueprint("site", __name__)

navigation.register(_l("通知公告"), "site.notices", ["anonymous", *Role], order=6)

LARGE_TEXT_COOKIE = "large_text"


class NoticeSearchForm(RowForm):
    q = StringField(_l("关键词"), validators=[Optional()])


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def public_notices_select(q: str = ""):
    """Every issued public notice (榜单发布公告, 撤榜公告, public 通知…), newest first."""
    from ..documents.models import IssuedDocument

    stmt = sa.select(IssuedDocument).where(IssuedDocument.is_public.is_(True))
    if q:
        stmt = stmt.where(sa.or_(IssuedDocument.title.ilike(_like(q), escape="\\"),
                                 IssuedDocument.number.ilike(_like(q), escape="\\")))
    return stmt.order_by(IssuedDocument.issued_at.desc(), IssuedDocument.id.desc())


def latest_notices(limit: int = 5) -> list:
    from ..extensions import db

    return db.session.scalars(public_notices_select().limit(limit)).all()


@bp.app_context_processor
def notices_panel():
    """For the home page's notices column: a callable, so only that page queries."""
    return {"latest_public_notices": latest_notices}


@bp.route("/notices")
def notices():
    form = NoticeSearchForm(request.args)
    q = (form.q.data or "").strip()[:100]
    return render_template("core/notices.html", form=form, q=q, page=paginate(public_notices_select(q)))


SITEMAP = [
    (_l("首页"), "core.index"),
    (_l("榜单大厅"), "portal.index"),
    (_l("通知公告"), "site.notices"),
    (_l("公文验证"), "documents.verify"),
    (_l("登录"), "auth.login"),
    (_l("网站地图"), "site.sitemap"),
]


@bp.route("/sitemap")
def sitemap():
    from flask import current_app

    pages = [(label, url_for(endpoint)) for label, endpoint in SITEMAP if endpoint in current_app.view_functions]
    return render_template("core/sitemap.html", pages=pages)


@bp.route("/display/<any(large, normal):mode>")
def display_mode(mode):
    """The larger-text mode (适老化): a cookie read by the page template; CSS does the rest."""
    target = safe_next(request.args.get("next")) or url_for("core.index")
    response = make_response(redirect(target))
    if mode == "large":
        response.set_cookie(LARGE_TEXT_COOKIE, "1", max_age=365 * 24 * 3600, httponly=True, samesite="Lax")
    else:
        response.delete_cookie(LARGE_TEXT_COOKIE, httponly=True, samesite="Lax")
    return response
