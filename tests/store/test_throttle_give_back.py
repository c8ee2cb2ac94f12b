"""What a success gives back to a throttled key, counted exactly: its own attempt (and as many earlier failures as
it is told to forgive), never more; a key brought back to zero has all its free tries again; and a success does not
lift a wait that the key's remaining failures have earned (someone else guessing from the same place stays slowed
down after a clerk there logs in)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

import kiosk.store.throttle
from kiosk.store import Database
from kiosk.store.throttle import Policy, ThrottleStore

from ..web.conftest import database_url_for_tests

POLICY = Policy(free=3, first_delay=timedelta(seconds=2), longest=timedelta(seconds=10))
KEY = "staff-address:192.0.2.7"
COUNTED = [(KEY, POLICY)]


class Clock:
    """The throttle's clock, moved by the test."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.moment = datetime(2026, 5, 12, 0, 30, tzinfo=UTC)
        monkeypatch.setattr(kiosk.store.throttle, "now", lambda: self.moment)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture
def store(tmp_path):
    database = Database(database_url_for_tests(tmp_path))
    database.upgrade()
    yield ThrottleStore(database)
    database.engine.dispose()


def _fail(store: ThrottleStore, times: int) -> None:
    for _ in range(times):
        assert store.attempt(COUNTED) == timedelta(0)


def test_after_a_success_the_key_has_all_its_free_tries_again(store, clock):
    assert store.attempt(COUNTED) == timedelta(0)
    store.succeeded(COUNTED)  # back to no failure at all
    _fail(store, POLICY.free + 1)  # three free ones, and the fourth goes ahead (and blocks after it)
    assert store.attempt(COUNTED) > timedelta(0)


def test_a_success_gives_back_only_its_own_attempt_unless_told_to_forgive(store, clock):
    _fail(store, POLICY.free)  # three typos: all free
    assert store.attempt(COUNTED) == timedelta(0)
    store.succeeded(COUNTED)  # gives back this attempt only: three typos still counted
    assert store.attempt(COUNTED) == timedelta(0)  # the fourth failure: goes ahead, blocks after it
    assert store.attempt(COUNTED) > timedelta(0)


def test_a_success_told_to_forgive_one_gives_back_one_more(store, clock):
    _fail(store, POLICY.free)
    assert store.attempt(COUNTED) == timedelta(0)
    store.succeeded(COUNTED, forgive=1)  # two typos left
    _fail(store, 2)  # the third (free) and the fourth (goes ahead, blocks after it)
    assert store.attempt(COUNTED) > timedelta(0)


def test_a_success_does_not_lift_the_wait_that_the_remaining_failures_earned(store, clock):
    _fail(store, POLICY.free + 1)  # the fourth failure blocks for 2 s
    clock.moment += timedelta(seconds=2)
    assert store.attempt(COUNTED) == timedelta(0)  # the fifth: 4 s
    clock.moment += timedelta(seconds=4)
    assert store.attempt(COUNTED) == timedelta(0)  # the sixth, counted before it is checked: 8 s
    store.succeeded(COUNTED, forgive=1)  # it was good: four failures left, still past the free three
    assert store.wait(KEY) == timedelta(seconds=8)
    assert store.attempt(COUNTED) == timedelta(seconds=8)


def test_a_success_that_brings_the_key_under_its_free_tries_lifts_the_wait(store, clock):
    _fail(store, POLICY.free + 1)  # the fourth failure blocks for 2 s
    clock.moment += timedelta(seconds=2)
    assert store.attempt(COUNTED) == timedelta(0)  # the fifth, good this time: blocked 4 s when counted
    store.succeeded(COUNTED, forgive=1)  # three left: free again
    assert store.wait(KEY) == timedelta(0)
    assert store.attempt(COUNTED) == timedelta(0)


def test_a_success_forgets_the_cleared_keys_entirely(store, clock):
    pair = "staff-pair:tanaka:192.0.2.7"
    _fail_pair = [(pair, POLICY)]
    for _ in range(POLICY.free + 1):
        assert store.attempt(_fail_pair) == timedelta(0)
    assert store.wait(pair) > timedelta(0)
    store.succeeded(COUNTED, cleared=[pair])
    assert store.wait(pair) == timedelta(0)
    for _ in range(POLICY.free + 1):  # all its free tries again
        assert store.attempt(_fail_pair) == timedelta(0)


def test_the_purge_forgets_a_key_only_when_it_has_not_failed_since(store, clock):
    # Two typos two days ago, two more today: the purge of keys untouched for a day must keep this one, or a
    # guesser would get fresh free tries every night.
    _fail(store, 2)
    clock.moment += timedelta(days=2)
    _fail(store, 2)  # the fourth goes ahead and blocks after it
    assert store.purge(clock.moment - timedelta(days=1)) == 0
    assert store.attempt(COUNTED) > timedelta(0)
    clock.moment += timedelta(days=2)
    assert store.purge(clock.moment - timedelta(days=1)) == 1  # quiet for two days: forgotten
    _fail(store, POLICY.free)
