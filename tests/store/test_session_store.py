"""A resident's session is kept alive by their own requests only: extending one session moves its expiry, never
another resident's, and never shortens a session that is already kept longer (a saved resume code's)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

import kiosk.store.sessions
from kiosk.extensions import services
from kiosk.store.models import ResidentSession

from ..web.conftest import close_apps, make_app  # noqa: F401 (close_apps: autouse)

AT_HOME = {"kind": "web", "mode": "home"}  # a resident's session on the home site

START = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    moment = {"now": START}
    monkeypatch.setattr(kiosk.store.sessions, "now", lambda: moment["now"])
    return moment


def expiries(store) -> dict[str, datetime]:
    with store.database.read() as db:
        return {row.id: row.expires_at.replace(tzinfo=UTC) for row in db.scalars(select(ResidentSession))}


def test_extending_a_session_moves_only_its_own_expiry_and_never_shortens_it(tmp_path, clock):
    store = services(make_app(tmp_path)).sessions
    store.save("mine", {"a": 1}, timedelta(minutes=30), **AT_HOME)
    store.save("theirs", {"b": 2}, timedelta(minutes=30), **AT_HOME)
    store.save("kept-long", {"c": 3}, timedelta(days=7), **AT_HOME)
    clock["now"] = START + timedelta(minutes=20)

    store.extend("mine", timedelta(minutes=30))
    store.extend("kept-long", timedelta(minutes=30))

    assert expiries(store) == {
        "mine": START + timedelta(minutes=50),
        "theirs": START + timedelta(minutes=30),
        "kept-long": START + timedelta(days=7),
    }
    clock["now"] = START + timedelta(minutes=40)
    assert store.load("theirs") is None and store.load("mine") == {"a": 1}


def test_a_resume_code_opens_its_answers_once_and_leaves_everyone_elses_code_alone(tmp_path, clock):
    store = services(make_app(tmp_path)).sessions
    store.save("mine", {"answers": {"age": 78}}, timedelta(minutes=30), **AT_HOME)
    store.save("theirs", {"answers": {"age": 40}}, timedelta(minutes=30), **AT_HOME)
    mine, _ = store.create_resume_code("mine", timedelta(days=7))
    theirs, _ = store.create_resume_code("theirs", timedelta(days=7))

    assert store.take_resume_code(mine) == ({"answers": {"age": 78}}, "ok")
    assert store.take_resume_code(mine) == (None, "unknown")  # once only
    assert store.take_resume_code(theirs.lower()) == ({"answers": {"age": 40}}, "ok")


def test_a_resume_code_works_until_its_last_second(tmp_path, clock):
    store = services(make_app(tmp_path)).sessions
    until = (START + timedelta(days=7)).isoformat()  # a saved session is kept as long as its code (resume_until)
    for name in ("early", "late"):
        store.save(name, {"answers": {"who": name}, "resume_until": until}, timedelta(minutes=30), **AT_HOME)
    early, expires = store.create_resume_code("early", timedelta(days=7))
    late, _ = store.create_resume_code("late", timedelta(days=7))
    assert expires == START + timedelta(days=7)
    clock["now"] = expires - timedelta(seconds=1)
    assert store.take_resume_code(early) == ({"answers": {"who": "early"}, "resume_until": until}, "ok")
    clock["now"] = expires
    assert store.take_resume_code(late) == (None, "expired")
    assert store.take_resume_code("not-a-code") == (None, "unknown")
    assert store.take_resume_code("0" * 13) == (None, "unknown")
