"""The database: SQLite in the instance folder by default, PostgreSQL when KIOSK_DATABASE_URL says so."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_TIMEOUT = 15  # seconds a SQLite connection waits for a lock before it reports the database busy
_READ_ONLY = "kiosk_read_only"  # execution option of the connections Database.read() hands out


class Database:
    """One engine and session factory per app.

    `session()` is a unit of work that may write, `read()` a session that only reads; Core statements use
    `engine.begin()`. On SQLite every transaction but read()'s takes the write lock when it begins.
    """

    def __init__(self, url: str) -> None:
        if url.startswith(("postgresql://", "postgres://")):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]  # the driver we install
        self.url = url
        sqlite = url.startswith("sqlite")
        options: dict[str, Any] = {}
        if sqlite:
            options["connect_args"] = {"check_same_thread": False, "timeout": SQLITE_TIMEOUT}
        else:
            # A database server can restart or drop idle connections: test each one before use. A SQLite file
            # cannot, and the test query costs a round trip on every request.
            options["pool_pre_ping"] = True
        # Statement parameters hold residents' answers: keep them out of error messages and so out of logs.
        self.engine: Engine = create_engine(url, hide_parameters=True, **options)
        if sqlite:
            event.listen(self.engine, "connect", _sqlite_connect)
            event.listen(self.engine, "begin", _sqlite_begin)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(self.engine.execution_options(**{_READ_ONLY: True}))

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed on success, rolled back on error."""
        with self.sessions() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def read(self) -> Session:
        """A session for reads only (`with database.read() as db:`); on SQLite it leaves the write lock to
        writers. What it loads stays readable after the block."""
        return self._read_sessions()

    def upgrade(self) -> None:
        """Bring the schema to the newest migration (Alembic)."""
        command.upgrade(alembic_config(self.url), "head")


def alembic_config(url: str) -> Config:
    """Alembic configuration pointing at kiosk/store/migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def _sqlite_connect(connection: Any, _record: object) -> None:
    # pysqlite starts transactions itself, deferred and only before a write: switch that off and begin them in
    # _sqlite_begin instead (SQLAlchemy's recipe for pysqlite transactions).
    connection.isolation_level = None
    cursor = connection.cursor()
    # WAL lets several server processes read while one writes; foreign keys make cascades work.
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL never corrupts the database; a power cut may lose the last commits, which is what
    # SQLite recommends for WAL and avoids an fsync on every commit (every answer saves the session).
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")  # (how long to wait for a lock: the connection's SQLITE_TIMEOUT)
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    # Several server processes write one file. A deferred transaction that reads and then writes cannot wait
    # for the write lock: SQLite answers "database is locked" at once rather than let it write over what it
    # read. So a transaction that may write takes the lock at BEGIN, where it waits up to SQLITE_TIMEOUT.
    # Reads begin deferred: in WAL mode they never wait for writers.
    if connection.get_execution_options().get(_READ_ONLY):
        connection.exec_driver_sql("BEGIN")
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
