"""Which pages count as this site's when a form is sent (the Origin check beside the CSRF token): behind a proxy,
the public address (KIOSK_PUBLIC_URL) is this site even though the app sees another Host; the host is compared
without case and without the default port, and nothing else passes."""

from __future__ import annotations

import pytest

from ..web.conftest import Resident, close_apps, make_app  # noqa: F401 (close_apps: autouse)

PUBLIC = "https://guide.city.example.jp"


def answer_with_origin(app, origin: str, host: str = "localhost") -> int:
    resident = Resident(app.test_client())
    resident.get("/okuyami/", headers={"Host": host})
    response = resident.post("/okuyami/start", headers={"Origin": origin, "Host": host})
    return response.status_code


@pytest.mark.parametrize(
    "origin",
    [PUBLIC, "https://GUIDE.city.example.jp", "https://guide.city.example.jp:443", "http://localhost",
     "http://LOCALHOST:80"],
)
def test_the_public_address_and_the_requests_own_host_are_this_site(tmp_path, origin):
    app = make_app(tmp_path, KIOSK_PUBLIC_URL=PUBLIC)
    assert answer_with_origin(app, origin) == 302


@pytest.mark.parametrize(
    "origin",
    ["https://evil.example", "https://guide.city.example.jp.evil.example", "https://city.example.jp",
     "https://guide.city.example.jp:8443", "null", "http://localhost:8080"],
)
def test_other_origins_are_refused_even_with_a_public_address_set(tmp_path, origin):
    app = make_app(tmp_path, KIOSK_PUBLIC_URL=PUBLIC)
    assert answer_with_origin(app, origin) == 403


def test_without_a_public_address_only_the_requests_own_host_is_this_site(tmp_path):
    app = make_app(tmp_path)
    assert answer_with_origin(app, PUBLIC) == 403
    assert answer_with_origin(app, "http://localhost") == 302
    assert answer_with_origin(app, "https://localhost:443") == 302  # the default port of its scheme is left out


def test_a_host_header_on_a_non_default_port_must_match_with_its_port(tmp_path):
    app = make_app(tmp_path)
    assert answer_with_origin(app, "http://localhost:5000", host="localhost:5000") == 302
    assert answer_with_origin(app, "http://localhost", host="localhost:5000") == 403


def test_a_local_path_of_up_to_three_hundred_characters_is_followed_and_a_longer_one_is_not():
    from kiosk.web.security import MAX_LOCAL_PATH, safe_next

    longest = "/" + "a" * (MAX_LOCAL_PATH - 1)
    assert MAX_LOCAL_PATH == 300 and safe_next(longest, "/menu") == longest
    assert safe_next(longest + "a", "/menu") == "/menu"
    for refused in ("//evil.example", "https://evil.example", "/a\\b", "/a\r\nSet-Cookie: x", "", None, "a/b"):
        assert safe_next(refused, "/menu") == "/menu"
