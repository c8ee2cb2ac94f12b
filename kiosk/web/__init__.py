"""The web layer: thin blueprints per actor that load state, call the engine, save and redirect."""

from __future__ import annotations

from flask import Flask

from ..store import SessionStore
from . import api, csrf_tokens, errors, health, page_cache, resident, security, slip, speech, staff, templating, urls
from .session import ServerSessionInterface

csrf = csrf_tokens.KeptTokenCSRFProtect()


def init_web(app: Flask, sessions: SessionStore) -> None:
    """Register sessions, CSRF, htmx, templates helpers, security headers, error pages and blueprints."""
    app.session_interface = ServerSessionInterface(sessions)
    errors.init_app(app)  # first: a down database must be reported before CSRF checks read the session
    csrf.init_app(app)
    csrf_tokens.init_app(app)  # after CSRFProtect: replaces its csrf_token() template global
    resident.htmx.init_app(app)
    templating.init_app(app)
    urls.init_app(app)
    page_cache.init_app(app)
    security.init_app(app)
    staff.init_app(app)
    speech.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(resident.bp)
    app.register_blueprint(slip.bp)
    app.register_blueprint(staff.bp, url_prefix="/staff")
    app.register_blueprint(speech.bp, url_prefix="/speech")
    app.register_blueprint(api.bp, url_prefix="/api/v1")
    csrf.exempt(api.bp)
