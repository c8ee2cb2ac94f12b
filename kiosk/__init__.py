"""書かない窓口 life-event guide: the Flask application factory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from .clock import today_in_japan
from .config import settings_from_environment
from .engine import load_content
from .i18n import load_catalogue
from .store import Database, SessionStore


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create the app. Content is loaded and validated here: invalid content stops start-up."""
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

    database = Database(app.config["KIOSK_DATABASE_URL"])
    if app.config["KIOSK_AUTO_MIGRATE"]:
        database.upgrade()
    app.extensions["kiosk_database"] = database
    sessions = SessionStore(database)
    app.extensions["kiosk_sessions"] = sessions

    from .web import init_web

    init_web(app, sessions)
    return app
