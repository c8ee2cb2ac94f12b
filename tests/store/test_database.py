"""The database's settings: SQLite tuned for several server processes on one file, errors without personal data,
and a dropped PostgreSQL connection replaced."""

import multiprocessing
import os
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from kiosk.store import Database
from kiosk.store.models import ResidentSession

from ..web.conftest import database_url_for_tests

POSTGRES = bool(os.environ.get("KIOSK_TEST_DATABASE_URL"))
MOMENT = datetime(2026, 5, 12, 9, 30, tzinfo=UTC)
PROCESSES, THREADS, ROUNDS = 3, 4, 25


@pytest.fixture
def database(tmp_path):
    database = Database(database_url_for_tests(tmp_path))
    database.upgrade()
    yield database
    database.engine.dispose()


def _session(session_id, data):
    return ResidentSession(id=session_id, kind="web", mode="home", data=data, created_at=MOMENT, updated_at=MOMENT,
                           expires_at=MOMENT)


@pytest.mark.skipif(POSTGRES, reason="SQLite settings")
def test_sqlite_uses_wal_normal_sync_foreign_keys_and_waits_for_locks(database):
    with database.engine.connect() as connection:
        pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 1  # NORMAL
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") == 15000


def test_database_errors_never_show_the_values(database):
    with database.session() as db:
        db.add(_session("s1", {"name": "山田太郎"}))
    with pytest.raises(IntegrityError) as raised, database.session() as db:  # the same id again
        db.add(_session("s1", {"name": "山田太郎"}))
    assert "山田" not in str(raised.value)  # personal data never reaches a log through an error message
    with database.read() as db:
        assert db.get(ResidentSession, "s1").data == {"name": "山田太郎"}


def _count_up(url, rounds):
    """Read a counter and write it back, `rounds` times in each of THREADS threads: each a read-then-write
    transaction, the kind a deferred SQLite transaction fails with "database is locked"."""
    database = Database(url)
    failures = []

    def work():
        try:
            for _ in range(rounds):
                with database.session() as db:
                    row = db.get(ResidentSession, "counter")
                    row.data = {"n": row.data["n"] + 1}
        except Exception as error:  # reported to the parent, which fails the test
            failures.append(repr(error))

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    database.engine.dispose()
    if failures:
        raise SystemExit(failures[0])


@pytest.mark.skipif(POSTGRES, reason="SQLite's one writer; PostgreSQL's read committed would need row locks here")
def test_read_then_write_transactions_of_several_processes_wait_their_turn(database):
    with database.session() as db:
        db.add(_session("counter", {"n": 0}))
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_count_up, args=(database.url, ROUNDS)) for _ in range(PROCESSES)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(120)
    assert [process.exitcode for process in processes] == [0] * PROCESSES
    with database.read() as db:
        assert db.get(ResidentSession, "counter").data == {"n": PROCESSES * THREADS * ROUNDS}  # none lost


@pytest.mark.skipif(not POSTGRES, reason="a dropped server connection needs PostgreSQL")
def test_a_connection_the_server_dropped_is_replaced(database):
    with database.session() as db:
        db.add(_session("s1", {"n": 1}))
    with database.engine.connect() as admin:  # the server ends every other connection of this database
        admin.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ))
        admin.commit()
    # pool_pre_ping finds the dead connection on checkout and opens a new one: the read just works.
    with database.read() as db:
        assert db.get(ResidentSession, "s1").data == {"n": 1}
