"""Static files under versioned URLs, kept by browsers for a year.

Every url_for('static', filename=...) gets `?v=` and a hash of the file's content, worked out once at start-up;
a changed file gets a new URL, so a tablet never runs yesterday's script with today's page, and the style
sheets and scripts are fetched once instead of being revalidated on every page.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from flask import Flask, Response, request

YEAR = 365 * 24 * 3600


def content_versions(folder: Path) -> dict[str, str]:
    """filename (relative, with /) → the first 12 hex digits of its SHA-256."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def init_app(app: Flask) -> None:
    """Version the static URLs and let browsers keep what a versioned URL returns."""
    versions = content_versions(Path(app.static_folder or "static"))

    @app.url_defaults
    def add_version(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and "v" not in values:
            version = versions.get(str(values.get("filename", "")))
            if version:
                values["v"] = version

    @app.after_request
    def cache_versioned(response: Response) -> Response:
        if request.endpoint == "static" and response.status_code == 200:
            wanted = request.args.get("v")
            if wanted and wanted == versions.get(str((request.view_args or {}).get("filename", ""))):
                response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
            else:
                response.headers["Cache-Control"] = "no-cache"  # an old or missing version: always revalidate
        return response
