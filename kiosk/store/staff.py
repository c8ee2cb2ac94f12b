"""Staff accounts: hashed passwords, roles, and a lockout after repeated failures."""

from __future__ import annotations

from datetime import timedelta
from typing import NamedTuple

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from .database import Database
from .models import AuditEntry, StaffUser
from .sessions import aware_utc, now

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
ROLES = ("staff", "admin")
MIN_PASSWORD_LENGTH = 10


class StaffMember(NamedTuple):
    """An active account as a request needs it: no password hash."""

    id: int
    name: str
    role: str


class StaffStore:
    """Create staff accounts and check logins."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def add(self, name: str, password: str, role: str) -> StaffUser:
        """Create an account (or reset its password and role)."""
        if role not in ROLES:
            raise ValueError(f"role は {' / '.join(ROLES)} のどれかです")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise ValueError(f"パスワードは{MIN_PASSWORD_LENGTH}文字以上にしてください")
        password_hash = generate_password_hash(password)  # slow on purpose: before the write transaction
        with self.database.session() as db:
            user = db.scalar(select(StaffUser).where(StaffUser.name == name))
            if user is None:
                user = StaffUser(name=name, created_at=now())
                db.add(user)
            user.password_hash = password_hash
            user.role = role
            user.active = True
            user.failed_logins = 0
            user.locked_until = None
            db.add(AuditEntry(at=now(), staff=None, action="staff_added", detail=f"{name} ({role})"))
            db.flush()
            return user

    def get(self, user_id: int) -> StaffMember | None:
        """An active account by id."""
        with self.database.read() as db:
            user = db.get(StaffUser, user_id)
            return StaffMember(user.id, user.name, user.role) if user is not None and user.active else None

    def authenticate(self, name: str, password: str) -> tuple[StaffUser | None, str]:
        """(user, "ok") or (None, "invalid" | "locked"). Failures count towards a lockout."""
        moment = now()
        with self.database.read() as db:
            # A name with NUL is no account's (and PostgreSQL refuses NUL in a query).
            found = None if "\x00" in name else db.scalar(select(StaffUser).where(StaffUser.name == name))
        # The password is checked outside any transaction: it takes a tenth of a second on purpose, and on
        # SQLite a write transaction holds the one write lock every server process waits for.
        correct = found is not None and check_password_hash(found.password_hash, password)
        with self.database.session() as db:
            user = db.get(StaffUser, found.id) if found is not None else None  # as it is now, in this transaction
            if user is None or not user.active:
                db.add(AuditEntry(at=moment, staff=None, action="login_failed", detail="unknown account"))
                return None, "invalid"
            if user.locked_until is not None and aware_utc(user.locked_until) > moment:
                db.add(AuditEntry(at=moment, staff=name, action="login_locked"))
                return None, "locked"
            if not correct:
                user.failed_logins += 1
                if user.failed_logins >= MAX_FAILURES:
                    user.locked_until = moment + LOCKOUT
                    user.failed_logins = 0
                db.add(AuditEntry(at=moment, staff=name, action="login_failed"))
                return None, "locked" if user.locked_until and aware_utc(user.locked_until) > moment else "invalid"
            user.failed_logins = 0
            user.locked_until = None
            db.add(AuditEntry(at=moment, staff=name, action="login"))
            db.flush()
            return user, "ok"
