"""One SQLite writer at a time, across the threads and processes of a server, without SQLite's sleeps.

SQLite allows one writer. A writer that finds the file locked sleeps and tries again (1, 2, 5, 10, 15, 20,
25, 50, 100 ms), so under load writers wait far longer than the write takes. Here writers queue instead:
threads on a lock, processes on an flock() on a file beside the database, both of which wake the next
writer as soon as the previous one is done. Where flock() does not exist (Windows) only threads queue.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]


class WriteQueue:
    """A re-entrant lock for writes to one SQLite file."""

    def __init__(self, database_file: Path | None) -> None:
        self.lock_file = database_file.with_name(database_file.name + ".write-lock") if database_file else None
        self._threads = threading.RLock()
        # Changed only by the thread that holds _threads:
        self._depth = 0
        self._file_locked = False
        self._descriptor: int | None = None
        self._pid = 0

    def hold(self) -> WriteQueue:
        """`with queue.hold():` holds the write lock for the duration of the block (a class, not a generator:
        every answer takes it)."""
        return self

    def __enter__(self) -> None:
        self._threads.acquire()
        self._depth += 1
        if self._depth == 1:
            try:
                self._file_locked = self._lock_file()
            except BaseException:
                self._depth -= 1
                self._threads.release()
                raise

    def __exit__(self, *exc_info: object) -> None:
        try:
            if self._depth == 1 and self._file_locked:
                self._file_locked = False
                self._unlock_file()
        finally:
            self._depth -= 1
            self._threads.release()

    def _lock_file(self) -> bool:
        if fcntl is None or self.lock_file is None:
            return False
        if self._descriptor is None or self._pid != os.getpid():
            # An flock belongs to an open file, which a forked worker shares with its parent: open our own.
            try:
                self._descriptor = os.open(self.lock_file, os.O_RDWR | os.O_CREAT, 0o600)
            except OSError:
                # The folder is gone or read-only: only threads queue, and the write itself reports the
                # problem as the database error it is (a clear 503 page, not a crash).
                self._descriptor = None
                return False
            self._pid = os.getpid()
        fcntl.flock(self._descriptor, fcntl.LOCK_EX)
        return True

    def _unlock_file(self) -> None:
        if fcntl is not None and self._descriptor is not None:
            fcntl.flock(self._descriptor, fcntl.LOCK_UN)
