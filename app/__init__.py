"""JieBang application factory."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, has_request_context, request

from config import get_config

from .extensions import babel, csrf, db, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def _select_locale():
    from flask import current_app

    # Outside a request (CLI, background jobs, tests) labels use the default locale.
    lang = request.cookies.get("lang") if has_request_context() else None
    return lang if lang in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]


def create_app(overrides: dict | None = None, config_name: str | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "app" / "static"),
        instance_path=str(Path(os.environ.get("JIEBANG_INSTANCE_DIR", ROOT / "instance")).resolve()),
    )
    config_cls = get_config(config_name)
    app.config.from_object(config_cls)
    app.config["POLICY"] = dict(config_cls.POLICY)
    if overrides:
        app.config.update(overrides)
    config_cls.finalise(app.config, app.instance_path)
    config_cls.validate(app.config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    proxies = int(app.config.get("PROXY_COUNT") or 0)
    if proxies > 0:
        # Client address and scheme from exactly the configured number of proxies:
        # rate limits and audit then see the real client, never a forged header.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    from .core.urls import BoundedIntConverter

    app.url_map.converters["int"] = BoundedIntConverter  # before any route is added

    from .core import db as _sqlite_setup  # noqa: F401  (registers engine pragmas)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True,
                     compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale,
                   default_translation_directories=str(ROOT / "app" / "translations"))
    limiter.init_app(app)
    _init_login(app)

    from .core.requestlog import configure_logging

    configure_logging(app)

    from . import models  # noqa: F401  (imports every domain's tables)
    from .core import append_only

    append_only.install(db.metadata)
    _register_blueprints(app)

    from .core.errors import register_error_handlers
    from .core.security import add_security_headers, no_store_for_signed_in_pages, reject_nul_bytes
    from .core.templating import register_template_helpers

    # First of all before_request functions (CSRF, rate limits and views read the input).
    app.before_request_funcs.setdefault(None, []).insert(0, reject_nul_bytes)
    register_error_handlers(app)
    register_template_helpers(app)
    app.after_request(add_security_headers)
    app.after_request(no_store_for_signed_in_pages)

    from .cli import register_cli

    register_cli(app)

    from .core import uow

    uow.install(app)  # last: every view function gets the one commit per request
    return app


def _init_login(app):
    from flask_babel import lazy_gettext as _l

    from .auth.models import User

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("请先登录后再访问此页面。")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(alt_id):
        # "<id>:<session token>:<login time>" (User.get_id); plain ids of old or forged
        # cookies, revoked tokens and sessions older than SESSION_MAX_AGE load nobody.
        max_age = int(app.config["SESSION_MAX_AGE"].total_seconds())
        return User.from_session_id(alt_id, max_age_seconds=max_age)


def _register_blueprints(app):
    from .auth.admin_views import bp as admin_bp
    from .auth.expert_views import bp as experts_bp
    from .auth.views import bp as auth_bp
    from .bids.manage_views import bp as bid_review_bp
    from .bids.views import bp as bids_bp
    from .demands import manage_views as _demand_screening  # noqa: F401  (routes on the demands blueprint)
    from .demands.views import bp as demands_bp
    from .challenges.portal_views import bp as portal_bp
    from .challenges.manage_views import bp as challenges_bp
    from .core.calendar_views import bp as calendar_bp
    from .core.portal_views import bp as site_bp
    from .core.views import bp as core_bp
    from .documents.views import bp as documents_bp
    from .notifications.views import bp as notifications_bp
    from .projects.manage_views import bp as project_manage_bp
    from .projects.views import bp as projects_bp
    from .reviews.manage_views import bp as review_manage_bp
    from .reviews.portal_views import bp as publicity_bp
    from .reviews.views import bp as reviews_bp

    for bp in (core_bp, auth_bp, admin_bp, demands_bp, challenges_bp, portal_bp, documents_bp,
               bids_bp, bid_review_bp, notifications_bp, calendar_bp, experts_bp, site_bp, reviews_bp,
               review_manage_bp, publicity_bp, projects_bp, project_manage_bp):
        app.register_blueprint(bp)
