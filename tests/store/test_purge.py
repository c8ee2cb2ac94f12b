"""`kiosk purge` keeps exactly what has not expired and removes exactly what has: cases (by the retention period in
force and by the date each was saved with), resident sessions, resume codes, throttle rows, staff calls and old
audit entries; and it writes one audit entry saying what went.

The clock is fixed, so each row can be put at its boundary: expired at the very moment of the purge, or one
second before it expires."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

import kiosk.store.cases
import kiosk.store.sessions
import kiosk.store.throttle
from kiosk.engine.answer_set import Answers
from kiosk.extensions import services
from kiosk.store.models import AuditEntry, Case, CaseProcedure, QueueCounter, ResidentSession, ResumeCode, StaffCall
from kiosk.store.throttle import Policy, ThrottleStore

from ..web.conftest import close_apps, make_app  # noqa: F401 (close_apps: autouse)

PURGE_AT = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)
KEEP_CASES = timedelta(days=30)
KEEP_AUDIT = timedelta(days=5 * 365)


class Clock:
    """`now()` for every store, set by the test."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.moment = PURGE_AT
        for module in (kiosk.store.cases, kiosk.store.sessions, kiosk.store.throttle):
            monkeypatch.setattr(module, "now", lambda: self.moment)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def store(tmp_path):
    return services(make_app(tmp_path))


def save_case(store, clock, saved_at: datetime, keep_for: timedelta) -> int:
    clock.moment = saved_at
    case = store.cases.save_case("okuyami", Answers({"age": 78}), {"applicant": {"name": "山田"}}, "kiosk", keep_for)
    store.cases.set_status(case.id, "kokuho", "done", "clerk")
    clock.moment = PURGE_AT
    return case.id


def remaining_cases(store) -> set[int]:
    with store.database.read() as db:
        return set(db.scalars(select(Case.id)))


def purge_entries(store) -> list[str]:
    with store.database.read() as db:
        return [entry.detail for entry in db.scalars(select(AuditEntry).where(AuditEntry.action == "purge"))]


def test_cases_go_exactly_when_their_retention_ends_and_not_a_second_before(store, clock):
    # saved with purge_after = saved_at + keep_for; the retention in force is KEEP_CASES since the last save
    at_purge_date = save_case(store, clock, PURGE_AT - timedelta(days=10), timedelta(days=10))
    second_before = save_case(store, clock, PURGE_AT - timedelta(days=10), timedelta(days=10) + SECOND)
    past_period = save_case(store, clock, PURGE_AT - KEEP_CASES, timedelta(days=365))
    within_period = save_case(store, clock, PURGE_AT - KEEP_CASES + SECOND, timedelta(days=365))
    recent = save_case(store, clock, PURGE_AT - timedelta(hours=1), timedelta(days=30))
    assert remaining_cases(store) == {at_purge_date, second_before, past_period, within_period, recent}

    purged = store.cases.purge(keep_cases=KEEP_CASES, keep_audit=KEEP_AUDIT)

    assert purged.cases == 2
    assert remaining_cases(store) == {second_before, within_period, recent}
    with store.database.read() as db:  # their 未・済 rows went with them, and only theirs
        assert set(db.scalars(select(CaseProcedure.case_id))) == {second_before, within_period, recent}
    assert store.cases.get(second_before) is not None
    assert purge_entries(store) == ["2 cases, 0 audit entries"]


def test_a_shorter_retention_takes_effect_at_the_next_purge(store, clock):
    kept = save_case(store, clock, PURGE_AT - timedelta(days=3), timedelta(days=30))
    gone = save_case(store, clock, PURGE_AT - timedelta(days=8), timedelta(days=30))
    assert store.cases.purge(keep_cases=timedelta(days=7), keep_audit=KEEP_AUDIT).cases == 1
    assert remaining_cases(store) == {kept}
    assert gone not in remaining_cases(store)
    assert store.cases.purge(keep_cases=timedelta(0), keep_audit=KEEP_AUDIT).cases == 1
    assert remaining_cases(store) == set()


def test_a_case_past_its_purge_date_is_not_shown_even_before_the_purge_runs(store, clock):
    case_id = save_case(store, clock, PURGE_AT - timedelta(days=2), timedelta(days=2))
    assert store.cases.get(case_id) is None
    clock.moment = PURGE_AT - SECOND
    assert store.cases.get(case_id) is not None


def test_a_purge_with_nothing_to_delete_writes_no_audit_entry(store, clock):
    save_case(store, clock, PURGE_AT - timedelta(days=1), timedelta(days=30))
    assert store.cases.purge(keep_cases=KEEP_CASES, keep_audit=KEEP_AUDIT) == (0, 0)
    assert purge_entries(store) == []


