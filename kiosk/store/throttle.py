"""Failed attempts counted per key in the database, with a delay that grows with each failure.

Guessing a resume code or a staff password must not get faster with more server processes or with a fresh
cookie per try: the count lives in the shared database, per code, per account and per client address. The
first few failures are free (a typo); after that each failure blocks the key for twice as long as the last,
up to a ceiling, and a success clears it. Nothing here says whether a key exists: unknown names and codes are
counted like known ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete

from .database import Database
from .models import Throttle
from .sessions import aware_utc, now


@dataclass(frozen=True)
class Policy:
    """`free` failures without delay, then `first_delay` doubling up to `longest`."""

    free: int
    first_delay: timedelta
    longest: timedelta

    def delay_after(self, failures: int) -> timedelta:
        """How long a key is blocked after its `failures`-th failure."""
        if failures <= self.free:
            return timedelta(0)
        grown: timedelta = self.first_delay * 2 ** min(failures - self.free - 1, 30)
        return min(self.longest, grown)


class ThrottleStore:
    """Count failures per key; tell how long a key must still wait."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def wait(self, key: str) -> timedelta:
        """How long `key` is still blocked (zero when it may try now)."""
        with self.database.read() as db:
            row = db.get(Throttle, key)
            if row is None or row.blocked_until is None:
                return timedelta(0)
            return max(timedelta(0), aware_utc(row.blocked_until) - now())

    def fail(self, key: str, policy: Policy) -> timedelta:
        """Count a failure; returns how long the key is now blocked."""
        moment = now()
        with self.database.session() as db:
            row = db.get(Throttle, key)
            if row is None:
                row = Throttle(key=key, failures=0, updated_at=moment)
                db.add(row)
            row.failures += 1
            row.updated_at = moment
            delay = policy.delay_after(row.failures)
            row.blocked_until = moment + delay if delay else None
            return delay

    def clear(self, key: str) -> None:
        """Forget a key's failures (after a success)."""
        with self.database.session() as db:
            db.execute(delete(Throttle).where(Throttle.key == key))

    def purge(self, older_than: datetime) -> int:
        """Forget keys not tried since `older_than`."""
        with self.database.engine.begin() as connection:
            return connection.execute(delete(Throttle).where(Throttle.updated_at < older_than)).rowcount
