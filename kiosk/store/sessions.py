"""Server-side sessions and resume codes. The browser only ever holds an opaque random id."""

from __future__ import annotations

import re
import secrets
import unicodedata
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from .database import Database
from .models import ResidentSession, ResumeCode

RESUME_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
# 13 characters of 32: 65 bits. With guesses throttled per client address and per code (kiosk.web.resident),
# finding one of even a million live codes stays out of reach.
RESUME_LENGTH = 13
RESUME_GROUPS = (4, 4, 5)  # printed ABCD-EFGH-JKMNP: easier to read aloud and to type
_SESSION_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")  # what new_session_id makes (token_urlsafe)


def now() -> datetime:
    """The current time, timezone-aware (UTC)."""
    return datetime.now(UTC)


def aware_utc(moment: datetime) -> datetime:
    # SQLite returns naive datetimes; everything is stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def new_session_id() -> str:
    """An unguessable session id (256 bits)."""
    return secrets.token_urlsafe(32)


class StoredSession(NamedTuple):
    """A session row as a request needs it."""

    data: dict[str, Any]
    expires_at: datetime


class SessionStore:
    """Load, save and delete resident sessions."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def fetch(self, session_id: str) -> StoredSession | None:
        """The session's data and expiry, or None if it does not exist or has expired."""
        if not _SESSION_ID.fullmatch(session_id):  # not one of ours (PostgreSQL refuses NUL in a query)
            return None
        query = select(ResidentSession.data, ResidentSession.expires_at).where(ResidentSession.id == session_id)
        # Core, not an ORM session: read on every request, where the unit of work only added cost (about a
        # fifth of a question page, docs/benchmarks.md).
        with self.database.reads.connect() as connection:
            row = connection.execute(query).first()
        if row is None:
            return None
        data, expires_at = row[0], aware_utc(row[1])
        if expires_at <= now():
            return None
        return StoredSession(dict(data), expires_at)

    def load(self, session_id: str) -> dict[str, Any] | None:
        """The session's data, or None if it does not exist or has expired."""
        stored = self.fetch(session_id)
        return stored.data if stored else None

    def save(self, session_id: str, data: dict[str, Any], lifetime: timedelta, *, kind: str, mode: str) -> None:
        """Create or replace a session, valid for `lifetime` from now (longer while a resume code holds it).

        `kind` (web | staff | api) and `mode` (kiosk | home) are written on the row for the city's operators (the
        app itself does not read them); every caller says them, so a row never claims a default it did not come
        from."""
        moment = now()
        expires_at = moment + lifetime
        if data.get("resume_until"):
            expires_at = max(expires_at, datetime.fromisoformat(data["resume_until"]))
        values = {"data": data, "updated_at": moment, "expires_at": expires_at}
        # One statement, insert or update (both SQLite and PostgreSQL have INSERT … ON CONFLICT DO UPDATE).
        dialect = postgresql if self.database.engine.dialect.name == "postgresql" else sqlite
        row = {"id": session_id, "kind": kind, "mode": mode, "created_at": moment, **values}
        upsert = dialect.insert(ResidentSession).values(row)
        with self.database.engine.begin() as connection:
            connection.execute(upsert.on_conflict_do_update(index_elements=[ResidentSession.id], set_=values))

    def extend(self, session_id: str, lifetime: timedelta) -> None:
        """Keep an unchanged session alive for `lifetime` from now, without rewriting its data."""
        expires_at = now() + lifetime
        with self.database.engine.begin() as connection:
            connection.execute(
                update(ResidentSession)
                .where(ResidentSession.id == session_id, ResidentSession.expires_at < expires_at)
                .values(expires_at=expires_at)
            )

    def delete(self, session_id: str) -> None:
        """Delete a session and its resume codes."""
        with self.database.session() as db:
            db.execute(delete(ResumeCode).where(ResumeCode.session_id == session_id))
            db.execute(delete(ResidentSession).where(ResidentSession.id == session_id))

    def create_resume_code(self, session_id: str, lifetime: timedelta) -> tuple[str, datetime]:
        """A new short resume code for a session; older codes of the session stop working."""
        moment = now()
        expires = moment + lifetime
        with self.database.session() as db:
            db.execute(delete(ResumeCode).where(ResumeCode.session_id == session_id))
            while True:
                code = "".join(secrets.choice(RESUME_ALPHABET) for _ in range(RESUME_LENGTH))
                if db.get(ResumeCode, code) is None:
                    break
            db.add(
                ResumeCode(code=code, session_id=session_id, created_at=moment, expires_at=expires, failed_attempts=0)
            )
        return code, expires

    def take_resume_code(self, code: str) -> tuple[dict[str, Any] | None, str]:
        """(the saved session's data, "ok") for a valid code, else (None, "unknown" | "expired").

        Single use: the code and the saved session row are deleted in the same transaction, so a code opens its
        answers once (two requests racing with one code: one wins) and the browser that saved them no longer
        holds them; the caller keeps the data under a new session id."""
        normalised = normalise_resume_code(code)
        if normalised is None:
            return None, "unknown"
        with self.database.session() as db:
            row = db.get(ResumeCode, normalised)
            if row is None:
                return None, "unknown"
            session_id, expired = row.session_id, aware_utc(row.expires_at) <= now()
            if db.connection().execute(delete(ResumeCode).where(ResumeCode.code == normalised)).rowcount != 1:
                return None, "unknown"  # taken by a concurrent request
            if expired:
                return None, "expired"
            saved = db.execute(
                select(ResidentSession.data, ResidentSession.expires_at).where(ResidentSession.id == session_id)
            ).first()
            db.execute(delete(ResumeCode).where(ResumeCode.session_id == session_id))
            db.execute(delete(ResidentSession).where(ResidentSession.id == session_id))
            if saved is None or aware_utc(saved[1]) <= now():
                return None, "expired"
            return dict(saved[0]), "ok"

    def purge_expired(self) -> int:
        """Delete every expired session and resume code; return how many sessions went."""
        moment = now()
        with self.database.session() as db:
            db.execute(delete(ResumeCode).where(ResumeCode.expires_at <= moment))
            expired = db.scalars(select(ResidentSession.id).where(ResidentSession.expires_at <= moment)).all()
            if expired:
                db.execute(delete(ResumeCode).where(ResumeCode.session_id.in_(expired)))
                db.execute(delete(ResidentSession).where(ResidentSession.id.in_(expired)))
            return len(expired)


def normalise_resume_code(text: str) -> str | None:
    """Accept what people type: lower case, spaces, hyphens, O for 0 and I/L for 1."""
    cleaned = unicodedata.normalize("NFKC", text).upper().replace("-", "").replace(" ", "")
    cleaned = cleaned.replace("O", "0").replace("I", "1").replace("L", "1")
    if len(cleaned) != RESUME_LENGTH or any(c not in RESUME_ALPHABET for c in cleaned):
        return None
    return cleaned


def format_resume_code(code: str) -> str:
    """ABCD-EFGH-JKMNP: easier to read aloud and to type."""
    parts, start = [], 0
    for size in RESUME_GROUPS:
        parts.append(code[start : start + size])
        start += size
    return "-".join(parts)
