"""書かない窓口 life-event guide: the Flask application factory."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .clock import today_in_japan

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create the app. Settings and content are validated here: invalid ones stop start-up.

    `test_config`: KIOSK_* settings (they win over the environment) and plain Flask settings (TESTING, TODAY,
    SECRET_KEY)."""
    # Imported here, not at the top: `kiosk check`, `evaluate` and `paths` import this package too, and need
    # neither Flask nor SQLAlchemy and Alembic (about 0.45 s of the 1.2 s `kiosk check` took).
    from flask import Flask

    from .config import Settings
    from .engine import load_content
    from .extensions import Services, init_app
    from .i18n import load_catalogue
    from .slip.config import SlipSettings
    from .speech.service import SpeechService
    from .store import Database, SessionStore
    from .store.cases import CaseStore
    from .store.staff import StaffStore
    from .store.throttle import ThrottleStore
    from .web.memo import EngineMemo

    app = Flask(__name__, template_folder="../templates", static_folder="../static", instance_relative_config=True)
    overrides = dict(test_config or {})
    settings = Settings.load(overrides)
    app.config.update(settings.flask_config(Path(app.instance_path)))
    app.config["TODAY"] = today_in_japan
    app.config.update({key: value for key, value in overrides.items() if not key.startswith("KIOSK_")})
    if hops := settings.proxy_hops:  # behind a reverse proxy: the client's address, scheme and host it forwards
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    content = load_content(settings.content_dir)
    if settings.retention_days is None:  # unset; 0 means 0 days
        app.config["KIOSK_RETENTION_DAYS"] = content.municipality.retention_days
    if settings.audit_retention_days is None:
        app.config["KIOSK_AUDIT_RETENTION_DAYS"] = content.municipality.audit_retention_days
    database = Database(app.config["KIOSK_DATABASE_URL"])
    if settings.auto_migrate:
        database.upgrade()
    init_app(app, Services(
        settings=settings,
        content=content,
        catalogue=load_catalogue(settings.content_dir, content),
        engine=EngineMemo(content),
        slip=SlipSettings.from_settings(settings, app_secret=app.config["SECRET_KEY"]),
        database=database,
        sessions=SessionStore(database),
        cases=CaseStore(database),
        staff=StaffStore(database),
        throttle=ThrottleStore(database),
        # Lazy: the speech worker starts on the first clip that is not cached.
        speech=SpeechService(settings.speech_cache, timeout=settings.speech_timeout) if settings.speech else None,
    ))

    from .web import init_web

    init_web(app)
    return app
