"""Findings 3 and 12, and the staff access setting: staff logins cannot be used to shut clerks out, to tell
account names apart or to guess quickly; weak passwords are refused; /staff is off on home servers.

The attacks: type a clerk's name with wrong passwords until the clerk is locked out; spray names from one
address; compare the answer and the time for a known and an unknown name; create an account with a common
password; reach /staff on an internet-facing home server.
"""

import re
import statistics
import time
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from kiosk.cli import main
from kiosk.config import SettingsError
from kiosk.extensions import services
from kiosk.store.models import AuditEntry, Throttle

from ..web.conftest import Resident, close_apps, database_url_for_tests, make_app  # noqa: F401 (close_apps: autouse)
from ..web.test_staff import PASSWORD

STAFF_ON = {"KIOSK_STAFF_ACCESS": "on"}
ATTACKER = "203.0.113.7"
COUNTER = "10.1.2.3"


def try_login(client: Resident, name: str, password: str, address: str):
    client.get("/staff/login", environ_base={"REMOTE_ADDR": address})
    return client.post("/staff/login", {"name": name, "password": password}, environ_base={"REMOTE_ADDR": address})


def time_passes(app) -> None:
    """Every throttle delay has run out (as if the attacker waited)."""
    with services(app).database.session() as db:
        db.execute(update(Throttle).values(blocked_until=datetime.now(UTC) - timedelta(seconds=1)))


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path, **STAFF_ON)
    services(app).staff.add("clerk", PASSWORD, "staff")
    return app


def test_nobody_can_lock_a_clerk_out_by_typing_their_name(app):
    attacker = Resident(app.test_client())
    for _ in range(30):
        try_login(attacker, "clerk", "wrong password", ATTACKER)
    clerk = Resident(app.test_client())
    response = try_login(clerk, "clerk", PASSWORD, COUNTER)
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/")


def test_guessing_from_one_address_is_slowed_down_with_growing_delays_and_429(app):
    attacker = Resident(app.test_client())
    statuses = [try_login(attacker, f"name{n}", "wrong password", ATTACKER).status_code for n in range(12)]
    assert 429 in statuses and statuses.index(429) <= 11  # names sprayed from one address: slowed within a dozen
    response = try_login(attacker, "clerk", PASSWORD, ATTACKER)  # even the right password waits
    assert response.status_code == 429
    assert "ログインの失敗が続いたため、しばらくログインできません" in attacker.page
    assert "秒ほど待って" in attacker.page
    waits = []
    for _ in range(4):
        time_passes(app)
        try_login(attacker, "someone", "wrong password", ATTACKER)  # a failure after the wait: twice as long
        response = try_login(attacker, "someone", "wrong password", ATTACKER)
        assert response.status_code == 429
        waits.append(int(response.headers["Retry-After"]))
    assert waits == sorted(waits) and waits[-1] >= 4 * waits[0]
    with services(app).database.read() as db:
        actions = [entry.action for entry in db.scalars(select(AuditEntry))]
    # Refused tries write nothing: anyone could otherwise fill the five-year audit log.
    assert "login_throttled" not in actions and actions.count("login_failed") < 20


def test_repeated_guesses_at_one_account_are_slowed_down_from_any_address(app):
    statuses = []
    for n in range(40):  # a botnet: each address tries a few times
        attacker = Resident(app.test_client())
        statuses.append(try_login(attacker, "clerk", "wrong password", f"198.51.100.{n % 8}").status_code)
    assert statuses.count(422) <= 25 and statuses[-1] == 429


def test_a_good_login_clears_the_accounts_count(app):
    clerk = Resident(app.test_client())
    for _ in range(5):
        assert try_login(clerk, "clerk", "typo", COUNTER).status_code == 422
    assert try_login(clerk, "clerk", PASSWORD, COUNTER).status_code == 302
    for _ in range(5):  # the typos before the good login are forgotten: five more are free again
        assert try_login(Resident(app.test_client()), "clerk", "typo", COUNTER).status_code == 422
    assert try_login(Resident(app.test_client()), "clerk", PASSWORD, COUNTER).status_code == 302


