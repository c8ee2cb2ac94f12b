"""A resident's saved session and resume code, to the second: a session is there until its last second and gone at
it; saving keeps it for its lifetime or until its resume code runs out, whichever is later; deleting it takes its
codes along and nobody else's; a new code replaces the session's older one; a code typed any way opens its answers
once, and a code whose answers have gone says so. Ids and codes are what the app makes and nothing else."""

from __future__ import annotations

import string
from datetime import UTC, datetime, timedelta

import pytest

import kiosk.store.sessions
from kiosk.store import Database
from kiosk.store.sessions import (
    RESUME_ALPHABET,
    SessionStore,
    aware_utc,
    format_resume_code,
    new_session_id,
    normalise_resume_code,
)

from ..web.conftest import database_url_for_tests

AT_HOME = {"kind": "web", "mode": "home"}  # a resident's session on the home site

START = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)
HALF_HOUR = timedelta(minutes=30)


class Clock:
    """The session store's clock, moved by the test."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.moment = START
        monkeypatch.setattr(kiosk.store.sessions, "now", lambda: self.moment)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture
def store(tmp_path):
    database = Database(database_url_for_tests(tmp_path))
    database.upgrade()
    yield SessionStore(database)
    database.engine.dispose()


def test_a_session_is_there_until_its_last_second_and_gone_at_it(store, clock):
    store.save("mine", {"answers": {"age": 78}}, HALF_HOUR, **AT_HOME)
    clock.moment = START + HALF_HOUR - SECOND
    stored = store.fetch("mine")
    assert stored is not None and stored.data == {"answers": {"age": 78}}
    assert stored.expires_at == START + HALF_HOUR and stored.expires_at.tzinfo is not None
    assert store.load("mine") == {"answers": {"age": 78}}
    clock.moment = START + HALF_HOUR
    assert store.fetch("mine") is None and store.load("mine") is None


def test_saving_again_replaces_the_answers_and_restarts_the_lifetime(store, clock):
    store.save("mine", {"answers": {"age": 78}}, HALF_HOUR, **AT_HOME)
    clock.moment = START + timedelta(minutes=20)
    store.save("mine", {"answers": {"age": 79}}, HALF_HOUR, **AT_HOME)
    stored = store.fetch("mine")
    assert stored is not None and stored.data == {"answers": {"age": 79}}
    assert stored.expires_at == START + timedelta(minutes=50)


def test_a_session_with_a_resume_code_is_kept_until_the_code_runs_out_but_never_shorter(store, clock):
    week = START + timedelta(days=7)
    store.save("saved", {"resume_until": week.isoformat()}, HALF_HOUR, **AT_HOME)
    store.save("old-code", {"resume_until": (START - timedelta(days=1)).isoformat()}, HALF_HOUR, **AT_HOME)
    store.save("no-code", {"resume_until": ""}, HALF_HOUR, **AT_HOME)
    stored = {name: store.fetch(name) for name in ("saved", "old-code", "no-code")}
    assert {name: item.expires_at for name, item in stored.items() if item} == {
        "saved": week, "old-code": START + HALF_HOUR, "no-code": START + HALF_HOUR}


def test_deleting_a_session_takes_its_codes_along_and_leaves_everyone_elses(store, clock):
    store.save("mine", {"a": 1}, HALF_HOUR, **AT_HOME)
    store.save("theirs", {"b": 2}, HALF_HOUR, **AT_HOME)
    mine, _ = store.create_resume_code("mine", timedelta(days=7))
    theirs, _ = store.create_resume_code("theirs", timedelta(days=7))
    store.delete("mine")
    assert store.load("mine") is None and store.take_resume_code(mine) == (None, "unknown")
    assert store.load("theirs") == {"b": 2}
    assert store.take_resume_code(theirs) == ({"b": 2}, "ok")


def test_a_new_code_replaces_the_sessions_older_one_and_runs_for_its_lifetime(store, clock):
    store.save("mine", {"a": 1}, HALF_HOUR, **AT_HOME)
    older, _ = store.create_resume_code("mine", timedelta(days=7))
    newer, expires = store.create_resume_code("mine", timedelta(days=3))
    assert expires == START + timedelta(days=3)
    assert len(newer) == 13 and set(newer) <= set(RESUME_ALPHABET) and newer != older
    assert store.take_resume_code(older) == (None, "unknown")
    assert store.take_resume_code(format_resume_code(newer).lower()) == ({"a": 1}, "ok")


def test_a_taken_code_leaves_nothing_behind_on_the_browser_that_saved(store, clock):
    store.save("mine", {"a": 1}, HALF_HOUR, **AT_HOME)
    code, _ = store.create_resume_code("mine", timedelta(days=7))
    assert store.take_resume_code(code) == ({"a": 1}, "ok")
    assert store.load("mine") is None  # the answers now live only under the new browser's id


def test_a_code_whose_answers_have_gone_says_expired_and_cannot_be_tried_again(store, clock):
    store.save("short", {"a": 1}, HALF_HOUR, **AT_HOME)  # no resume_until: the session runs out before its code
    code, _ = store.create_resume_code("short", timedelta(days=7))
    clock.moment = START + HALF_HOUR
    assert store.take_resume_code(code) == (None, "expired")
    assert store.take_resume_code(code) == (None, "unknown")


def test_a_code_is_refused_from_its_last_second_on(store, clock):
    store.save("mine", {"a": 1, "resume_until": (START + timedelta(days=8)).isoformat()}, HALF_HOUR, **AT_HOME)
    code, expires = store.create_resume_code("mine", timedelta(days=7))
    clock.moment = expires
    assert store.take_resume_code(code) == (None, "expired")


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("abcd-efgh-jkmnp", "ABCDEFGHJKMNP"),
        ("ABCD EFGH JKMNP", "ABCDEFGHJKMNP"),
        ("ＡＢＣＤ－ＥＦＧＨ－ＪＫＭＮＰ", "ABCDEFGHJKMNP"),  # typed in full width
        ("OOOO-IIII-LLLLL", "0000111111111"),  # O for 0, I and L for 1
        ("oooo-iiii-lllll", "0000111111111"),
    ],
)
def test_a_code_is_read_the_way_people_type_it(typed, code):
    assert normalise_resume_code(typed) == code


@pytest.mark.parametrize("typed", ["ABCD-EFGH-JKMN", "ABCD-EFGH-JKMNPQ", "ABCD-EFGH-JKMNU", "", "ABCD_EFGH_JKMNP"])
def test_a_code_of_the_wrong_length_or_letters_is_no_code(typed):
    assert normalise_resume_code(typed) is None


def test_a_code_is_shown_in_groups_of_four_four_and_five():
    assert format_resume_code("ABCDEFGHJKMNP") == "ABCD-EFGH-JKMNP"


def test_session_ids_are_long_random_and_url_safe(store, clock):
    ids = {new_session_id() for _ in range(50)}
    assert len(ids) == 50
    assert all(len(value) == 43 and set(value) <= set(string.ascii_letters + string.digits + "-_") for value in ids)


@pytest.mark.parametrize("session_id", ["a\x00b", "a" * 65, "", "../x", "a b"])
def test_an_id_the_app_never_makes_finds_no_session(store, clock, session_id):
    assert store.fetch(session_id) is None


def test_the_longest_id_the_app_accepts_is_sixty_four_characters(store, clock):
    store.save("a" * 64, {"a": 1}, HALF_HOUR, **AT_HOME)
    assert store.load("a" * 64) == {"a": 1}


def test_a_time_without_a_zone_is_read_as_utc():
    assert aware_utc(datetime(2026, 6, 1, 3, 0)) == START
    assert aware_utc(START) is START
