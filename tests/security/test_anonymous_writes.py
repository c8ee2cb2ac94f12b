"""Finding 5 (part): on a home (internet) server anyone could file 「職員を呼ぶ」 calls and read-aloud failure reports
(100 calls with 100 kB `next` values in 2 s, all on the staff dashboard), and there was no request body limit (a
20 MB JSON body was accepted).

The attacks: post both from a home server; flood them on a kiosk, each post from a new cookieless client; send
huge `next` values; send bodies far over the limit to the pages and to the API.
"""

import json
import secrets
import socket

import pytest
from sqlalchemy import func, select

from kiosk.extensions import services
from kiosk.store.models import StaffCall

from ..web.conftest import Resident, close_apps, make_app  # noqa: F401 (close_apps: autouse)


def staff_calls(app) -> list[str]:
    with services(app).database.read() as db:
        return list(db.scalars(select(StaffCall.page).order_by(StaffCall.id)))


def call_staff(app, next_value="/okuyami/", address="203.0.113.7", lang=None):
    """「職員を呼ぶ」 from a new visitor (no cookie) at `address`."""
    visitor = Resident(app.test_client())
    visitor.client.environ_base["REMOTE_ADDR"] = address
    visitor.get("/")
    if lang:
        visitor.post("/language", {"lang": lang, "next": "/"})
        visitor.get("/")
    return visitor, visitor.post("/help", {"next": next_value})


def report_speech(app, address="203.0.113.7"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    page = Resident(client)
    page.get("/")
    return client.post("/speech/unavailable", headers={"X-CSRFToken": page.csrf()})


def test_a_home_server_has_no_staff_call_and_no_speech_report(tmp_path):
    app = make_app(tmp_path)  # home mode
    visitor = Resident(app.test_client())
    visitor.get("/")
    assert visitor.post("/help", {"next": "/"}).status_code == 404
    assert report_speech(app).status_code == 404
    assert staff_calls(app) == []


def test_staff_calls_and_speech_reports_are_rate_limited_per_address(tmp_path):
    app = make_app(tmp_path, KIOSK_MODE="kiosk")
    statuses = [call_staff(app)[1].status_code for _ in range(12)]
    assert statuses[0] == 200 and 429 in statuses and len(staff_calls(app)) <= 5, statuses
    visitor, response = call_staff(app, lang="en")
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert 'lang="en"' in visitor.page and "Please wait a moment" in visitor.page
    assert call_staff(app, address="203.0.113.8")[1].status_code == 200  # another tablet is not blocked
    reports = [report_speech(app).status_code for _ in range(8)]
    assert reports[0] == 200 and 429 in reports, reports
    assert len(staff_calls(app)) <= 5 + 1 + 3


def test_the_page_a_staff_call_records_is_a_short_local_path(tmp_path):
    app = make_app(tmp_path, KIOSK_MODE="kiosk")
    for n, value in enumerate(["/" + "x" * 10_000, "/" + "y" * 300, "https://evil.example/", "/ok\x00"]):
        visitor, response = call_staff(app, value, address=f"203.0.113.{20 + n}")
        assert response.status_code == 200 and "x" * 301 not in visitor.page
    path = "/okuyami/questions/death_date?change=1"
    call_staff(app, path, address="203.0.113.30")
    assert staff_calls(app) == ["/", "/", "/", "/", path]


def test_request_bodies_over_64_kb_get_a_clear_413(tmp_path):
    app = make_app(tmp_path)
    visitor = Resident(app.test_client())
    visitor.get("/okuyami/")
    response = visitor.post("/okuyami/start", {"filler": "x" * 100_000})
    assert response.status_code == 413 and "送られた内容が大きすぎます" in visitor.page
    assert visitor.post("/okuyami/start", {"filler": "x" * 30_000}).status_code == 302  # real forms are small
    huge = json.dumps({"event": "okuyami", "answers": {"q": "x" * 20_000_000}})
    response = app.test_client().post("/api/v1/sessions", data=huge, content_type="application/json")
    assert response.status_code == 413 and response.is_json and response.get_json()["error"]


def redis_running() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not redis_running(), reason="no Redis on 127.0.0.1:6379")
def test_with_redis_every_server_process_shares_the_counts(tmp_path):
    """Two apps (as two server processes) with KIOSK_RATE_LIMIT_STORAGE=redis://…: the limit holds across both."""
    storage = {"KIOSK_MODE": "kiosk", "KIOSK_RATE_LIMIT_STORAGE": "redis://127.0.0.1:6379"}
    first = make_app(tmp_path / "one", **storage)
    second = make_app(tmp_path / "two", **storage)
    address = f"2001:db8::{secrets.token_hex(2)}"  # counts of earlier runs stay in Redis for an hour
    statuses = [call_staff(app, address=address)[1].status_code for app in (first, second) * 4]
    assert statuses[:5] == [200] * 5 and statuses[5:] == [429] * 3, statuses
    calls = 0
    for app in {services(app).database.url: app for app in (first, second)}.values():  # PostgreSQL: one database
        with services(app).database.read() as db:
            calls += db.scalar(select(func.count()).select_from(StaffCall))
    assert calls == 5  # the five calls let through, over both "processes"


def test_api_sessions_are_limited_per_address(tmp_path):
    app = make_app(tmp_path)
    client = app.test_client()
    statuses = [client.post("/api/v1/sessions", json={"event": "okuyami"}).status_code for _ in range(25)]
    assert statuses[:20] == [201] * 20 and set(statuses[20:]) == {429}
    refused = client.post("/api/v1/sessions", json={"event": "okuyami"})
    assert refused.get_json()["error"] == "too_many_requests" and "Retry-After" in refused.headers
