"""A clerk's typos at the staff login, with the clock under the test's control: a few typos never lock anyone out,
a good login forgets them, and once the waits have grown to their ceiling (15 minutes) the login is refused until
exactly then and accepted right after."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

import kiosk.store.throttle
from kiosk.extensions import services
from kiosk.web.staff import BY_ACCOUNT_AND_ADDRESS, BY_ADDRESS, _wait_text

from .conftest import Resident, close_apps, make_app  # noqa: F401 (close_apps: autouse)
from .test_staff import PASSWORD, STAFF_ON

START = datetime(2026, 5, 12, 0, 30, tzinfo=UTC)
SECOND = timedelta(seconds=1)


class Clock:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.moment = START
        monkeypatch.setattr(kiosk.store.throttle, "now", lambda: self.moment)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path, **STAFF_ON)
    services(app).staff.add("clerk", PASSWORD, "staff")
    return app


def login(app, password: str):
    """One login attempt from the counter's tablet (a fresh browser each time, as after closing it)."""
    clerk = Resident(app.test_client())
    clerk.get("/staff/login")
    return clerk.post("/staff/login", {"name": "clerk", "password": password})


def test_four_typos_and_even_five_do_not_lock_the_clerk_out(app, clock):
    for _ in range(4):
        assert login(app, "typo").status_code == 422
    assert login(app, PASSWORD).status_code == 302
    for _ in range(5):
        assert login(app, "typo").status_code == 422
    assert login(app, PASSWORD).status_code == 302


def test_the_sixth_typo_in_a_row_makes_the_next_try_wait_a_second(app, clock):
    for _ in range(6):
        assert login(app, "typo").status_code == 422
    refused = login(app, PASSWORD)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
    clock.moment += SECOND
    assert login(app, PASSWORD).status_code == 302


def test_a_good_login_forgets_the_typos_so_one_typo_a_day_never_locks_anyone_out(app, clock):
    for day in range(12):
        clock.moment = START + timedelta(days=day)
        assert login(app, "typo").status_code == 422, day
        assert login(app, PASSWORD).status_code == 302, f"locked out on day {day + 1}"


def test_a_good_login_forgets_typos_made_from_this_address_under_other_names(app, clock):
    """The address's own count (many names tried from one place) is given back by one for each good login."""
    for n in range(10):
        clerk = Resident(app.test_client())
        clerk.get("/staff/login")
        assert clerk.post("/staff/login", {"name": f"nobody{n}", "password": "x"}).status_code == 422
    for _ in range(3):
        assert login(app, PASSWORD).status_code == 302
    for n in range(3):  # three more free tries from this address
        clerk = Resident(app.test_client())
        clerk.get("/staff/login")
        assert clerk.post("/staff/login", {"name": f"other{n}", "password": "x"}).status_code == 422


def test_at_the_ceiling_the_login_is_refused_until_the_fifteen_minutes_are_over(app, clock):
    # Typos, each tried as soon as the last wait has run out, until the wait has grown to its ceiling.
    waits: list[int] = []
    while waits[-2:] != [900, 900]:
        response = login(app, "typo")
        if response.status_code == 429:
            waits.append(int(response.headers["Retry-After"]))
            clock.moment += timedelta(seconds=waits[-1])
        else:
            assert response.status_code == 422
        assert len(waits) < 20
    assert waits == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]

    clock.moment -= SECOND  # still refused one second before the fifteen minutes are over, even the right password
    refused = login(app, PASSWORD)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
    clock.moment += SECOND
    assert login(app, PASSWORD).status_code == 302


