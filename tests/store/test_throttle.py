"""Failures per key: a few free, then a delay that doubles up to a ceiling; success clears; keys are apart."""

from datetime import timedelta

from kiosk.store import Database
from kiosk.store.throttle import Policy, ThrottleStore

from ..web.conftest import database_url_for_tests

POLICY = Policy(free=3, first_delay=timedelta(seconds=2), longest=timedelta(seconds=10))


def test_delays_grow_after_the_free_failures_and_stop_at_the_ceiling():
    assert [POLICY.delay_after(n).total_seconds() for n in range(1, 8)] == [0, 0, 0, 2, 4, 8, 10]


def test_failures_are_counted_per_key_in_the_database_and_cleared_by_a_success(tmp_path):
    database = Database(database_url_for_tests(tmp_path))
    database.upgrade()
    store, other_process = ThrottleStore(database), ThrottleStore(Database(database.url))
    for _ in range(3):
        assert store.fail("staff-name:tanaka", POLICY) == timedelta(0)
    assert store.wait("staff-name:tanaka") == timedelta(0)
    assert store.fail("staff-name:tanaka", POLICY) == timedelta(seconds=2)
    assert timedelta(seconds=1) < other_process.wait("staff-name:tanaka") <= timedelta(seconds=2)
    assert store.wait("staff-name:suzuki") == timedelta(0)  # another key is not slowed down
    store.clear("staff-name:tanaka")
    assert store.wait("staff-name:tanaka") == timedelta(0)
    other_process.database.engine.dispose()
    database.engine.dispose()
