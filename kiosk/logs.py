"""Structured (JSON lines) logs without personal data: route templates instead of paths, ids, kinds of errors.

The access log is written here, by the app (AccessLog), not by gunicorn: only the app knows which route answered,
so a line says `/api/v1/sessions/<session_id>/answers`, never the session id in the path (the API's credential),
nor a query string, nor whatever an attacker puts in a path. The same line comes from gunicorn, waitress and the
development server.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask, Response

ACCESS_LOGGER = "kiosk.access"
ROUTE = "kiosk.route"  # WSGI environ key: the route template the app matched (None: no route matched)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and a record's `fields` (extra={"fields": …})."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        if record.exc_info and record.exc_info[0] is not None:
            # The exception's type and where it happened, never its message: database errors quote the SQL
            # parameters, which may hold a resident's answers.
            entry["error"] = record.exc_info[0].__name__
            frames = traceback.extract_tb(record.exc_info[2])
            entry["where"] = [f"{frame.filename.rsplit('/', 2)[-1]}:{frame.lineno}" for frame in frames[-5:]]
        return printable(json.dumps(entry, ensure_ascii=False, default=str))


def printable(line: str) -> str:
    """`line` (JSON) with every character that is not printable written as a \\u escape.

    json.dumps escapes only C0 controls; this also escapes DEL, C1 controls, line and paragraph separators
    (U+2028/2029, which some readers take for line ends) and format characters such as U+202E, which would
    show a line's text reversed. Japanese text stays readable."""
    if line.isprintable():
        return line
    return "".join(char if char.isprintable() else json.dumps(char)[1:-1] for char in line)


def configure_logging(level: str = "INFO") -> None:
    """Send the app's logs to standard error as JSON lines; the access log whatever the level."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger(ACCESS_LOGGER).setLevel(logging.INFO)


class AccessLog:
    """WSGI middleware: one access log line per request.

    {"message": "POST /api/v1/sessions/<session_id>/answers 200", "method": "POST",
     "route": "/api/v1/sessions/<session_id>/answers", "status": 200, "ms": 4.2, "remote": "10.0.0.5",
     "worker": 1234}

    The route is the template of the rule the app matched (init_app notes it); null when none matched (404, 405).
    `ms` is the time the app took to make the response, the session's save included; the line is written when
    the app hands the response to the server (its body is not wrapped, so that gunicorn still sends files with
    sendfile)."""

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]]) -> None:
        self.wsgi_app = wsgi_app
        self.log = logging.getLogger(ACCESS_LOGGER)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        started = time.perf_counter()
        sent: list[str] = []

        def recording_start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
            sent[:] = [status]
            return start_response(status, headers, exc_info)

        status = "500"
        try:
            body = self.wsgi_app(environ, recording_start_response)
            status = sent[0] if sent else status
            return body
        finally:
            self._write(environ, status, started)

    def _write(self, environ: dict[str, Any], status: str, started: float) -> None:
        method = str(environ.get("REQUEST_METHOD", ""))
        route = environ.get(ROUTE)
        code = int(status.split(" ", 1)[0]) if status[:3].isdigit() else 0
        fields = {
            "method": method,
            "route": route,
            "status": code,
            "ms": round((time.perf_counter() - started) * 1000, 1),
            "remote": environ.get("REMOTE_ADDR"),
            "worker": os.getpid(),
        }
        self.log.info("%s %s %s", method, route or "-", code, extra={"fields": fields})


def init_app(app: Flask) -> None:
    """Log every request of `app` with AccessLog, under its route template."""

    @app.after_request
    def note_route(response: Response) -> Response:
        from flask import request

        rule = request.url_rule
        request.environ[ROUTE] = rule.rule if rule is not None else None
        return response

    app.wsgi_app = AccessLog(app.wsgi_app)  # type: ignore[method-assign]
