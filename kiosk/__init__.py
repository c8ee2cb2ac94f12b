"""書かない窓口 life-event guide: the Flask application factory."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .clock import today_in_japan
from .config import SLIP_SETTINGS, settings_from_environment

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create the app. Content is loaded and validated here: invalid content stops start-up."""
    # Imported here, not at the top: `kiosk check`, `evaluate` and `paths` import this package too, and need
    # neither Flask nor SQLAlchemy and Alembic (about 0.45 s of the 1.2 s `kiosk check` took; docs/benchmarks.md).
    from flask import Flask

    from .engine import load_content
    from .i18n import load_catalogue
    from .slip.config import SlipSettings
    from .store import Database, SessionStore
    from .store.cases import CaseStore
    from .store.staff import StaffStore
    from .web.memo import EngineMemo

    app = Flask(__name__, template_folder="../templates", static_folder="../static", instance_relative_config=True)
    app.config.from_mapping(settings_from_environment(Path(app.instance_path)))
    app.config["TODAY"] = today_in_japan
    if test_config:
        app.config.from_mapping(test_config)
    if app.config["KIOSK_MODE"] not in ("kiosk", "home"):
        raise ValueError("KIOSK_MODE は kiosk か home にします")

    content_root = Path(app.config["KIOSK_CONTENT_DIR"])
    content = load_content(content_root)
    catalogue = load_catalogue(content_root, content)
    app.extensions["kiosk_content"] = content
    app.extensions["kiosk_catalogue"] = catalogue
    app.extensions["kiosk_memo"] = EngineMemo(content)
    if not app.config["KIOSK_RETENTION_DAYS"]:
        app.config["KIOSK_RETENTION_DAYS"] = content.municipality.retention_days
    environment = {**os.environ, **{k: str(app.config[k]) for k in SLIP_SETTINGS if k in app.config}}
    app.extensions["kiosk_slip"] = SlipSettings.from_env(environment, app_secret=app.config["SECRET_KEY"])

    database = Database(app.config["KIOSK_DATABASE_URL"])
    if app.config["KIOSK_AUTO_MIGRATE"]:
        database.upgrade()
    app.extensions["kiosk_database"] = database
    sessions = SessionStore(database)
    app.extensions["kiosk_sessions"] = sessions
    app.extensions["kiosk_cases"] = CaseStore(database)
    app.extensions["kiosk_staff"] = StaffStore(database)

    from .web import init_web

    init_web(app, sessions)
    return app
