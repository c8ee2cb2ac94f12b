"""Finding 13 (part): /health says ok only when the database takes writes, which every answer needs. It used to
run a SELECT only, and said ok for a database residents could not save an answer to."""

import shutil
from collections import namedtuple
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import SQLAlchemyError

from kiosk import create_app
from kiosk.extensions import services
from kiosk.store.models import AuditEntry, Throttle

from ..web.conftest import SPEECH_CACHE, TODAY, database_url_for_tests


@pytest.fixture
def apps():
    made = []

    def make(url: str, **settings):
        app = create_app({"TESTING": True, "KIOSK_DATABASE_URL": url, "TODAY": lambda: TODAY,
                          "SECRET_KEY": "security-test-secret-key", "KIOSK_SPEECH_CACHE": str(SPEECH_CACHE),
                          "KIOSK_SPEECH": False, **settings})
        made.append(app)
        return app

    yield make
    for app in made:
        services(app).database.engine.dispose()


def read_only_app(apps, url: str):
    """The app on a database that reads but refuses writes: SQLite's query_only, PostgreSQL's read-only
    transactions (as on a standby, or with default_transaction_read_only set)."""
    app = apps(url)
    engine = services(app).database.engine
    engine.dispose()

    @event.listens_for(engine, "connect")
    def read_only(connection, _record):
        cursor = connection.cursor()
        if url.startswith("sqlite"):
            cursor.execute("PRAGMA query_only = ON")
        else:
            cursor.execute("SET default_transaction_read_only = on")
            connection.commit()
        cursor.close()

    return app


def test_health_is_503_when_the_database_reads_but_refuses_writes(tmp_path, apps):
    app = read_only_app(apps, database_url_for_tests(tmp_path))
    assert app.test_client().get("/").status_code == 200  # pages that only read still work…
    with pytest.raises(SQLAlchemyError):  # …but no resident's answer can be saved
        services(app).sessions.save("s" * 43, {"answers": {"death_date": "2026-05-10"}}, timedelta(minutes=5),
                                    kind="web", mode="home")

    reply = app.test_client().get("/health")

    assert reply.status_code == 503
    body = reply.get_json()
    assert body["status"] == "unavailable" and body["checks"]["database"] == "ok"
    assert body["checks"]["database_writes"].startswith("unavailable")


def test_health_is_503_when_the_disk_of_a_sqlite_database_is_full(tmp_path, apps, monkeypatch):
    app = apps(f"sqlite:///{tmp_path / 'kiosk.sqlite3'}")
    assert app.test_client().get("/health").status_code == 200
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda _path: usage(10**9, 10**9 - 4096, 4096))

    reply = app.test_client().get("/health")

    assert reply.status_code == 503
    assert reply.get_json()["checks"]["database_writes"] == "unavailable (DiskFull)"


def test_health_checks_writes_without_writing_anything(tmp_path, apps):
    url = database_url_for_tests(tmp_path)
    app = apps(url)
    client = app.test_client()
    database = services(app).database
    wal = tmp_path / "kiosk.sqlite3-wal"
    def wal_size() -> int:
        return wal.stat().st_size if wal.exists() else 0

    client.get("/health")
    before = wal_size()

    for _ in range(20):
        reply = client.get("/health")
        assert reply.status_code == 200, reply.get_data(as_text=True)
        assert reply.get_json()["checks"] == {"database": "ok", "database_writes": "ok"}

    with database.read() as db:
        assert db.scalar(select(func.count()).select_from(AuditEntry)) == 0
        assert db.scalar(select(func.count()).select_from(Throttle)) == 0
    assert wal_size() == before  # a rolled-back write: nothing reached the file (SQLite)
