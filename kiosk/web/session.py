"""Flask sessions kept on the server: the cookie holds an opaque random id and nothing else.

Two kinds of session, each with its own cookie, chosen by the request's path:

- residents (every path outside /staff): `kiosk_session`, SameSite=Lax, Path=/; with KIOSK_SECURE_COOKIES
  `__Host-kiosk_session` (and `__Host-kiosk_csrf`);
- staff (/staff and below): `kiosk_staff`, SameSite=Strict, Path=/staff; with KIOSK_SECURE_COOKIES
  `__Host-kiosk_staff`, which browsers accept only with Secure, no Domain and Path=/ (so the cookie is also sent
  to resident pages, where it is never read: the prefix's guarantee that no other host or plain-HTTP page can
  set or overwrite it is worth more than the narrower path).

Staff pages read only the staff cookie and resident pages only the resident cookie, so an id planted through the
resident side (say, a resume code typed on the clerk's browser) never reaches a staff page; the staff login and
logout take a new id as well (ServerSession.reset), so no id known before a login ever holds one.

Nothing is stored until the session holds something worth keeping. A page with a form needs a CSRF secret tied
to the browser, and Flask-WTF keeps it in the session; a session that holds nothing but that secret (and
Flask-Login's `_fresh` flag) is not written to the database: the secret goes to the browser in its own
HttpOnly cookie (`kiosk_csrf`, or `kiosk_staff_csrf` beside the staff cookie) and seeds the next request's
session. The first POST that stores something (an answer, a language or display choice, a login) writes the
row, with the same secret, and drops that cookie. The secret is random per browser and only as good as the
session id would be in its place: a page's form token is valid exactly as before. So a visitor who only reads
pages costs no database write, however many cookieless requests arrive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from flask import Flask, Request, Response, request
from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from werkzeug.datastructures import CallbackDict

from ..store.sessions import SessionStore, new_session_id, now

Scope = Literal["resident", "staff"]
STAFF_PREFIX = "/staff"
EPHEMERAL_KEYS = frozenset({"csrf_token", "_fresh"})
"""Keys that alone are no reason to store a session: Flask-WTF's CSRF secret, Flask-Login's freshness flag."""
_CSRF_SECRET = re.compile(r"[0-9a-f]{40}")  # what Flask-WTF makes (sha1 hexdigest)


class ServerSession(CallbackDict[str, Any], SessionMixin):
    """Session data loaded from the database."""

    def __init__(
        self,
        data: dict[str, Any] | None,
        session_id: str,
        new: bool,
        expires_at: datetime | None = None,
        scope: Scope = "resident",
    ) -> None:
        def on_update(_: Any) -> None:
            self.modified = True

        super().__init__(data or {}, on_update)
        self.session_id = session_id
        self.new = new  # no row is stored under session_id (yet)
        self.modified = False
        self.rotated_from: str | None = None
        self.unavailable = False  # the database could not be reached when the request started
        self.expires_at = expires_at  # of the stored row; None until it is stored
        self.id_changed = new  # the browser must be sent the (new) id
        self.scope: Scope = scope

    def reset(self) -> None:
        """Forget everything and take a new id; the old row is deleted when the response is saved."""
        if not self.new:
            self.rotated_from = self.rotated_from or self.session_id
        self.session_id = new_session_id()
        self.clear()
        self.new = True
        self.modified = True
        self.id_changed = True

    def adopt(self, session_id: str, data: dict[str, Any]) -> None:
        """This browser now holds `session_id` with `data` (a resume, or a new id for the same data); the row
        under the old id is deleted when the response is saved."""
        if not self.new and session_id != self.session_id:
            self.rotated_from = self.rotated_from or self.session_id
        self.session_id = session_id
        self.clear()
        self.update(data)
        self.new = False
        self.modified = True
        self.id_changed = True

    def worth_storing(self) -> bool:
        """Whether the session holds more than a CSRF secret (and Flask-Login's freshness flag)."""
        return any(key not in EPHEMERAL_KEYS for key in self)


@dataclass(frozen=True)
class Cookies:
    """The cookies of one kind of session: the session id's, and the CSRF secret's until a row is stored."""

    session: str
    csrf: str
    path: str
    samesite: str
    secure: bool
    domain: str | None

    def set(self, response: Response, name: str, value: str) -> None:
        response.set_cookie(name, value, httponly=True, secure=self.secure, samesite=self.samesite,
                            domain=self.domain, path=self.path)

    def delete(self, response: Response, name: str) -> None:
        response.delete_cookie(name, domain=self.domain, path=self.path, secure=self.secure, httponly=True,
                               samesite=self.samesite)


def is_staff_path(path: str) -> bool:
    """Whether a request path is one of the staff pages."""
    return path == STAFF_PREFIX or path.startswith(STAFF_PREFIX + "/")


class ServerSessionInterface(SessionInterface):
    """Stores Flask's session in the resident_sessions table (staff sessions too, kind "staff")."""

    def __init__(self, store: SessionStore) -> None:
        self.store = store

    def cookies(self, app: Flask, scope: Scope) -> Cookies:
        """The cookie names and attributes for residents' or staff sessions."""
        secure = self.get_cookie_secure(app)
        if scope == "staff":
            if secure:  # __Host-: Secure, no Domain, Path=/ (see the module's docstring)
                return Cookies("__Host-kiosk_staff", "__Host-kiosk_staff_csrf", "/", "Strict", True, None)
            root = self.get_cookie_path(app).rstrip("/")
            return Cookies("kiosk_staff", "kiosk_staff_csrf", root + STAFF_PREFIX, "Strict", False, None)
        if secure:  # the same prefix for residents: no other host or plain-HTTP page can plant a resident's id
            return Cookies(f"__Host-{self.get_cookie_name(app)}", "__Host-kiosk_csrf", "/",
                           self.get_cookie_samesite(app) or "Lax", True, None)
        return Cookies(self.get_cookie_name(app), "kiosk_csrf", self.get_cookie_path(app),
                       self.get_cookie_samesite(app) or "Lax", secure, self.get_cookie_domain(app))

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        scope: Scope = "staff" if is_staff_path(request.path) else "resident"
        cookies = self.cookies(app, scope)
        session_id = request.cookies.get(cookies.session)
        if session_id and len(session_id) <= 64:
            try:
                stored = self.store.fetch(session_id)
            except OperationalError:
                # Keep the cookie (the answers are safe in the database); the request gets a 503 page.
                broken = ServerSession(None, session_id, new=False, scope=scope)
                broken.unavailable = True
                return broken
            if stored is not None:
                return ServerSession(stored.data, session_id, new=False, expires_at=stored.expires_at, scope=scope)
        # No stored session: a new id, and the CSRF secret this browser's forms were given, if any.
        secret = request.cookies.get(cookies.csrf, "")
        if not _CSRF_SECRET.fullmatch(secret):
            return ServerSession(None, new_session_id(), new=True, scope=scope)
        fresh = ServerSession({"csrf_token": secret}, new_session_id(), new=True, scope=scope)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            # A form sent before anything was stored is about to store the session: with the database down, say
            # so now (the 503 page keeps what was typed) rather than lose the step when the response is saved.
            try:
                with self.store.database.read() as db:
                    db.execute(text("SELECT 1"))
            except OperationalError:
                fresh.unavailable = True
        return fresh

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        assert isinstance(session, ServerSession)
        if session.unavailable:
            return
        cookies = self.cookies(app, session.scope)
        sent_id = request.cookies.get(cookies.session)
        sent_secret = request.cookies.get(cookies.csrf)
        if session.rotated_from:
            self.store.delete(session.rotated_from)
        if session.new and not session.worth_storing():
            # Nothing stored, nothing to store: no row. A form's CSRF secret goes to the browser in its cookie.
            secret = session.get("csrf_token")
            if isinstance(secret, str) and secret != sent_secret:
                cookies.set(response, cookies.csrf, secret)
            elif not secret and sent_secret:
                cookies.delete(response, cookies.csrf)
            if sent_id:  # an id this server does not know (expired, deleted, reset or made up)
                cookies.delete(response, cookies.session)
            response.vary.add("Cookie")
            return
        if not session:  # a stored session emptied
            self.store.delete(session.session_id)
            cookies.delete(response, cookies.session)
            response.vary.add("Cookie")
            return
        keep_for = lifetime(app, session.scope)
        try:
            if session.modified or session.new:
                self.store.save(session.session_id, dict(session), keep_for, kind=_KINDS[session.scope],
                                mode=app.config["KIOSK_MODE"])
            elif refresh_due(session.expires_at, keep_for):
                self.store.extend(session.session_id, keep_for)
        except OperationalError:
            return  # the page already shown is the 503 page, or the next request will be
        if session.id_changed:
            # The id is fixed for the life of a session, so the cookie is only sent when the id is new.
            cookies.set(response, cookies.session, session.session_id)
        if sent_secret:
            cookies.delete(response, cookies.csrf)  # the stored session holds the secret now
        response.vary.add("Cookie")


_KINDS: dict[Scope, str] = {"resident": "web", "staff": "staff"}


def lifetime(app: Flask, scope: Scope) -> timedelta:
    """How long a session lives without activity: minutes on a kiosk, hours at home and for staff (the kiosk's
    idle reset is for the public tablet, not the clerk's desk)."""
    if app.config["KIOSK_MODE"] == "kiosk" and scope == "resident":
        return timedelta(seconds=app.config["KIOSK_IDLE_SECONDS"] + app.config["KIOSK_IDLE_COUNTDOWN_SECONDS"] + 30)
    return timedelta(minutes=app.config["KIOSK_SESSION_MINUTES"])


def refresh_due(expires_at: datetime | None, keep_for: timedelta) -> bool:
    """Whether an unchanged session's expiry should be pushed forward.

    Reading a page does not rewrite the row every time (a write per page view is what limits a server under
    load); the expiry moves forward once a tenth of the lifetime has passed since it was last set, so a
    session lives at least 90% of its lifetime after the last request.
    """
    if expires_at is None:
        return True
    return expires_at - now() < keep_for - keep_for / 10
