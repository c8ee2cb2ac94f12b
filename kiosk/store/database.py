"""The database: SQLite in the instance folder by default, PostgreSQL when KIOSK_DATABASE_URL says so."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_TIMEOUT = 15  # seconds a SQLite connection waits for a lock before it reports the database busy
_READ_ONLY = "kiosk_read_only"  # execution option of the connections Database.read() hands out
# /health reports the database unavailable below this much free disk space (SQLite): SQLite writes nothing until a
# commit, so a write that is rolled back cannot tell that the next commit will fail for want of space.
MIN_FREE_BYTES = 16 * 1024 * 1024
# The tables whose rows hold personal data: `kiosk purge --vacuum` rewrites them on PostgreSQL (VACUUM FULL).
PERSONAL_TABLES = ("resident_sessions", "resume_codes", "cases", "throttle")


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
        self.reads: Engine = self.engine.execution_options(**{_READ_ONLY: True})
        """The engine for Core reads (`with database.reads.connect() as connection:`), which on SQLite leave
        the write lock to writers."""
        self._read_sessions = sessionmaker(self.reads)

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

    @property
    def sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def erase_deleted(self, vacuum: bool = False) -> bool:
        """After a purge: make sure what was deleted is gone from the database's files, not only from its tables.

        SQLite: every connection zeroes what it deletes (secure_delete, set in _sqlite_connect), but the WAL still
        holds copies of the pages from before the deletes; a TRUNCATE checkpoint copies the WAL into the database
        and empties it. `vacuum` first rebuilds the file (VACUUM), which also drops free pages a database written
        before secure_delete was on may still hold, and shrinks it. The checkpoint waits for readers and writers
        (up to the busy timeout); False when it could not finish, so that the caller can say so.

        PostgreSQL keeps deleted rows in its data files until they are reused: `vacuum` rewrites the tables that
        hold personal data (VACUUM FULL, which locks each table for the moment it takes). Its write-ahead log and
        backups are the database administrator's to manage."""
        if not self.sqlite:
            if vacuum:
                with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                    connection.exec_driver_sql(f"VACUUM FULL {', '.join(PERSONAL_TABLES)}")
            return True
        # A raw connection: VACUUM cannot run inside the transaction SQLAlchemy would begin (_sqlite_begin).
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            if vacuum:
                cursor.execute("VACUUM")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            busy_log_copied = cursor.fetchone()  # busy is 1 when the checkpoint could not finish
            cursor.close()
        finally:
            raw.close()
        return busy_log_copied is not None and int(busy_log_copied[0]) == 0

    def check_writes(self) -> None:
        """Raise (SQLAlchemyError) unless the database takes writes now: a row updated in a transaction that is
        then rolled back (the one row of alembic_version: no sequence used, nothing of the app's touched), and on
        SQLite enough free disk space for the next commits. Cheap enough for /health."""
        with self.engine.connect() as connection:
            try:
                connection.execute(text("UPDATE alembic_version SET version_num = version_num"))
            finally:
                connection.rollback()
        if self.sqlite:
            path = self.sqlite_path()
            if path is not None and shutil.disk_usage(path.parent).free < MIN_FREE_BYTES:
                raise DiskFull(f"less than {MIN_FREE_BYTES // 2**20} MiB free for the database")

    def sqlite_path(self) -> Path | None:
        """The SQLite database file (None in memory)."""
        name = self.engine.url.database or ""
        if name.startswith("file:"):  # a URI filename (sqlite:///file:path?mode=ro&uri=true)
            name = name.removeprefix("file:").split("?", 1)[0]
        if not name or name == ":memory:":
            return None
        return Path(name)


class DiskFull(SQLAlchemyError):
    """Too little disk space left for the database to take writes."""


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
    # Deleted and overwritten rows (sessions, cases, prefill) are zeroed in the file rather than left in free space
    # until reused: `kiosk purge` must leave no resident's name in the file (with the TRUNCATE checkpoint,
    # Database.erase_deleted). The cost: freed space is written once more.
    cursor.execute("PRAGMA secure_delete=ON")
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
