"""The rules behind the session cookie, each to its boundary: how long a resident's or a clerk's session lives, when
an unchanged session's expiry is pushed forward, which cookie (name, path, SameSite, Secure, __Host-) each kind of
session uses, which paths are staff pages, and what alone is no reason to store a session."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

import kiosk.web.session
from kiosk.web.session import Cookies, ServerSession, ServerSessionInterface, is_staff_path, lifetime, refresh_due

START = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)


def flask_app(**config) -> Flask:
    app = Flask(__name__)
    app.config.update({"SESSION_COOKIE_NAME": "kiosk_session", "SESSION_COOKIE_SAMESITE": "Lax", "KIOSK_MODE": "kiosk",
                       "KIOSK_IDLE_SECONDS": 90, "KIOSK_IDLE_COUNTDOWN_SECONDS": 60, "KIOSK_SESSION_MINUTES": 120,
                       **config})
    return app


def test_on_a_kiosk_a_residents_session_lives_the_idle_time_and_countdown_and_half_a_minute():
    assert lifetime(flask_app(), "resident") == timedelta(seconds=90 + 60 + 30)
    assert lifetime(flask_app(), "resident") == timedelta(seconds=180)


def test_at_home_and_for_clerks_a_session_lives_the_configured_minutes():
    assert lifetime(flask_app(KIOSK_MODE="home"), "resident") == timedelta(minutes=120)
    assert lifetime(flask_app(KIOSK_MODE="home"), "staff") == timedelta(minutes=120)
    assert lifetime(flask_app(), "staff") == timedelta(minutes=120)  # the clerk's desk has no idle reset


def test_an_unchanged_sessions_expiry_moves_once_a_tenth_of_its_lifetime_has_passed(monkeypatch):
    monkeypatch.setattr(kiosk.web.session, "now", lambda: START)
    keep_for = timedelta(minutes=100)
    assert not refresh_due(START + keep_for, keep_for)  # just set
    assert not refresh_due(START + timedelta(minutes=90), keep_for)  # exactly a tenth gone: not yet
    assert refresh_due(START + timedelta(minutes=90) - timedelta(seconds=1), keep_for)
    assert refresh_due(None, keep_for)  # never stored


def test_staff_pages_are_staff_and_nothing_else_is():
    assert is_staff_path("/staff") and is_staff_path("/staff/") and is_staff_path("/staff/login")
    assert not is_staff_path("/staffroom") and not is_staff_path("/") and not is_staff_path("/okuyami/staff")


def cookies(scope, **config) -> Cookies:
    return ServerSessionInterface(store=None).cookies(flask_app(**config), scope)  # type: ignore[arg-type]


def test_the_residents_cookie_is_lax_for_the_whole_site():
    assert cookies("resident") == Cookies("kiosk_session", "kiosk_csrf", "/", "Lax", False, None)


def test_the_clerks_cookie_is_strict_and_only_for_the_staff_pages():
    assert cookies("staff") == Cookies("kiosk_staff", "kiosk_staff_csrf", "/staff", "Strict", False, None)
    assert cookies("staff", APPLICATION_ROOT="/guide/").path == "/guide/staff"


def test_with_secure_cookies_both_are_host_cookies_that_no_other_host_can_set():
    assert cookies("resident", SESSION_COOKIE_SECURE=True) == Cookies(
        "__Host-kiosk_session", "__Host-kiosk_csrf", "/", "Lax", True, None)
    assert cookies("staff", SESSION_COOKIE_SECURE=True) == Cookies(
        "__Host-kiosk_staff", "__Host-kiosk_staff_csrf", "/", "Strict", True, None)


@pytest.mark.parametrize(
    ("data", "worth"),
    [({}, False), ({"csrf_token": "x"}, False), ({"csrf_token": "x", "_fresh": True}, False),
     ({"csrf_token": "x", "lang": "en"}, True), ({"answers": {}}, True)],
)
def test_only_a_csrf_secret_and_the_freshness_flag_are_no_reason_to_store_a_session(data, worth):
    assert ServerSession(data, "id", new=True).worth_storing() is worth


def test_a_reset_session_takes_a_new_id_forgets_everything_and_deletes_the_old_row_once():
    stored = ServerSession({"answers": {"age": 78}}, "old-id", new=False)
    stored.reset()
    assert stored.session_id != "old-id" and len(stored.session_id) == 43 and dict(stored) == {}
    assert stored.rotated_from == "old-id" and stored.new and stored.modified and stored.id_changed
    first_new = stored.session_id
    stored.reset()  # reset again before anything was stored: still the one stored row to delete
    assert stored.rotated_from == "old-id" and stored.session_id != first_new
    resumed = ServerSession({"lang": "en"}, "browser-id", new=False)
    resumed.adopt("resumed-id", {"answers": {}})
    resumed.reset()  # 「最初から」 right after a resume: the browser's stored row is still the one to delete
    assert resumed.rotated_from == "browser-id"
    fresh = ServerSession(None, "never-stored", new=True)
    fresh.reset()
    assert fresh.rotated_from is None  # nothing was stored under the old id


def test_adopting_a_resumed_session_keeps_its_data_under_the_new_id():
    current = ServerSession({"lang": "en"}, "browser-id", new=False)
    current.adopt("resumed-id", {"answers": {"age": 78}})
    assert current.session_id == "resumed-id" and dict(current) == {"answers": {"age": 78}}
    assert current.rotated_from == "browser-id" and not current.new and current.modified and current.id_changed
    same = ServerSession({"lang": "en"}, "same-id", new=False)
    same.adopt("same-id", {"lang": "ja"})
    assert same.rotated_from is None  # the same row, rewritten


def _attributes(line: str) -> tuple[str, set[str]]:
    """A Set-Cookie line's name and attributes, without its value and the dates that delete it."""
    first, *rest = line.split("; ")
    return first.split("=", 1)[0], {part for part in rest if not part.startswith(("Expires=", "Max-Age="))}


@pytest.mark.parametrize("jar", [
    Cookies("__Host-kiosk_session", "__Host-kiosk_csrf", "/", "Lax", True, None),
    Cookies("kiosk_session", "kiosk_csrf", "/guide", "Lax", False, "city.example.jp"),
    Cookies("kiosk_staff", "kiosk_staff_csrf", "/staff", "Strict", False, None),
])
def test_a_cookie_is_deleted_with_exactly_the_attributes_it_was_set_with(jar):
    # A browser deletes a cookie only when the deletion names its domain and path, and refuses a __Host- cookie
    # without Secure: a deletion that differs leaves the previous resident's session id in the tablet.
    from flask import Response

    response = Response()
    jar.set(response, jar.session, "an-id")
    jar.delete(response, jar.session)
    made, deleted = (_attributes(line) for line in response.headers.getlist("Set-Cookie"))
    assert made == deleted
    name, attributes = made
    assert name == jar.session and "HttpOnly" in attributes and f"Path={jar.path}" in attributes
    assert f"SameSite={jar.samesite}" in attributes and ("Secure" in attributes) is jar.secure
    domains = {part for part in attributes if part.startswith("Domain=")}
    assert domains == ({f"Domain={jar.domain}"} if jar.domain else set())
