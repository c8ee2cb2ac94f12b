"""Staff accounts: hashed passwords checked against a password-strength estimator, and roles.

Repeated failures are slowed down by the login page (ThrottleStore, per account, per client address and per
both), not by a lock in the account: a lock anyone can trigger by typing a clerk's name is a way to shut the
counter down.
"""

from __future__ import annotations

import threading
from functools import cache
from typing import NamedTuple

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from .database import Database
from .models import AuditEntry, StaffUser
from .sessions import now

ROLES = ("staff", "admin")
MIN_PASSWORD_LENGTH = 10
MIN_PASSWORD_SCORE = 3
"""zxcvbn's score (0–4): 3 is "safely unguessable: moderate protection from an offline slow-hash scenario"."""
MIN_NAME_IN_PASSWORD = 3
"""A name at least this long must not appear in its password (shorter ones are in too many passwords)."""
_ZXCVBN_MAX = 72  # zxcvbn refuses longer passwords; the first 72 characters decide whether it is guessable
_zxcvbn_lock = threading.Lock()  # zxcvbn keeps the user inputs in a module-level dictionary while it runs

# zxcvbn's warnings (English, fixed texts), said in Japanese.
_WARNINGS = {
    "Straight rows of keys are easy to guess.": "キーボードの並び（qwerty など）は推測されやすいです。",
    "Short keyboard patterns are easy to guess.": "キーボード上の短い並びは推測されやすいです。",
    'Repeats like "aaa" are easy to guess.': "同じ文字の繰り返し（aaa など）は推測されやすいです。",
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".':
        "同じ並びの繰り返し（abcabc など）は推測されやすいです。",
    'Sequences like "abc" or "6543" are easy to guess.': "連続した文字や数字（abc、6543 など）は推測されやすいです。",
    "Recent years are easy to guess.": "最近の年（2025 など）は推測されやすいです。",
    "Dates are often easy to guess.": "日付は推測されやすいです。",
    "This is a top-10 common password.": "非常によく使われているパスワードです。",
    "This is a top-100 common password.": "非常によく使われているパスワードです。",
    "This is a very common password.": "よく使われているパスワードです。",
    "This is similar to a commonly used password.": "よく使われているパスワードに似ています。",
    "A word by itself is easy to guess.": "単語ひとつだけでは推測されやすいです。",
    "Names and surnames by themselves are easy to guess.": "名前や名字だけでは推測されやすいです。",
    "Common names and surnames are easy to guess.": "よくある名前や名字は推測されやすいです。",
}


class WeakPassword(ValueError):
    """A password the rules refuse; the message says why, in Japanese."""


def password_problem(name: str, password: str) -> str | None:
    """Why `password` may not be used for the account `name` (in Japanese), or None when it may."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"パスワードは{MIN_PASSWORD_LENGTH}文字以上にしてください。"
    folded_name = name.strip().casefold()
    if len(folded_name) >= MIN_NAME_IN_PASSWORD and folded_name in password.casefold():
        return "パスワードに職員名（ログイン名）を含めないでください。"
    # Imported here: its dictionaries take about 13 MB, needed only when a password is set, never by a worker.
    from zxcvbn import zxcvbn

    with _zxcvbn_lock:
        estimate = zxcvbn(password[:_ZXCVBN_MAX], user_inputs=[name, "kiosk", "staff", "madoguchi"])
    if estimate["score"] >= MIN_PASSWORD_SCORE:
        return None
    why = _WARNINGS.get(estimate["feedback"].get("warning") or "", "推測されやすいパスワードです。")
    return (f"このパスワードは使えません: {why}"
            "よくある単語や並びを避け、関係のない単語をいくつか組み合わせた長めのパスワードにしてください。")


@cache
def _dummy_hash() -> str:
    """A hash of no one's password: unknown names cost the same time as known ones."""
    return generate_password_hash("no account has this password, it only takes time to check")


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
        problem = password_problem(name, password)
        if problem is not None:
            raise WeakPassword(problem)
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

    def authenticate(self, name: str, password: str) -> tuple[StaffMember | None, str]:
        """(member, "ok") or (None, "invalid"): the same answer, after about the same time, for an unknown name,
        an inactive account and a wrong password. Throttling is the caller's (it knows the client address)."""
        moment = now()
        with self.database.read() as db:
            # A name with NUL is no account's (and PostgreSQL refuses NUL in a query).
            found = None if "\x00" in name else db.scalar(select(StaffUser).where(StaffUser.name == name))
            known = found is not None and found.active
            stored_hash = found.password_hash if found is not None and known else _dummy_hash()
            member = StaffMember(found.id, found.name, found.role) if found is not None and known else None
        # The password is checked outside any transaction: it takes a tenth of a second on purpose, and on
        # SQLite a write transaction holds the one write lock every server process waits for. Unknown names
        # are checked against a dummy hash, so the time taken does not tell them apart.
        correct = check_password_hash(stored_hash, password) and member is not None
        with self.database.session() as db:
            if not correct:
                # The audit entry has the same shape either way; only known names are written (a typed password
                # in the name field must not end up in the log).
                db.add(AuditEntry(at=moment, staff=name if member else None, action="login_failed",
                                  detail="" if member else "unknown account"))
                return None, "invalid"
            db.add(AuditEntry(at=moment, staff=name, action="login"))
            return member, "ok"