def test_an_unknown_name_gets_the_same_answer_after_about_the_same_time(app):
    def attempt(name: str, n: int) -> tuple[int, str, float]:
        client = Resident(app.test_client())
        address = f"192.0.2.{n}"  # a fresh address each time: no throttling in the way
        client.get("/staff/login", environ_base={"REMOTE_ADDR": address})
        started = time.perf_counter()
        response = client.post("/staff/login", {"name": name, "password": "wrong password"},
                               environ_base={"REMOTE_ADDR": address})
        elapsed = time.perf_counter() - started
        page = re.sub(r'(csrf_token" value|csrf-token" content)="[^"]+"', "", client.page.replace(name, ""))
        return response.status_code, page, elapsed

    attempt("warm-up", 0)
    known, unknown = [], []
    for n in range(1, 8):
        known.append(attempt("clerk", 2 * n))
        unknown.append(attempt("nobody", 2 * n + 1))
    assert {status for status, _, _ in known + unknown} == {422}
    assert len({page for _, page, _ in known + unknown}) == 1  # word for word the same page
    known_time = statistics.median(elapsed for _, _, elapsed in known)
    unknown_time = statistics.median(elapsed for _, _, elapsed in unknown)
    assert 0.5 < unknown_time / known_time < 2, (known_time, unknown_time)


@pytest.mark.parametrize(("name", "password", "why"), [
    ("clerk", "aaaaaaaaaa", "繰り返し"),
    ("clerk", "password1234", "よく使われている"),
    ("clerk", "Password123!", "よく使われているパスワードに似ています"),
    ("clerk", "qwertyuiop", "非常によく使われている"),
    ("tanaka", "Tanaka-2026-secret", "職員名"),
    ("clerk", "short", "10文字以上"),
])
def test_weak_passwords_are_refused_with_the_reason(app, name, password, why):
    with pytest.raises(ValueError, match=why):
        services(app).staff.add(name, password, "staff")
    visitor = Resident(app.test_client())
    assert try_login(visitor, name, password, COUNTER).status_code == 422


def test_the_staff_add_command_says_why_a_password_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("KIOSK_DATABASE_URL", database_url_for_tests(tmp_path))
    result = CliRunner().invoke(main, ["staff", "add", "suzuki", "--role", "staff"], input="password1234\n")
    assert result.exit_code == 2 and "よく使われているパスワード" in result.output
    result = CliRunner().invoke(main, ["staff", "add", "suzuki", "--role", "staff"], input="correct horse battery\n")
    assert result.exit_code == 0, result.output


def test_staff_screens_are_off_on_a_home_server_by_default(tmp_path):
    home = make_app(tmp_path / "home")  # a home server faces the internet
    for path in ("/staff/", "/staff/login", "/staff/cases/x"):
        assert home.test_client().get(path).status_code == 404
    assert home.test_client().post("/staff/login", data={"name": "a", "password": "b"}).status_code == 404
    kiosk = make_app(tmp_path / "kiosk", KIOSK_MODE="kiosk")  # a counter server: on
    assert kiosk.test_client().get("/staff/login").status_code == 200
    off = make_app(tmp_path / "off", KIOSK_MODE="kiosk", KIOSK_STAFF_ACCESS="off")
    assert off.test_client().get("/staff/login").status_code == 404


def test_staff_screens_can_be_limited_to_the_counters_networks(tmp_path):
    app = make_app(tmp_path, KIOSK_STAFF_ACCESS="10.1.2.0/24, 192.168.5.9, fd00::/8")
    client = app.test_client()
    for address, status in ((COUNTER, 200), ("192.168.5.9", 200), ("fd00::1", 200), ("::ffff:10.1.2.3", 200),
                            (ATTACKER, 403), ("10.1.3.1", 403), ("2001:db8::1", 403)):
        response = client.get("/staff/login", environ_base={"REMOTE_ADDR": address})
        assert response.status_code == status, address
    assert client.get("/", environ_base={"REMOTE_ADDR": ATTACKER}).status_code == 200  # residents' pages stay open


@pytest.mark.parametrize("value", ["yes", "10.1.2.0/33", "10.1.2.0/24,,nonsense", ","])
def test_a_wrong_staff_access_setting_stops_start_up(tmp_path, value):
    with pytest.raises(SettingsError, match="KIOSK_STAFF_ACCESS"):
        make_app(tmp_path, KIOSK_STAFF_ACCESS=value)
