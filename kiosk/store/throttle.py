"""Attempts counted per key in the database, with a delay that grows with each failure.

Guessing a resume code or a staff password must not get faster with more server processes, with a fresh cookie
per try, or with many tries sent at once: the count lives in the shared database, per code, per account and per
client address, and an attempt is counted BEFORE it is checked, in the same locked transaction that decides
whether it may go ahead; a success gives its count back. The first few failures are free (a typo); after that
each failure blocks the key for twice as long as the last, up to a ceiling. Nothing here says whether a key
exists: unknown names and codes are counted like known ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import Connection, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from .database import Database
from .models import Throttle
from .sessions import aware_utc, now

Counted = Sequence[tuple[str, "Policy"]]


class _Count(NamedTuple):
    """What a key's row says: its failures, and until when it is blocked."""

    failures: int
    blocked_until: datetime | None


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
    """Count attempts per key; tell how long a key must still wait."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def attempt(self, counted: Counted, watched: Counted = ()) -> timedelta:
        """Count one attempt under every key of `counted` and, when it may go ahead, return zero; when a key is
        blocked, count nothing and return how long it must still wait.

        `watched` keys (an account attacked from many places) are counted too, but block only callers whose own
        `counted` keys have failed before: a clerk at a clean address is never kept out by someone else."""
        moment = now()
        everything = sorted({*counted, *watched}, key=lambda pair: pair[0])  # one lock order: no deadlocks
        with self.database.engine.begin() as connection:
            rows = {key: self._locked_row(connection, key, moment) for key, _ in everything}
            own_failures = any(rows[key].failures for key, _ in counted)
            blocking = [key for key, _ in counted] + ([key for key, _ in watched] if own_failures else [])
            wait = max((_remaining(rows[key].blocked_until, moment) for key in blocking), default=timedelta(0))
            if wait:
                return wait
            for key, policy in everything:
                failures = rows[key].failures + 1
                delay = policy.delay_after(failures)
                connection.execute(
                    update(Throttle)
                    .where(Throttle.key == key)
                    .values(failures=failures, blocked_until=moment + delay if delay else None, updated_at=moment)
                )
        return timedelta(0)

    def succeeded(self, counted: Counted, cleared: Sequence[str] = (), forgive: int = 0) -> None:
        """The attempt counted under `counted` succeeded: give its count back, and `forgive` earlier failures with
        it (a key shared by everyone at one place, such as an office's address, would otherwise only ever grow
        with their typos); forget `cleared` keys entirely."""
        moment = now()
        with self.database.engine.begin() as connection:
            for key, policy in counted:
                row = self._locked_row(connection, key, moment)
                failures = max(0, row.failures - 1 - forgive)
                blocked = row.blocked_until if policy.delay_after(failures) else None
                connection.execute(
                    update(Throttle).where(Throttle.key == key).values(failures=failures, blocked_until=blocked)
                )
            if cleared:
                connection.execute(delete(Throttle).where(Throttle.key.in_(cleared)))

    def clear(self, key: str) -> None:
        """Forget a key's failures."""
        with self.database.engine.begin() as connection:
            connection.execute(delete(Throttle).where(Throttle.key == key))

    def wait(self, key: str) -> timedelta:
        """How long `key` is still blocked (zero when it may try now)."""
        with self.database.reads.connect() as connection:
            blocked_until = connection.execute(select(Throttle.blocked_until).where(Throttle.key == key)).scalar()
        return _remaining(blocked_until, now())

    def purge(self, older_than: datetime) -> int:
        """Forget keys not tried since `older_than`."""
        with self.database.engine.begin() as connection:
            return connection.execute(delete(Throttle).where(Throttle.updated_at < older_than)).rowcount

    def _locked_row(self, connection: Connection, key: str, moment: datetime) -> _Count:
        """The key's count, its row made if missing and locked for this transaction (on SQLite the transaction
        began with BEGIN IMMEDIATE and holds the database's write lock; on PostgreSQL the row is locked FOR
        UPDATE)."""
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        connection.execute(
            dialect.insert(Throttle).values(key=key, failures=0, blocked_until=None, updated_at=moment)
            .on_conflict_do_nothing(index_elements=[Throttle.key])
        )
        row = connection.execute(
            select(Throttle.failures, Throttle.blocked_until).where(Throttle.key == key).with_for_update()
        ).one()
        return _Count(row.failures, row.blocked_until)


def _remaining(blocked_until: datetime | None, moment: datetime) -> timedelta:
    if blocked_until is None:
        return timedelta(0)
    return max(timedelta(0), aware_utc(blocked_until) - moment)
