"""CSRF tokens signed once per session instead of on every page, and recognised again when they come back.

Flask-WTF keeps a random secret in the session and signs it (HMAC with a derived key, a timestamp and
base64) for every request that shows a form: on a question page that signing was a sixth of the request.
Tokens here never expire on their own (WTF_CSRF_TIME_LIMIT is None: they live as long as the server-side
session), so the token signed for a session's secret stays valid for as long as that secret does and can be
shown again. A new secret (a reset session) gets a new token.

A form posted back with exactly the token kept for the session's secret is valid for the same reason Flask-WTF
would find it valid (its signature and its secret are the ones it checks), so it is accepted after a
constant-time comparison instead of unsigning it again; any other token goes through Flask-WTF's own
validation, unchanged, and once valid is kept (another server process signed it).
"""

from __future__ import annotations

import hmac

from flask import Flask, current_app, g, request, session
from flask_wtf.csrf import CSRFProtect, generate_csrf

from .lru import LRU

FIELD = "csrf_token"  # Flask-WTF's default field, session key and `g` attribute


SIGNED_TOKENS = 8192  # sessions whose signed token a process keeps (session secret → token)
def csrf_token() -> str:
    """The request's CSRF token: Flask-WTF's generate_csrf, signed once per session secret."""
    token = g.get(FIELD)
    if isinstance(token, str):  # already chosen for this request (or re-sent by the outage page)
        return token
    if current_app.config["WTF_CSRF_TIME_LIMIT"] is not None:
        return str(generate_csrf())  # tokens that expire must be signed afresh
    tokens: LRU[str, str] = current_app.extensions["kiosk_csrf_tokens"]
    secret = session.get(FIELD)
    if isinstance(secret, str):
        kept = tokens.get(secret)
        if kept is not None:
            setattr(g, FIELD, kept)
            return kept
    signed: str = generate_csrf()
    tokens.put(session[FIELD], signed)
    return signed


class KeptTokenCSRFProtect(CSRFProtect):  # type: ignore[misc]
    """Flask-WTF's CSRF protection that recognises the token signed here for the session first."""

    def protect(self, apply_exemptions: bool = False) -> None:
        """Validate CSRF on the current request (Flask-WTF's rules)."""
        if request.method not in current_app.config["WTF_CSRF_METHODS"]:
            return  # as Flask-WTF does
        if apply_exemptions and (not request.endpoint or self._is_exempt()):
            return  # as Flask-WTF does: exempt views (the JSON API) are not checked
        if self._is_kept_token():
            g.csrf_valid = True
            return
        super().protect(apply_exemptions)  # raises on an invalid token
        if not g.get("csrf_valid"):  # nothing was checked (a GET, an exempt view)
            return
        secret, submitted = session.get(FIELD), self._get_csrf_token()
        if isinstance(secret, str) and isinstance(submitted, str):
            # Valid for this secret, though another server process signed it: keep it, so this process
            # recognises it next time and shows it on its pages too.
            current_app.extensions["kiosk_csrf_tokens"].put(secret, submitted)

    def _is_kept_token(self) -> bool:
        config = current_app.config
        if config["WTF_CSRF_TIME_LIMIT"] is not None:
            return False
        if request.is_secure and config["WTF_CSRF_SSL_STRICT"]:
            return False  # Flask-WTF also checks the Referer over HTTPS: leave it all to Flask-WTF
        secret = session.get(FIELD)
        if not isinstance(secret, str):
            return False
        kept = current_app.extensions["kiosk_csrf_tokens"].get(secret)
        submitted = self._get_csrf_token()
        return isinstance(kept, str) and isinstance(submitted, str) and hmac.compare_digest(kept, submitted)


def init_app(app: Flask) -> None:
    """Templates call csrf_token() as before; it now reuses the session's signed token."""
    app.extensions["kiosk_csrf_tokens"] = LRU[str, str](SIGNED_TOKENS)
    # CSRFProtect puts its generate_csrf both among the globals and into every template context: replace both
    # (context processors apply in order, so this one's value wins).
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.context_processor(lambda: {"csrf_token": csrf_token})
