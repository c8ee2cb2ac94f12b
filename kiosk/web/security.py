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


_DEFAULTS = tuple((key.lower(), key, value) for key, value in SECURITY_HEADERS)


def init_app(app: Flask) -> None:
    """Add the headers."""

    @app.after_request
    def headers(response: Response) -> Response:
        # One pass over the headers the view set, then one extend: werkzeug's set/setdefault scan the whole
        # list for each header, which on every response cost more than the rest of this module together.
        present = {key.lower() for key, _ in response.headers.items()}
        added = [(key, value) for lower, key, value in _DEFAULTS if lower not in present]
        if not request.path.startswith("/static/"):
            # Answers must never be kept by the browser or a proxy (shared kiosk, Back after reset). No Pragma:
            # deprecated (RFC 9111), it only ever spoke to HTTP/1.0 caches.
            if "cache-control" in present:
                del response.headers["Cache-Control"]
            added.append(("Cache-Control", "no-store"))
        response.headers.extend(added)
        return response
