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
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "geolocation=(), microphone=(), camera=(self)"),
)


def init_app(app: Flask) -> None:
    """Add the headers."""

    @app.after_request
    def headers(response: Response) -> Response:
        # One pass over the headers, then appends: werkzeug's setdefault/set scan the whole list each time,
        # which on every response cost more than the rest of this module together.
        present = {key.lower() for key, _ in response.headers.to_wsgi_list()}
        for key, value in SECURITY_HEADERS:
            if key.lower() not in present:
                response.headers.add(key, value)
        if not request.path.startswith("/static/"):
            # Answers must never be kept by the browser or a proxy (shared kiosk, Back after reset).
            response.headers["Cache-Control"] = "no-store"
            response.headers["Pragma"] = "no-cache"
        return response
