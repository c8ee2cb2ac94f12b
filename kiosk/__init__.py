"""書かない窓口 life-event guide: the Flask application factory."""

from __future__ import annotations

from typing import Any

from flask import Flask, render_template

from .config import content_dir
from .engine import load_content


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create the app. Content is loaded and validated here: invalid content stops start-up."""
    app = Flask(__name__, template_folder="../templates", static_folder="../static", instance_relative_config=True)
    app.config.from_mapping(CONTENT_DIR=str(content_dir()))
    if test_config:
        app.config.from_mapping(test_config)
    from pathlib import Path

    content = load_content(Path(app.config["CONTENT_DIR"]))
    app.extensions["kiosk_content"] = content

    @app.get("/")
    def index() -> str:
        return render_template("index.html", content=content)

    return app
