"""Finding 9: `kiosk purge` deletes personal data for good, with the retention periods in force when it runs.

The attack: read the SQLite file and its WAL after the purge (`strings kiosk.sqlite3*`). Deleted rows used to stay
in free space and in the WAL until reused or checkpointed.
"""

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text, update

from kiosk import create_app
from kiosk.cli import main
from kiosk.config import Settings
from kiosk.extensions import services
from kiosk.store.models import AuditEntry, Case, ResumeCode, Throttle

from ..web.conftest import SPEECH_CACHE, TODAY, Resident, database_url_for_tests
from ..web.test_resident_flow import OKUYAMI_78

PROJECT = Path(__file__).resolve().parents[2]
SECRET = "security-test-secret-key"

# A resident nobody else is called, so that any trace of them in the file is theirs.
SURNAME, GIVEN, KANA = "勅使河原", "蓮之丞", "テシガワラ レンノジョウ"
PHONE = "090-8642-1357"
ADDRESS = "東京都国立市富士見台9-8-7"


def needles() -> dict[str, list[bytes]]:
    """Each personal detail as it may lie in the file: UTF-8, and JSON's \\u escapes (the JSON columns)."""
    found: dict[str, list[bytes]] = {}
    for value in (SURNAME, GIVEN, "テシガワラ", "富士見台"):
        escaped = json.dumps(value)[1:-1]
        found[value] = [value.encode(), escaped.encode(), escaped.upper().replace("\\U", "\\u").encode()]
    found[PHONE] = [b"8642-1357", b"86421357"]
    return found


def traces(database: Path) -> list[str]:
    """The details found in the raw bytes of the database file and its WAL.

    Read by another process, as `strings` would: closing a file SQLite has open in this process would drop the
    app's locks on it (POSIX locks are per process), and the purge could then empty the WAL under its feet."""
    files = [str(path) for path in (database, database.with_name(database.name + "-wal")) if path.exists()]
    reader = "import sys; sys.stdout.buffer.write(b''.join(open(name, 'rb').read() for name in sys.argv[1:]))"
    raw = subprocess.run([sys.executable, "-c", reader, *files], capture_output=True, check=True).stdout
    return [value for value, forms in needles().items() if any(form in raw for form in forms)]


@pytest.fixture
def apps():
    made = []

    def make(url: str, **settings):
        app = create_app({"TESTING": True, "KIOSK_DATABASE_URL": url, "TODAY": lambda: TODAY, "SECRET_KEY": SECRET,
                          "KIOSK_SPEECH_CACHE": str(SPEECH_CACHE), "KIOSK_SPEECH": False, **settings})
        made.append(app)
        return app

    yield make
    for app in made:
        services(app).database.engine.dispose()


def kiosk_purge(monkeypatch, url: str, *args: str, **env: str):
    """`kiosk purge` as cron runs it, in this process (CliRunner)."""
    monkeypatch.setenv("KIOSK_DATABASE_URL", url)
    monkeypatch.setenv("KIOSK_SECRET_KEY", SECRET)
    monkeypatch.setenv("KIOSK_SPEECH", "0")
    for name in ("KIOSK_RETENTION_DAYS", "KIOSK_AUDIT_RETENTION_DAYS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return CliRunner().invoke(main, ["purge", *args])


def resident_with_case(app) -> Resident:
    """A resident who answered おくやみ, gave their details and made a slip: a counter case with their details."""
    resident = Resident(app.test_client())
    resident.start("okuyami")
    resident.answer_all("okuyami", OKUYAMI_78)
    resident.get("/okuyami/prefill/applicant")
    response = resident.post("/okuyami/prefill/applicant", {
        "name": f"{SURNAME}　{GIVEN}", "name_kana": KANA, "birth_date": "1968-04-21", "postal_code": "186-0003",
        "address": ADDRESS, "phone": PHONE, "relationship": "child"})
    assert response.status_code == 302, resident.page
    resident.make_slip("okuyami")
    return resident


def age_cases(app, days: int, *, only_updated: bool = False) -> None:
    """Move the cases `days` into the past (as if saved then)."""
    moment = datetime.now(UTC) - timedelta(days=days)
    values = {"updated_at": moment} if only_updated else {"created_at": moment, "updated_at": moment,
                                                           "purge_after": moment + timedelta(days=1)}
    with services(app).database.session() as db:
        db.execute(update(Case).values(**values))


def case_count(app) -> int:
    with services(app).database.read() as db:
        return len(db.scalars(select(Case.id)).all())


def test_after_kiosk_purge_the_database_file_and_its_wal_hold_no_purged_name_or_phone(tmp_path, apps):
    database = tmp_path / "kiosk.sqlite3"
    url = f"sqlite:///{database}"  # the files themselves are the point: SQLite whatever database the suite uses
    app = apps(url)  # stays open, as a running server's connections do
    resident = resident_with_case(app)
    resident.post("/reset")  # the resident leaves: their session (with the same details) is deleted at once
    assert traces(database) == list(needles()), "the test must see the details in the file before the purge"
    age_cases(app, 31)  # past the profile's 30 days

    purge = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "purge"], cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env={**os.environ, "KIOSK_DATABASE_URL": url, "KIOSK_SECRET_KEY": SECRET, "KIOSK_SPEECH": "0",
             "PYTHONPATH": str(PROJECT)},
    )

    assert purge.returncode == 0, purge.stdout + purge.stderr
    assert "案件 1 件" in purge.stdout
    assert case_count(app) == 0
    assert traces(database) == [], "`strings` of the database file or its WAL still finds the purged resident"
    wal = database.with_name(database.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def test_purge_vacuum_rebuilds_the_file_without_free_pages(tmp_path, apps):
    database = tmp_path / "kiosk.sqlite3"
    url = f"sqlite:///{database}"
    app = apps(url)
    for _ in range(3):
        resident_with_case(app).post("/reset")
    age_cases(app, 31)
    purge = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "purge", "--vacuum"], cwd=tmp_path, capture_output=True, text=True,
        timeout=120, env={**os.environ, "KIOSK_DATABASE_URL": url, "KIOSK_SECRET_KEY": SECRET, "KIOSK_SPEECH": "0",
                          "PYTHONPATH": str(PROJECT)},
    )
    assert purge.returncode == 0, purge.stdout + purge.stderr
    with services(app).database.engine.connect() as connection:
        assert connection.execute(text("PRAGMA freelist_count")).scalar() == 0
    assert traces(database) == []


