"""The web layer: thin blueprints per actor that load state, call the engine, save and redirect."""

from __future__ import annotations

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from ..extensions import services
from . import api, card, errors, health, notices, resident, security, slip, speech, staff, static_files, templating
from .session import ServerSessionInterface

csrf = CSRFProtect()


def init_web(app: Flask) -> None:
    """Register sessions, CSRF, htmx, templates helpers, security headers, error pages and blueprints."""
    app.session_interface = ServerSessionInterface(services(app).sessions)
    from ..logs import init_app as init_access_log

    init_access_log(app)  # the access log: route templates, never paths (kiosk/logs.py)
    errors.init_app(app)  # first: a down database must be reported before CSRF checks read the session
    csrf.init_app(app)
    resident.htmx.init_app(app)
    templating.init_app(app)
    security.init_app(app)
    static_files.init_app(app)
    staff.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(resident.bp)
    app.register_blueprint(slip.bp)
    app.register_blueprint(notices.bp)
    app.register_blueprint(card.bp)  # 「マイナンバーカードで入力する」 (kiosk/web/card.py)
    app.register_blueprint(staff.bp, url_prefix="/staff")
    app.register_blueprint(speech.bp, url_prefix="/speech")
    app.register_blueprint(api.bp, url_prefix="/api/v1")
    csrf.exempt(api.bp)
