"""Error pages in the resident's language; JSON errors under /api. Never a stack trace."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, g, jsonify, make_response, render_template, request, session
from flask_wtf.csrf import CSRFError
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from ..extensions import services

log = logging.getLogger("kiosk.errors")


def _wants_json() -> bool:
    return request.path.startswith("/api/")


class DatabaseUnavailable(Exception):
    """The session could not be loaded because the database is down."""


def init_app(app: Flask) -> None:
    """Register handlers for HTTP errors, CSRF failures and an unavailable database."""

    @app.before_request
    def database_check() -> None:
        if getattr(session, "unavailable", False) and not request.path.startswith("/static/"):
            raise DatabaseUnavailable()

    @app.errorhandler(DatabaseUnavailable)
    def session_unavailable(error: DatabaseUnavailable) -> Any:
        # The session (and the CSRF secret in it) could not be read, so a new token would not match it once the
        # database is back: the retry form re-sends the token the resident's page had.
        if request.method == "POST" and request.form.get("csrf_token"):
            g.csrf_token = request.form["csrf_token"]
        return _unavailable_response()

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Any:
        if not _database_reachable():  # the session holding the token could not be saved: it is the outage
            return _unavailable_response()
        log.info("csrf rejected path=%s", request.path)
        return render_template("errors/expired.html", retry=_retry_fields()), 400

    @app.errorhandler(OperationalError)
    def database_unavailable(error: OperationalError) -> Any:
        # No personal data in the log: only the kind of failure and the path.
        log.error("database unavailable path=%s error=%s", request.path, type(error.orig).__name__)
        return _unavailable_response()

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        status = error.code or 500
        if _wants_json():
            return jsonify(error=error.name.lower().replace(" ", "_"), message=error.description), status
        template = "errors/not_found.html" if status == 404 else "errors/generic.html"
        return render_template(template, status=status), status

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Any:
        log.exception("unexpected error path=%s", request.path)
        if _wants_json():
            return jsonify(error="internal_error", message="問題が起きました。職員にお声がけください。"), 500
        return render_template("errors/generic.html", status=500, minimal=True), 500


def _database_reachable() -> bool:
    try:
        with services().database.read() as db:
            db.execute(text("SELECT 1"))
    except OperationalError:
        return False
    return True


def _unavailable_response() -> Any:
    if _wants_json():
        message = "データベースに接続できません。しばらくしてからもう一度お試しください。"
        return jsonify(error="service_unavailable", message=message), 503
    response = make_response(render_template("errors/unavailable.html", retry=_retry_fields(), minimal=True), 503)
    response.headers["Retry-After"] = "30"
    return response


def _retry_fields() -> dict[str, Any] | None:
    """What the resident submitted, so a retry loses nothing."""
    if request.method != "POST":
        return None
    return {"action": request.path, "fields": [(k, v) for k, v in request.form.items(multi=True) if k != "csrf_token"]}
