"""Every form route of the app refuses a POST without a CSRF token, with or without htmx's HX-Request header, and
changes nothing: no answer, no case, no 済/未, no answered call, no logout.

The routes come from the app's URL map, so a route added later is covered without editing this test (a route
with a URL argument this test does not know fails it, naming the argument). The JSON API under /api/ takes no
token by design: it serves programs, refuses other sites' browser requests (Sec-Fetch-Site) and has its own tests.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import inspect, select, text

from kiosk.extensions import services
from kiosk.store.models import Case

from ..web.conftest import Resident, close_apps, make_app  # noqa: F401 (close_apps: autouse)
from ..web.test_staff import STAFF_ON, resident_with_slip, staff_client

# Columns that a refused request may touch without changing anything a person would see: a session's expiry
# moves on with every request.
VOLATILE = {("resident_sessions", "updated_at"), ("resident_sessions", "expires_at")}


def snapshot(app) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, as text."""
    database = services(app).database
    with database.engine.connect() as connection:
        tables = inspect(connection).get_table_names()
        found = {}
        for table in tables:
            columns = [c["name"] for c in inspect(connection).get_columns(table) if (table, c["name"]) not in VOLATILE]
            rows = connection.execute(text(f'SELECT {", ".join(columns)} FROM "{table}"')).all()
            found[table] = sorted(tuple(str(value) for value in row) for row in rows)
    return found


@pytest.fixture
def world(tmp_path):
    """A kiosk with a resident half-way through, a case with its slip, an open call and a clerk logged in."""
    app = make_app(tmp_path, KIOSK_MODE="kiosk", **STAFF_ON)
    resident = resident_with_slip(app)
    resident.post("/help", {"next": "/okuyami/"})
    clerk = staff_client(app)
    with services(app).database.read() as db:
        public_id = db.scalars(select(Case.public_id)).one()
    clerk.get(f"/staff/cases/{public_id}")
    procedure_id = re.search(rf"/staff/cases/{public_id}/procedures/([a-z0-9_]+)", clerk.page)
    assert procedure_id, "the case page has no 済/未 form"
    calls = services(app).cases.open_calls()
    assert calls, "the 「職員を呼ぶ」 call was not made"
    flow = services(app).content.flows["okuyami"]
    arguments = {
        "event": "okuyami",
        "question_id": flow.questions[0].id,
        "role": "applicant",
        "public_id": public_id,
        "procedure_id": procedure_id.group(1),
        "call_id": str(calls[0].id),
    }
    return app, resident, clerk, arguments


def form_routes(app) -> list[tuple[str, str, frozenset[str]]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if "POST" in (rule.methods or ()) and not rule.rule.startswith("/api/"):
            routes.append((rule.endpoint, rule.rule, frozenset(rule.arguments)))
    return sorted(routes)


def test_the_loop_covers_every_kind_of_form_route(world):
    app, *_ = world
    endpoints = {endpoint for endpoint, _, _ in form_routes(app)}
    # A few that must be among them (the loop would silently test nothing if the URL map were read wrong).
    for endpoint in ("staff.set_status", "staff.answer_call", "staff.logout", "staff.login", "slip.create"):
        assert endpoint in endpoints
    assert len(endpoints) >= 14


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}], ids=["form", "htmx"])
def test_every_form_route_refuses_a_post_without_a_token_and_changes_nothing(world, headers):
    app, resident, clerk, arguments = world
    before = snapshot(app)
    tried = []
    for endpoint, rule, needs in form_routes(app):
        unknown = needs - set(arguments)
        assert not unknown, f"{rule}: this test does not know a value for {sorted(unknown)}"
        url = rule
        for name in needs:
            url = re.sub(rf"<(?:[a-z]+:)?{name}>", arguments[name], url)
        client = clerk if rule.startswith("/staff/") else resident
        data = {"status": "done", "answer": "no", "next": "/", "language": "en", "code": "X", "name": "clerk",
                "password": "correct horse battery", "event": "okuyami", "answer-year": "2026"}
        response = client.client.post(url, data=data, headers=headers)
        assert response.status_code == 400, f"{endpoint} {url}: {response.status_code}"
        tried.append(endpoint)
    assert snapshot(app) == before
    # The clerk is still logged in (the logout without a token did nothing) and the resident's answers are there.
    assert clerk.get("/staff/").status_code == 200
    assert resident.get("/okuyami/slip").status_code == 200
    assert len(tried) >= 14