def test_audit_entries_older_than_their_period_go_and_the_rest_stay(store, clock):
    store.cases.audit("view", "clerk", detail="old")
    store.cases.audit("view", "clerk", detail="boundary")
    store.cases.audit("view", "clerk", detail="kept")
    with store.database.session() as db:
        for detail, at in (("old", PURGE_AT - KEEP_AUDIT - SECOND), ("boundary", PURGE_AT - KEEP_AUDIT),
                           ("kept", PURGE_AT - KEEP_AUDIT + SECOND)):
            db.execute(update(AuditEntry).where(AuditEntry.detail == detail).values(at=at))
    purged = store.cases.purge(keep_cases=KEEP_CASES, keep_audit=KEEP_AUDIT)
    assert purged.audit_entries == 2
    with store.database.read() as db:
        details = [entry.detail for entry in db.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert details == ["kept", "0 cases, 2 audit entries"]


def test_staff_calls_and_queue_numbers_older_than_a_week_go(store, clock):
    with store.database.session() as db:
        for device, age in (("old", timedelta(days=7)), ("new", timedelta(days=7) - SECOND)):
            db.add(StaffCall(device=device, page="/", created_at=PURGE_AT - age))
        db.add(QueueCounter(day=date(2026, 5, 24), last_number=3))  # 8 days before
        db.add(QueueCounter(day=date(2026, 5, 25), last_number=4))  # 7 days before: kept
    store.cases.purge(keep_cases=KEEP_CASES, keep_audit=KEEP_AUDIT)
    with store.database.read() as db:
        assert [call.device for call in db.scalars(select(StaffCall))] == ["new"]
        assert [row.day for row in db.scalars(select(QueueCounter))] == [date(2026, 5, 25)]


def save_session(store, clock, session_id: str, expires_in: timedelta) -> None:
    clock.moment = PURGE_AT - timedelta(hours=1)
    store.sessions.save(session_id, {"answers": {"age": 78}}, expires_in + timedelta(hours=1), kind="web",
                        mode="home")
    clock.moment = PURGE_AT


def session_ids(store) -> set[str]:
    with store.database.read() as db:
        return set(db.scalars(select(ResidentSession.id)))


def resume_codes(store) -> dict[str, str]:
    with store.database.read() as db:
        return {row.code: row.session_id for row in db.scalars(select(ResumeCode))}


def test_sessions_and_resume_codes_go_exactly_when_they_expire(store, clock):
    save_session(store, clock, "expired-now", timedelta(0))
    save_session(store, clock, "one-second-left", SECOND)
    save_session(store, clock, "long-lived", timedelta(days=1))
    save_session(store, clock, "code-expired", timedelta(days=1))
    clock.moment = PURGE_AT - timedelta(minutes=30)
    live_code, _ = store.sessions.create_resume_code("long-lived", timedelta(hours=1))
    dead_code, _ = store.sessions.create_resume_code("code-expired", timedelta(minutes=30))  # expires at PURGE_AT
    orphan_code, _ = store.sessions.create_resume_code("expired-now", timedelta(days=7))  # its session goes
    clock.moment = PURGE_AT

    assert store.sessions.purge_expired() == 1

    assert session_ids(store) == {"one-second-left", "long-lived", "code-expired"}
    assert resume_codes(store) == {live_code: "long-lived"}
    assert dead_code not in resume_codes(store) and orphan_code not in resume_codes(store)
    assert store.sessions.load("one-second-left") == {"answers": {"age": 78}}
    clock.moment = PURGE_AT + SECOND
    assert store.sessions.load("one-second-left") is None  # expired, though not yet purged


def test_throttle_rows_not_tried_since_the_cut_off_go(store, clock):
    throttle = ThrottleStore(store.database)
    policy = Policy(free=5, first_delay=SECOND, longest=timedelta(minutes=15))
    for key, tried in (("old", PURGE_AT - timedelta(days=2)), ("cut-off", PURGE_AT - timedelta(days=1)),
                       ("recent", PURGE_AT - timedelta(days=1) + SECOND)):
        clock.moment = tried
        throttle.attempt([(key, policy)])
    clock.moment = PURGE_AT
    assert throttle.purge(older_than=PURGE_AT - timedelta(days=1)) == 1
    assert throttle.wait("old") == timedelta(0)
    from kiosk.store.models import Throttle

    with store.database.read() as db:
        assert set(db.scalars(select(Throttle.key))) == {"cut-off", "recent"}
