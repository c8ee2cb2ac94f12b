"""Error pages in the resident's language; JSON errors under /api. Never a stack trace."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, g, jsonify, make_response, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, SecurityError
from werkzeug.wrappers import Response

from ..extensions import services
from .security import CrossSiteRequest, same_origin_path

log = logging.getLogger("kiosk.errors")


PAGE_KINDS = {413: "too_large", 429: "too_many"}
"""Statuses with their own message (errors.<kind>.title/text); others get errors.generic."""
JSON_MESSAGES = {
    413: "送られたデータが大きすぎます。",
    429: "短い時間に送られた回数が多すぎます。少し待ってからもう一度お試しください。",
}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


class DatabaseUnavailable(Exception):
    """The session could not be loaded because the database is down."""


def _route() -> str:
    """The matched route's template (/api/v1/sessions/<session_id>): never the path, whose ids are credentials."""
    return request.url_rule.rule if request.url_rule is not None else "-"


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
            return _unavailable_response(retry=False)
        log.info("csrf rejected route=%s", _route())
        return _refused(400)

    @app.errorhandler(CrossSiteRequest)
    def cross_site(error: CrossSiteRequest) -> Any:
        log.info("cross-site request refused route=%s", _route())
        if _wants_json():
            return jsonify(error="cross_site_request", message="ほかのサイトからの送信は受け付けません。"), 403
        return _refused(403)

    @app.errorhandler(OperationalError)
    def database_unavailable(error: OperationalError) -> Any:
        # No personal data in the log: only the kind of failure and the path.
        log.error("database unavailable route=%s error=%s", _route(), type(error.orig).__name__)
        return _unavailable_response()

    @app.errorhandler(SecurityError)
    def untrusted_host(error: SecurityError) -> Any:
        # A Host header outside KIOSK_TRUSTED_HOSTS: no address can be built on it, so no page either.
        log.info("untrusted host refused")
        return Response("400 Bad Request: unknown host\n", status=400, mimetype="text/plain")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        status = error.code or 500
        if _wants_json():
            message = JSON_MESSAGES.get(status, error.description)
            return jsonify(error=error.name.lower().replace(" ", "_"), message=message), status
        if status == 404:
            return render_template("errors/not_found.html", status=status), status
        kind = PAGE_KINDS.get(status, "generic")  # Flask-Limiter adds Retry-After to a 429
        return render_template("errors/generic.html", status=status, kind=kind), status

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Any:
        log.exception("unexpected error route=%s", _route())
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


def _refused(status: int) -> Any:
    """A CSRF failure or a request from another site: a plain page with a link back, echoing nothing that was
    sent (a page re-posting the fields under a fresh token would complete the forged request in one click)."""
    back = same_origin_path(request.referrer, url_for("resident.menu"))
    return render_template("errors/expired.html", back=back, minimal=True), status


def _unavailable_response(retry: bool = True) -> Any:
    if _wants_json():
        message = "データベースに接続できません。しばらくしてからもう一度お試しください。"
        return jsonify(error="service_unavailable", message=message), 503
    fields = _retry_fields() if retry else None
    response = make_response(render_template("errors/unavailable.html", retry=fields, minimal=True), 503)
    response.headers["Retry-After"] = "30"
    return response


NOT_RESENT = ("csrf_token", "password")
"""Never written back into a page: the token (the retry form sends the page's own) and passwords."""


def _retry_fields() -> dict[str, Any] | None:
    """What the resident submitted, so a retry after an outage loses nothing (the form carries the token the
    resident's page had, not a new one)."""
    if request.method != "POST":
        return None
    fields = [(k, v) for k, v in request.form.items(multi=True) if not any(word in k for word in NOT_RESENT)]
    return {"action": request.path, "fields": fields}
