"""Prepared statements on a SQLite file use one connection per thread; a dispose closes them; a fork gets its own."""

import os
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError

from kiosk.store import Database
from kiosk.store.connections import PooledConnections, ThreadConnections
from kiosk.store.models import ResidentSession

MOMENT = datetime(2026, 5, 12, 9, 30, tzinfo=UTC)
INSERT = insert(ResidentSession).values(
    id=bindparam("id"), kind="web", mode="home", data=bindparam("data"), created_at=MOMENT, updated_at=MOMENT,
    expires_at=MOMENT,
)
FETCH = select(ResidentSession.data).where(ResidentSession.id == bindparam("id"))


@pytest.fixture
def database(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'kiosk.sqlite3'}")
    database.upgrade()
    yield database
    database.engine.dispose()


def test_each_thread_keeps_one_connection_of_its_own(database):
    connections = database._connections
    assert isinstance(connections, ThreadConnections)
    mine = {connections.acquire() for _ in range(3)}
    theirs = []
    thread = threading.Thread(target=lambda: theirs.append(connections.acquire()))
    thread.start()
    thread.join()
    assert len(mine) == 1 and theirs[0] not in mine


def test_connections_of_ended_threads_are_closed(database):
    fetch = database.prepare(FETCH)
    database.prepare(INSERT).execute(id="s1", data={"n": 1})
    descriptors = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None
    for _ in range(40):  # a development server starts a thread per request
        thread = threading.Thread(target=lambda: fetch.first(id="s1"))
        thread.start()
        thread.join()
    assert fetch.first(id="s1") == ({"n": 1},)
    assert len(database._connections._open) <= 2  # this thread's and at most the last ended one's
    if descriptors is not None:
        assert len(os.listdir("/proc/self/fd")) <= descriptors + 4  # no file handle left behind per thread


def test_the_connection_sees_what_others_wrote_and_writes_are_committed(database):
    database.prepare(INSERT).execute(id="s1", data={"n": 1})
    with database.session() as db:  # through the ORM's own pooled connection
        db.add(ResidentSession(id="s2", kind="web", mode="home", data={"n": 2}, created_at=MOMENT,
                               updated_at=MOMENT, expires_at=MOMENT))
    fetch = database.prepare(FETCH)
    assert fetch.first(id="s1") == ({"n": 1},) and fetch.first(id="s2") == ({"n": 2},)


def test_a_failed_write_leaves_no_transaction_open(database):
    insert_session = database.prepare(INSERT)
    insert_session.execute(id="s1", data={"n": 1})
    with pytest.raises(IntegrityError):
        insert_session.execute(id="s1", data={"n": 2})
    assert not database._connections.acquire().in_transaction
    with database.session() as db:  # another connection can write: no lock was left behind
        db.add(ResidentSession(id="s3", kind="web", mode="home", data={}, created_at=MOMENT, updated_at=MOMENT,
                               expires_at=MOMENT))


def test_a_dispose_closes_them_and_a_missing_file_is_an_operational_error(tmp_path):
    folder = tmp_path / "db"
    folder.mkdir()
    database = Database(f"sqlite:///{folder / 'kiosk.sqlite3'}")
    database.upgrade()
    fetch = database.prepare(FETCH)
    database.prepare(INSERT).execute(id="s1", data={"n": 1})
    before = database._connections.acquire()
    database.engine.dispose()  # as a restart, or the outage test, does
    folder.rename(tmp_path / "away")  # the database went away
    try:
        with pytest.raises(OperationalError):
            fetch.first(id="s1")
    finally:
        (tmp_path / "away").rename(folder)
    assert fetch.first(id="s1") == ({"n": 1},)
    assert database._connections.acquire() is not before
    database.engine.dispose()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="gunicorn forks its workers")
def test_a_forked_worker_opens_its_own_connection(database):
    fetch = database.prepare(FETCH)
    database.prepare(INSERT).execute(id="s1", data={"n": 1})
    parent = database._connections.acquire()
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker
        ok = database._connections.acquire() is not parent and fetch.first(id="s1") == ({"n": 1},)
        os.write(writer, b"1" if ok else b"0")
        os._exit(0)
    os.close(writer)
    assert os.read(reader, 1) == b"1"
    os.waitpid(pid, 0)
    assert fetch.first(id="s1") == ({"n": 1},)  # the parent's connection still works


def test_a_database_in_memory_uses_the_pool():
    database = Database("sqlite://")
    assert isinstance(database._connections, PooledConnections)
