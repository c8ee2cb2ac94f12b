"""Attempts per key: a few free, then a delay that doubles up to a ceiling; counted before they are checked, so
tries sent all at once from several processes are counted too; a success gives its count back."""

import multiprocessing
from datetime import timedelta

from kiosk.store import Database
from kiosk.store.throttle import Policy, ThrottleStore

from ..web.conftest import database_url_for_tests

POLICY = Policy(free=3, first_delay=timedelta(seconds=2), longest=timedelta(seconds=10))


def test_delays_grow_after_the_free_failures_and_stop_at_the_ceiling():
    assert [POLICY.delay_after(n).total_seconds() for n in range(1, 8)] == [0, 0, 0, 2, 4, 8, 10]


def _store(tmp_path) -> ThrottleStore:
    database = Database(database_url_for_tests(tmp_path))
    database.upgrade()
    return ThrottleStore(database)


def test_attempts_are_counted_per_key_and_a_success_gives_its_count_back(tmp_path):
    store = _store(tmp_path)
    key = [("staff-pair:tanaka", POLICY)]
    for _ in range(4):
        assert store.attempt(key) == timedelta(0)  # the 4th goes ahead, and blocks the key after it
    assert timedelta(seconds=1) < store.attempt(key) <= timedelta(seconds=2)
    assert store.attempt([("staff-pair:suzuki", POLICY)]) == timedelta(0)  # another key is not slowed down
    store.clear("staff-pair:tanaka")
    for _ in range(10):  # successes give their count back: a clerk who logs in every day is never slowed
        assert store.attempt(key) == timedelta(0)
        store.succeeded(key)
    store.database.engine.dispose()


def test_a_watched_key_slows_only_callers_that_failed_themselves(tmp_path):
    store = _store(tmp_path)
    account = ("staff-name:tanaka", Policy(free=1, first_delay=timedelta(minutes=1), longest=timedelta(minutes=5)))
    for place in ("a", "b", "c"):  # the account is attacked from three places
        assert store.attempt([(f"pair:{place}", POLICY)], watched=[account]) == timedelta(0)
    assert store.wait(account[0]) > timedelta(0)
    assert store.attempt([("pair:clean", POLICY)], watched=[account]) == timedelta(0)  # the clerk gets in
    assert store.attempt([("pair:a", POLICY)], watched=[account]) > timedelta(0)  # an attacker's place waits
    store.database.engine.dispose()


def _try_many(url: str, tries: int, results) -> None:
    store = ThrottleStore(Database(url))
    allowed = sum(store.attempt([("resume-address:203.0.113.9", POLICY)]) == timedelta(0) for _ in range(tries))
    results.put(allowed)
    store.database.engine.dispose()


def test_tries_sent_at_once_from_several_processes_are_all_counted(tmp_path):
    store = _store(tmp_path)
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    workers = [context.Process(target=_try_many, args=(store.database.url, 10, results)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    allowed = sum(results.get(timeout=5) for _ in workers)
    # 3 free tries and a 4th that blocks the key for 2 s: at most a few more get through while it lasts
    assert allowed <= POLICY.free + 2, allowed
    store.database.engine.dispose()
