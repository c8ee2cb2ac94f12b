"""Security headers on every response; no caching of pages that show answers."""

from __future__ import annotations

from flask import Flask, request
from werkzeug.wrappers import Response

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "media-src 'self' blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    # Same origin only: no other site learns which page a resident came from, and over HTTPS Flask-WTF's CSRF
    # check, which requires a Referer from this host, gets one (with no-referrer every POST was refused).
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "geolocation=(), microphone=(), camera=(self)"),
)


def init_app(app: Flask) -> None:
    """Add the headers."""

    @app.after_request
    def headers(response: Response) -> Response:
        for key, value in SECURITY_HEADERS:
            response.headers.setdefault(key, value)
        if request.endpoint != "static":
            # Answers must never be kept by the browser or a proxy (shared kiosk, Back after reset).
            response.headers["Cache-Control"] = "no-store"
        return response