def test_the_policies_a_clerk_meets():
    assert BY_ACCOUNT_AND_ADDRESS.delay_after(5) == timedelta(0)
    assert BY_ACCOUNT_AND_ADDRESS.delay_after(6) == SECOND
    assert BY_ACCOUNT_AND_ADDRESS.delay_after(7) == 2 * SECOND
    assert BY_ACCOUNT_AND_ADDRESS.delay_after(15) == timedelta(seconds=512)
    assert BY_ACCOUNT_AND_ADDRESS.delay_after(16) == timedelta(minutes=15)
    assert BY_ACCOUNT_AND_ADDRESS.delay_after(10_000) == timedelta(minutes=15)
    assert BY_ADDRESS.delay_after(10) == timedelta(0) and BY_ADDRESS.delay_after(11) == SECOND


@pytest.mark.parametrize(
    ("wait", "text"),
    [(timedelta(milliseconds=200), "1秒"), (SECOND, "1秒"), (timedelta(seconds=59), "59秒"),
     (timedelta(seconds=60), "1分"), (timedelta(seconds=61), "2分"), (timedelta(minutes=15), "15分")],
)
def test_the_wait_is_said_in_whole_seconds_under_a_minute_then_in_minutes_rounded_up(wait, text):
    assert _wait_text(wait) == text


def test_the_refusal_page_says_how_long_to_wait(app, clock):
    for _ in range(6):
        login(app, "typo")
    clerk = Resident(app.test_client())
    clerk.get("/staff/login")
    assert clerk.post("/staff/login", {"name": "clerk", "password": PASSWORD}).status_code == 429
    assert "1秒ほど待って" in clerk.page


def test_each_good_login_forgives_exactly_one_earlier_failure_of_the_address(app, clock):
    for n in range(10):  # ten names tried from the counter's address: all free
        clerk = Resident(app.test_client())
        clerk.get("/staff/login")
        assert clerk.post("/staff/login", {"name": f"nobody{n}", "password": "x"}).status_code == 422
    assert login(app, PASSWORD).status_code == 302  # forgives one: nine left on the address
    assert login(app, "typo").status_code == 422  # ten
    assert login(app, "typo").status_code == 422  # eleven: from now on a wait
    assert login(app, PASSWORD).status_code == 429


def test_a_good_login_opens_the_dashboard_as_that_clerk(app, clock):
    clerk = Resident(app.test_client())
    clerk.get("/staff/login")
    assert clerk.post("/staff/login", {"name": "clerk", "password": PASSWORD}).status_code == 302
    assert clerk.get("/staff/").status_code == 200 and "clerk" in clerk.page
    assert clerk.get("/staff/audit").status_code == 403  # a clerk, not an administrator


def test_a_deactivated_account_cannot_log_in_even_with_its_password(app, clock):
    from sqlalchemy import update

    from kiosk.store.models import StaffUser

    with services(app).database.session() as db:
        db.execute(update(StaffUser).where(StaffUser.name == "clerk").values(active=False))
    assert login(app, PASSWORD).status_code == 422


def test_a_failed_login_is_audited_under_the_account_only_when_it_exists(app, clock):
    from sqlalchemy import select

    from kiosk.store.models import AuditEntry

    assert login(app, "typo").status_code == 422
    clerk = Resident(app.test_client())
    clerk.get("/staff/login")
    clerk.post("/staff/login", {"name": "my password typed here", "password": "x"})
    with services(app).database.read() as db:
        failed = [(entry.staff, entry.detail) for entry in
                  db.scalars(select(AuditEntry).where(AuditEntry.action == "login_failed").order_by(AuditEntry.id))]
    # A name that is no account's is not written: it may be a password typed in the wrong field.
    assert failed == [("clerk", ""), (None, "unknown account")]


def test_a_good_login_is_audited_under_the_clerks_name(app, clock):
    from sqlalchemy import select

    from kiosk.store.models import AuditEntry

    assert login(app, PASSWORD).status_code == 302
    with services(app).database.read() as db:
        logins = [(entry.staff, entry.at is not None) for entry in
                  db.scalars(select(AuditEntry).where(AuditEntry.action == "login"))]
    assert logins == [("clerk", True)]
