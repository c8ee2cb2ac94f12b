"""The database: SQLite in the instance folder by default, PostgreSQL when KIOSK_DATABASE_URL says so."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql import ClauseElement

from .connections import Connections, PooledConnections, ThreadConnections
from .prepared import Prepared
from .write_queue import WriteQueue

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_TIMEOUT = 15  # seconds a SQLite connection waits for a lock before it reports the database busy


class Database:
    """One engine and session factory per app."""

    def __init__(self, url: str) -> None:
        if url.startswith(("postgresql://", "postgres://")):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]  # the driver we install
        self.url = url
        options: dict[str, object] = {}
        if url.startswith("sqlite"):
            options["connect_args"] = {"check_same_thread": False, "timeout": SQLITE_TIMEOUT}
        else:
            # A database server can restart or drop idle connections: test each one before use. A SQLite file
            # cannot, and the test query costs a round trip on every request.
            options["pool_pre_ping"] = True
        self.engine: Engine = create_engine(url, **options)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        database_file = _sqlite_file(self.engine) if url.startswith("sqlite") else None
        # SQLite has one writer at a time: short writes on hot paths queue for it (see write_queue).
        self._write_queue = WriteQueue(database_file) if url.startswith("sqlite") else None
        self._connections: Connections = (
            ThreadConnections(self.engine, database_file, _sqlite_pragmas, SQLITE_TIMEOUT)
            if database_file is not None
            else PooledConnections(self.engine)
        )

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

    def prepare(self, statement: ClauseElement) -> Prepared:
        """A hot statement compiled once and run on a DBAPI connection (prepared.py, connections.py); on SQLite
        its writes queue for the one writer (write_queue.py)."""
        return Prepared(self.engine, statement, self._write_queue.hold if self._write_queue else None,
                        self._connections)

    def upgrade(self) -> None:
        """Bring the schema to the newest migration (Alembic)."""
        command.upgrade(alembic_config(self.url), "head")


def alembic_config(url: str) -> Config:
    """Alembic configuration pointing at kiosk/store/migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def _sqlite_file(engine: Engine) -> Path | None:
    """The database file of a SQLite engine (None in memory)."""
    name = engine.url.database
    return Path(name).resolve() if name and name != ":memory:" and not name.startswith("file:") else None


def _sqlite_pragmas(connection: object, _record: object) -> None:
    # WAL lets several server processes read while one writes; foreign keys make cascades work.
    cursor = connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL never corrupts the database; a power cut may lose the last commits, which is what
    # SQLite recommends for WAL and avoids an fsync on every commit (every answer saves the session).
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")  # (how long to wait for a lock: the connection's SQLITE_TIMEOUT)
    cursor.close()

