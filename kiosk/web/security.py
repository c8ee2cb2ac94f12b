"""Security headers on every response; no caching of pages that show answers; state-changing requests from
other sites refused; redirects only to local paths."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, request
from werkzeug.exceptions import Forbidden
from werkzeug.wrappers import Response

from . import limits

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


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
MAX_LOCAL_PATH = 300
"""The longest `next` (and any other local path) accepted from a form; longer ones fall back to the menu."""


class CrossSiteRequest(Forbidden):
    """A state-changing request sent by another site's page (refused with the same plain page as a CSRF failure)."""

    description = "Requests from other sites are refused."


def safe_next(target: str | None, fallback: str) -> str:
    """Only short local paths: never redirect residents to another site, never store a page-sized value."""
    if (
        target
        and len(target) <= MAX_LOCAL_PATH
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and target.isprintable()  # no CR/LF (a header error) and no NUL (PostgreSQL refuses it in text)
    ):
        return target
    return fallback


def same_origin_path(url: str | None, fallback: str) -> str:
    """The local path of `url` when it is an address on this site (a Referer), else `fallback`."""
    if not url:
        return fallback
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not _same_host(parts.netloc):
        return fallback
    return safe_next(parts.path + (f"?{parts.query}" if parts.query else ""), fallback)


def _authority(netloc: str) -> str:
    """host[:port] in lower case, without a default port (Origin leaves it out, a Host header may not)."""
    netloc = netloc.lower()
    for default in (":80", ":443"):
        if netloc.endswith(default):
            return netloc.removesuffix(default)
    return netloc


def _same_host(netloc: str) -> bool:
    """Whether `netloc` is the host this request was sent to, or the configured public address."""
    allowed = {_authority(request.host)}
    if public := current_app.config.get("KIOSK_PUBLIC_URL"):
        allowed.add(_authority(urlsplit(public).netloc))
    return bool(netloc) and _authority(netloc) in allowed


def check_same_origin() -> None:
    """Refuse state-changing requests another site's page sent (CSRF defence beside the token).

    Browsers say where a request comes from: Sec-Fetch-Site (cross-site: another site's page) and Origin
    (scheme://host of the page; "null" from sandboxed frames and file pages). The JSON API takes no CSRF token
    and serves non-browser clients that send neither header, so only Sec-Fetch-Site applies to it."""
    if request.method in SAFE_METHODS:
        return
    if request.headers.get("Sec-Fetch-Site", "").lower() == "cross-site":
        raise CrossSiteRequest()
    if request.path.startswith("/api/"):
        return
    origin = request.headers.get("Origin")
    if origin is not None:
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not _same_host(parts.netloc):
            raise CrossSiteRequest()


def init_app(app: Flask) -> None:
    """Add the headers, the same-origin check and the rate limits."""
    app.before_request(check_same_origin)
    limits.init_app(app)

    @app.after_request
    def headers(response: Response) -> Response:
        for key, value in SECURITY_HEADERS:
            response.headers.setdefault(key, value)
        if request.endpoint != "static":
            # Answers must never be kept by the browser or a proxy (shared kiosk, Back after reset).
            response.headers["Cache-Control"] = "no-store"
        return response
