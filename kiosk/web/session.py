"""Flask sessions kept on the server: the cookie holds an opaque random id and nothing else."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask, Request, Response
from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy.exc import OperationalError
from werkzeug.datastructures import CallbackDict

from ..store.sessions import SessionStore, new_session_id


class ServerSession(CallbackDict[str, Any], SessionMixin):
    """Session data loaded from the database."""

    def __init__(self, data: dict[str, Any] | None, session_id: str, new: bool) -> None:
        def on_update(_: Any) -> None:
            self.modified = True

        super().__init__(data or {}, on_update)
        self.session_id = session_id
        self.new = new
        self.modified = False
        self.rotated_from: str | None = None
        self.unavailable = False  # the database could not be reached when the request started

    def reset(self) -> None:
        """Forget everything and take a new id; the old row is deleted when the response is saved."""
        self.rotated_from = self.rotated_from or self.session_id
        self.session_id = new_session_id()
        self.clear()
        self.new = True
        self.modified = True

    def adopt(self, session_id: str, data: dict[str, Any]) -> None:
        """Continue a saved session (resume code): this browser now holds that session's id."""
        if not self.new and session_id != self.session_id:
            self.rotated_from = self.rotated_from or self.session_id
        self.session_id = session_id
        self.clear()
        self.update(data)
        self.new = False
        self.modified = True


class ServerSessionInterface(SessionInterface):
    """Stores Flask's session in the resident_sessions table."""

    def __init__(self, store: SessionStore) -> None:
        self.store = store

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        session_id = request.cookies.get(self.get_cookie_name(app))
        if session_id and len(session_id) <= 64:
            try:
                data = self.store.load(session_id)
            except OperationalError:
                # Keep the cookie (the answers are safe in the database); the request gets a 503 page.
                broken = ServerSession(None, session_id, new=False)
                broken.unavailable = True
                return broken
            if data is not None:
                return ServerSession(data, session_id, new=False)
        return ServerSession(None, new_session_id(), new=True)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        assert isinstance(session, ServerSession)
        if session.unavailable:
            return
        name = self.get_cookie_name(app)
        domain = self.get_cookie_domain(app)
        path = self.get_cookie_path(app)
        if session.rotated_from:
            self.store.delete(session.rotated_from)
        if not session:
            if not session.new or session.rotated_from:
                response.delete_cookie(name, domain=domain, path=path)
                if not session.new:
                    self.store.delete(session.session_id)
            return
        if session.modified or session.new or self.should_set_cookie(app, session):
            try:
                self.store.save(session.session_id, dict(session), lifetime(app), mode=app.config["KIOSK_MODE"])
            except OperationalError:
                return  # the page already shown is the 503 page, or the next request will be
        response.set_cookie(
            name,
            session.session_id,
            httponly=True,
            secure=self.get_cookie_secure(app),
            samesite=self.get_cookie_samesite(app),
            domain=domain,
            path=path,
        )
        response.vary.add("Cookie")


def lifetime(app: Flask) -> timedelta:
    """How long a session lives without activity: minutes on a kiosk, hours at home."""
    if app.config["KIOSK_MODE"] == "kiosk":
        return timedelta(seconds=app.config["KIOSK_IDLE_SECONDS"] + app.config["KIOSK_IDLE_COUNTDOWN_SECONDS"] + 30)
    return timedelta(minutes=app.config["KIOSK_SESSION_MINUTES"])
