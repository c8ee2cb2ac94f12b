"""Prepared statements give what SQLAlchemy gives (types, commits, errors), on SQLite and on PostgreSQL."""

import os
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import bindparam, insert, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError

from kiosk.store import Database
from kiosk.store.models import ResidentSession
from kiosk.store.sessions import aware_utc

from ..web.conftest import database_url_for_tests

POSTGRES = bool(os.environ.get("KIOSK_TEST_DATABASE_URL"))
MOMENT = datetime(2026, 5, 12, 9, 30, 15, 123456, tzinfo=UTC)
DATA = {"answers": {"okuyami": {"death_date": "2026-05-10", "heirs": ["spouse", "child"]}}, "lang": "ja"}

FETCH = select(ResidentSession.data, ResidentSession.expires_at).where(ResidentSession.id == bindparam("id"))
INSERT = insert(ResidentSession).values(
    id=bindparam("id"), kind="web", mode="home", data=bindparam("data"), created_at=bindparam("at"),
    updated_at=bindparam("at"), expires_at=bindparam("at"),
)
TOUCH = update(ResidentSession).where(ResidentSession.id == bindparam("id")).values(expires_at=bindparam("at"))


@pytest.fixture
def database(tmp_path):
    database = Database(database_url_for_tests(tmp_path))
    database.upgrade()
    yield database
    database.engine.dispose()


def test_rows_come_back_as_the_orm_reads_them(database):
    database.prepare(INSERT).execute(id="s1", data=DATA, at=MOMENT)
    data, expires_at = database.prepare(FETCH).first(id="s1")
    with database.session() as db:
        row = db.get(ResidentSession, "s1")
        assert data == row.data == DATA  # JSON decoded, lists stay lists
        assert aware_utc(expires_at) == aware_utc(row.expires_at) == MOMENT  # a datetime, to the microsecond


def test_a_missing_row_is_none_and_all_returns_every_row(database):
    assert database.prepare(FETCH).first(id="nobody") is None
    for number in range(3):
        database.prepare(INSERT).execute(id=f"s{number}", data={"n": number}, at=MOMENT)
    everyone = select(ResidentSession.data).order_by(ResidentSession.id)
    assert database.prepare(everyone).all() == [({"n": 0},), ({"n": 1},), ({"n": 2},)]


def test_writes_are_committed_and_say_how_many_rows_they_changed(database):
    touch = database.prepare(TOUCH)
    assert touch.execute(id="nobody", at=MOMENT) == 0
    database.prepare(INSERT).execute(id="s1", data=DATA, at=MOMENT)
    later = MOMENT + timedelta(hours=1)
    assert touch.execute(id="s1", at=later) == 1
    with database.engine.connect() as other:  # another connection sees it: committed
        stored = other.execute(select(ResidentSession.expires_at).where(ResidentSession.id == "s1")).scalar_one()
    assert aware_utc(stored) == later


def test_database_errors_are_sqlalchemys_and_never_show_the_values(database):
    database.prepare(INSERT).execute(id="s1", data={"name": "山田太郎"}, at=MOMENT)
    with pytest.raises(IntegrityError) as raised:  # the same id again
        database.prepare(INSERT).execute(id="s1", data={"name": "山田太郎"}, at=MOMENT)
    assert "山田" not in str(raised.value)  # personal data never reaches a log through an error message
    assert database.prepare(FETCH).first(id="s1")[0] == {"name": "山田太郎"}  # the pool's connection still works


def test_a_missing_table_is_an_operational_error(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'empty.sqlite3'}")  # never migrated
    with pytest.raises(OperationalError):
        database.prepare(FETCH).first(id="s1")


@pytest.mark.skipif(not POSTGRES, reason="a dropped server connection needs PostgreSQL")
def test_a_connection_the_server_dropped_is_replaced(database):
    fetch = database.prepare(FETCH)
    database.prepare(INSERT).execute(id="s1", data=DATA, at=MOMENT)
    with database.engine.connect() as admin:  # the server ends every other connection of this database
        admin.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ))
        admin.commit()
    # pool_pre_ping finds the dead connection on checkout and opens a new one: the read just works.
    assert fetch.first(id="s1")[0] == DATA
