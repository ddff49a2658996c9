"""Template globals and filters: navigation, money, time, languages."""
from __future__ import annotations

from flask import request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from . import audit, money, navigation, timeutil
from .fields import field_label as _field_label


def register_template_helpers(app):
    from ..auth.models import Role

    navigation.register(_l("工作台"), "core.dashboard", [r.value for r in Role], order=0)
    navigation.register(_l("用户管理"), "admin.users", [Role.ADMIN], order=90)
    navigation.register(_l("单位管理"), "admin.organisations", [Role.ADMIN], order=91)
    navigation.register(_l("政策参数"), "core.policy_settings", [Role.ADMIN], order=92)
    navigation.register(_l("操作日志"), "core.audit_log", [Role.ADMIN, Role.BUREAU], order=93)

    @app.context_processor
    def inject():
        return {
            "nav_items": navigation.items_for(current_user),
            "current_locale": str(get_locale()),
            "languages": app.config["LANGUAGES"],
            "current_path": request.full_path.rstrip("?") if request else "/",
            "audit_head": audit.chain_head,  # called by the footer
            "unread_notifications": _unread_count,
            "large_text": request.cookies.get("large_text") == "1" if request else False,
            "site_footer": {key: app.config.get(key, "") for key in
                            ("SITE_ID_CODE", "SITE_ICP_RECORD", "SITE_PSB_RECORD", "SITE_CONTACT")},
        }

    def _unread_count():
        if not getattr(current_user, "is_authenticated", False):
            return 0
        from ..notifications.operations import unread_count

        return unread_count(current_user)

    @app.template_global()
    def url_with_page(page: int) -> str:
        # Query arguments never override the route's own arguments (a tampered
        # "?org_id=5" on /admin/organisations/1 must not raise a duplicate-keyword error).
        params = {**request.args.to_dict(), **(request.view_args or {}), "page": page}
        return url_for(request.endpoint, **params)

    app.jinja_env.filters["audit_action"] = audit.action_label
    app.jinja_env.filters["audit_entity"] = audit.entity_label
    app.jinja_env.globals["audit_state"] = audit.state_label
    def english() -> bool:
        return str(get_locale()).startswith("en")

    def yuan(fen) -> str:
        """12,345.67元 in Chinese; CNY 12,345.67 in English."""
        return "CNY " + money.format_yuan(fen).removesuffix("元") if english() else money.format_yuan(fen)

    def wan(fen) -> str:
        """300万元 in Chinese; CNY 3 million (or CNY 12,345.67 below a million) in English."""
        if not english():
            return money.format_wan(fen)
        from decimal import Decimal

        if abs(int(fen)) >= 100_000_000:
            millions = (Decimal(int(fen)) / Decimal(100_000_000)).quantize(Decimal("0.0001")).normalize()
            return f"CNY {format(millions, 'f')} million"
        return yuan(fen)

    app.jinja_env.filters["yuan"] = yuan
    app.jinja_env.filters["wan"] = wan
    # Punctuation around values: full-width in Chinese, ASCII with a space in English.
    app.jinja_env.filters["paren"] = lambda v: f" ({v})" if english() else f"（{v}）"
    app.jinja_env.globals["colon"] = lambda: ": " if english() else "："
    app.jinja_env.filters["field_label"] = _field_label
    app.jinja_env.filters["rmb_upper"] = money.rmb_upper
    app.jinja_env.filters["local_dt"] = lambda v: (
        f"{timeutil.format_local(v, with_zone=False)} (Beijing time, UTC+8)" if english() and v is not None
        else timeutil.format_local(v))
    app.jinja_env.filters["local_dt_short"] = lambda v: timeutil.format_local(v, with_zone=False)
    app.jinja_env.filters["cn_date"] = timeutil.chinese_date
