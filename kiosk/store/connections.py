"""Where prepared statements (prepared.py) get their DBAPI connection.

From the engine's pool, except for a SQLite file: there each thread keeps one sqlite3 connection of its own
for them. Checking a connection out of SQLAlchemy's pool and back in costs about 7 µs on its own and, in a
loaded server, 25–35 µs of a 230 µs question page (docs/benchmarks.md), for a file that needs no pool: a
SQLite connection is a file handle, and one per thread is what SQLite recommends for threads. The ORM and
Core keep using the pool. A dispose of the engine (a restart, the outage test) closes these connections too,
so the next statement opens the file again, as a pooled one would.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Engine, event


class Connections(Protocol):
    """Lends DBAPI connections to prepared statements."""

    def acquire(self) -> Any:
        """A connection for one statement."""

    def release(self, connection: Any, failed: bool) -> None:
        """The statement is done (`failed`: it raised, and its transaction must not survive)."""

    def invalidate(self, connection: Any, error: BaseException) -> None:
        """The database dropped this connection: never use it again."""


class PooledConnections:
    """Connections from the engine's pool, returned after each statement (PostgreSQL; SQLite in memory)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def acquire(self) -> Any:
        return self.engine.raw_connection()

    def release(self, connection: Any, failed: bool) -> None:
        connection.close()  # back to the pool, which rolls back whatever was not committed

    def invalidate(self, connection: Any, error: BaseException) -> None:
        connection.invalidate(error)


_Opened = tuple[sqlite3.Connection, int, threading.Thread]


class ThreadConnections:
    """One sqlite3 connection per thread (and process) for a SQLite file.

    A connection stays with its thread; one whose thread has ended (a development server starts a thread per
    request) is closed when the next connection opens, so their number stays that of the live threads."""

    def __init__(self, engine: Engine, database_file: Path, prepare: Callable[[Any, Any], None],
                 timeout: float) -> None:
        self.database_file = database_file
        self._prepare = prepare  # the engine's own "connect" setup (pragmas)
        self._timeout = timeout
        self._local = threading.local()
        self._lock = threading.Lock()
        # Every connection opened, with the process and the thread that opened it.
        self._open: list[_Opened] = []
        self._generation = 0
        event.listen(engine, "engine_disposed", self.close_all)

    def acquire(self) -> Any:
        held = getattr(self._local, "held", None)
        if held is not None and held[1:] == (os.getpid(), self._generation):
            return held[0]
        connection = sqlite3.connect(self.database_file, timeout=self._timeout, check_same_thread=False)
        try:
            self._prepare(connection, None)
        except BaseException:
            connection.close()
            raise
        pid = os.getpid()
        ended: list[_Opened] = []
        with self._lock:
            generation = self._generation  # read with the list: a dispose cannot slip in between
            self._open.append((connection, pid, threading.current_thread()))
            keep: list[_Opened] = []
            for entry in self._open:
                (ended if entry[1] == pid and not entry[2].is_alive() else keep).append(entry)
            self._open = keep
        for stale, _, _ in ended:
            with suppress(sqlite3.Error):
                stale.close()
        self._local.held = (connection, pid, generation)
        return connection

    def release(self, connection: Any, failed: bool) -> None:
        if failed and connection.in_transaction:
            try:
                connection.rollback()
            except sqlite3.Error as error:  # an open transaction would hold SQLite's write lock: let it go
                self.invalidate(connection, error)

    def invalidate(self, connection: Any, error: BaseException) -> None:
        self._local.held = None
        with self._lock:
            self._open = [entry for entry in self._open if entry[0] is not connection]
        with suppress(sqlite3.Error):
            connection.close()

    def close_all(self, _engine: Any = None) -> None:
        """Close every thread's connection (the engine was disposed): each opens the file again when next used."""
        with self._lock:
            self._generation += 1
            closing, self._open = self._open, []
        for connection, pid, _ in closing:
            if pid == os.getpid():  # never a connection a parent process opened before forking
                with suppress(sqlite3.Error):
                    connection.close()
