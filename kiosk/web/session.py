"""Flask sessions kept on the server: the cookie holds an opaque random id and nothing else."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Flask, Request, Response
from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy.exc import OperationalError
from werkzeug.datastructures import CallbackDict

from ..store.sessions import SessionStore, new_session_id, now


class ServerSession(CallbackDict[str, Any], SessionMixin):
    """Session data loaded from the database."""

    def __init__(
        self, data: dict[str, Any] | None, session_id: str, new: bool, expires_at: datetime | None = None
    ) -> None:
        def on_update(_: Any) -> None:
            self.modified = True

        super().__init__(data or {}, on_update)
        self.session_id = session_id
        self.new = new
        self.modified = False
        self.rotated_from: str | None = None
        self.unavailable = False  # the database could not be reached when the request started
        self.expires_at = expires_at  # of the stored row; None until it is stored
        self.id_changed = new  # the browser must be sent the (new) id

    def reset(self) -> None:
        """Forget everything and take a new id; the old row is deleted when the response is saved."""
        self.rotated_from = self.rotated_from or self.session_id
        self.session_id = new_session_id()
        self.clear()
        self.new = True
        self.modified = True
        self.id_changed = True

    def adopt(self, session_id: str, data: dict[str, Any]) -> None:
        """Continue a saved session (resume code): this browser now holds that session's id."""
        if not self.new and session_id != self.session_id:
            self.rotated_from = self.rotated_from or self.session_id
        self.session_id = session_id
        self.clear()
        self.update(data)
        self.new = False
        self.modified = True
        self.id_changed = True


class ServerSessionInterface(SessionInterface):
    """Stores Flask's session in the resident_sessions table."""

    def __init__(self, store: SessionStore) -> None:
        self.store = store

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        session_id = request.cookies.get(self.get_cookie_name(app))
        if session_id and len(session_id) <= 64:
            try:
                stored = self.store.fetch(session_id)
            except OperationalError:
                # Keep the cookie (the answers are safe in the database); the request gets a 503 page.
                broken = ServerSession(None, session_id, new=False)
                broken.unavailable = True
                return broken
            if stored is not None:
                return ServerSession(stored.data, session_id, new=False, expires_at=stored.expires_at)
        return ServerSession(None, new_session_id(), new=True)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        assert isinstance(session, ServerSession)
        if session.unavailable:
            return
        if session.rotated_from:
            self.store.delete(session.rotated_from)
        if not session:
            if not session.new or session.rotated_from:
                response.delete_cookie(
                    self.get_cookie_name(app), domain=self.get_cookie_domain(app), path=self.get_cookie_path(app)
                )
                if not session.new:
                    self.store.delete(session.session_id)
            return
        keep_for = lifetime(app)
        try:
            if session.modified or session.new:
                self.store.save(session.session_id, dict(session), keep_for, mode=app.config["KIOSK_MODE"])
            elif refresh_due(session.expires_at, keep_for):
                self.store.extend(session.session_id, keep_for)
        except OperationalError:
            return  # the page already shown is the 503 page, or the next request will be
        if session.id_changed:
            # The id is fixed for the life of a session, so the cookie is only sent when the id is new.
            response.set_cookie(
                self.get_cookie_name(app),
                session.session_id,
                httponly=True,
                secure=self.get_cookie_secure(app),
                samesite=self.get_cookie_samesite(app),
                domain=self.get_cookie_domain(app),
                path=self.get_cookie_path(app),
            )
        response.vary.add("Cookie")


def lifetime(app: Flask) -> timedelta:
    """How long a session lives without activity: minutes on a kiosk, hours at home."""
    if app.config["KIOSK_MODE"] == "kiosk":
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