def test_every_sqlite_connection_zeroes_what_it_deletes(tmp_path, apps):
    app = apps(f"sqlite:///{tmp_path / 'kiosk.sqlite3'}")
    with services(app).database.engine.connect() as connection:
        assert connection.execute(text("PRAGMA secure_delete")).scalar() == 1
    with services(app).database.read() as db:
        assert db.execute(text("PRAGMA secure_delete")).scalar() == 1


def test_shortening_the_retention_period_takes_effect_at_the_next_purge(tmp_path, apps, monkeypatch):
    url = database_url_for_tests(tmp_path)
    app = apps(url)  # the profile's 30 days: each case says it will be deleted 30 days after it was saved
    resident_with_case(app)
    age_cases(app, 10, only_updated=True)  # saved 10 days ago; its saved purge date is 20 days ahead

    kept = kiosk_purge(monkeypatch, url)
    assert kept.exit_code == 0 and "案件 0 件" in kept.output and case_count(app) == 1, kept.output

    shortened = kiosk_purge(monkeypatch, url, KIOSK_RETENTION_DAYS="7")
    assert shortened.exit_code == 0, shortened.output
    assert "案件 1 件" in shortened.output and case_count(app) == 0


def test_retention_days_0_means_0_days_not_the_profile(tmp_path, apps, monkeypatch):
    assert Settings.load({}).retention_days is None  # unset: the profile's
    assert Settings.load({"KIOSK_RETENTION_DAYS": "0"}).retention_days == 0
    url = database_url_for_tests(tmp_path)
    app = apps(url, KIOSK_RETENTION_DAYS=0)
    assert app.config["KIOSK_RETENTION_DAYS"] == 0
    assert apps(url, KIOSK_RETENTION_DAYS=None).config["KIOSK_RETENTION_DAYS"] == 30  # municipality.yaml
    resident_with_case(app)

    result = kiosk_purge(monkeypatch, url, KIOSK_RETENTION_DAYS="0")

    assert result.exit_code == 0 and "案件 1 件" in result.output, result.output
    assert case_count(app) == 0


def test_the_audit_log_is_kept_for_its_own_retention_period_then_purged(tmp_path, apps, monkeypatch):
    url = database_url_for_tests(tmp_path)
    app = apps(url)
    assert app.config["KIOSK_AUDIT_RETENTION_DAYS"] == 1827  # municipality.yaml: 5 years
    moment = datetime.now(UTC)
    with services(app).database.session() as db:
        for days, detail in ((6 * 365, "six years"), (2 * 365, "two years"), (1, "yesterday")):
            db.add(AuditEntry(at=moment - timedelta(days=days), staff="clerk", action="view", detail=detail))

    def details() -> set[str]:
        with services(app).database.read() as db:
            return set(db.scalars(select(AuditEntry.detail).where(AuditEntry.action == "view")).all())

    result = kiosk_purge(monkeypatch, url)
    assert result.exit_code == 0 and "監査記録 1 件" in result.output, result.output
    assert details() == {"two years", "yesterday"}

    result = kiosk_purge(monkeypatch, url, KIOSK_AUDIT_RETENTION_DAYS="365")
    assert result.exit_code == 0 and "監査記録 1 件" in result.output, result.output
    assert details() == {"yesterday"}
    with services(app).database.read() as db:  # the purges themselves are on record
        assert db.scalars(select(AuditEntry.detail).where(AuditEntry.action == "purge")).all()


def test_purge_forgets_old_failed_attempt_counts_and_expired_resume_codes(tmp_path, apps, monkeypatch):
    url = database_url_for_tests(tmp_path)
    app = apps(url)
    store = services(app)
    moment = datetime.now(UTC)
    store.sessions.save("s" * 43, {"answers": {}}, timedelta(days=1), kind="web", mode="home")
    with store.database.session() as db:
        db.add(Throttle(key="resume-address:192.0.2.7", failures=3, updated_at=moment - timedelta(days=8)))
        db.add(Throttle(key="resume-address:192.0.2.8", failures=3, updated_at=moment))
        db.add(ResumeCode(code="EXPIRED0000000", session_id="s" * 43, created_at=moment - timedelta(days=15),
                          expires_at=moment - timedelta(days=1)))

    result = kiosk_purge(monkeypatch, url)

    assert result.exit_code == 0 and "試行回数の記録 1 件" in result.output, result.output
    with store.database.read() as db:
        assert db.scalars(select(Throttle.key)).all() == ["resume-address:192.0.2.8"]
        assert db.scalars(select(ResumeCode.code)).all() == []
