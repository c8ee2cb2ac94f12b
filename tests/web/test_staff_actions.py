"""What a clerk does besides opening cases: log out (the session and its cookie are gone, the pages ask for a login
again), answer a 「職員を呼ぶ」 call (it leaves the dashboard, the tablet says so, the audit log has who), and print
one form of a case (only that form, audited)."""

from __future__ import annotations

import re

from sqlalchemy import select

from kiosk.extensions import services
from kiosk.store.models import AuditEntry, ResidentSession, StaffCall

from .conftest import Resident, close_apps, make_app  # noqa: F401 (close_apps: autouse)
from .test_staff import STAFF_ON, audit_actions, case_id_of, decode_slip, resident_with_slip, scan, staff_client

HX = {"HX-Request": "true"}


def staff_sessions(app) -> int:
    with services(app).database.read() as db:
        return len(db.scalars(select(ResidentSession.id).where(ResidentSession.kind != "api")).all())


def test_logging_out_ends_the_session_and_the_pages_ask_for_a_login_again(tmp_path):
    app = make_app(tmp_path, **STAFF_ON)
    clerk = staff_client(app)
    assert clerk.get("/staff/").status_code == 200
    cookie = clerk.client.get_cookie("kiosk_staff", path="/staff") or clerk.client.get_cookie("kiosk_staff")
    assert cookie is not None
    old_id = cookie.value

    response = clerk.post("/staff/logout")

    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/login")
    assert response.headers["Clear-Site-Data"] == '"cookies", "storage"'
    with services(app).database.read() as db:
        assert db.get(ResidentSession, old_id) is None, "the logged-in session is still stored"
    for path in ("/staff/", "/staff/audit"):
        again = clerk.client.get(path)
        assert again.status_code == 302 and "/staff/login" in again.headers["Location"]
    # The old cookie, replayed by someone who copied it, opens nothing either.
    thief = app.test_client()
    thief.set_cookie("kiosk_staff", old_id, path="/staff")
    assert thief.get("/staff/").status_code == 302
    assert ("logout", "clerk", None) in audit_actions(app)


def test_logging_out_needs_a_post_with_the_token(tmp_path):
    app = make_app(tmp_path, **STAFF_ON)
    clerk = staff_client(app)
    assert clerk.client.get("/staff/logout").status_code == 405  # a link or an image cannot log a clerk out
    assert clerk.client.post("/staff/logout").status_code == 400
    assert clerk.get("/staff/").status_code == 200


def test_answering_a_call_takes_it_off_the_dashboard_and_tells_the_tablet(tmp_path):
    app = make_app(tmp_path, KIOSK_MODE="kiosk", **STAFF_ON)
    tablet = Resident(app.test_client())
    tablet.get("/okuyami/")
    tablet.post("/help", {"next": "/okuyami/"})
    clerk = staff_client(app)
    fragment = clerk.get("/staff/calls", headers=HX)
    call_id = int(re.search(r'id="answer-call-(\d+)"', clerk.page).group(1))
    assert fragment.status_code == 200 and "kiosk-1" in clerk.page

    response = clerk.post(f"/staff/calls/{call_id}/answer")

    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/")
    clerk.get("/staff/calls", headers=HX)
    assert f'id="answer-call-{call_id}"' not in clerk.page
    assert services(app).cases.open_calls() == []
    with services(app).database.read() as db:
        call = db.get(StaffCall, call_id)
        assert call is not None and call.answered_at is not None
        entries = db.scalars(select(AuditEntry).where(AuditEntry.action.contains("call"))).all()
        assert any(entry.staff == "clerk" for entry in entries), "the audit log does not say who answered"
    tablet.get("/help/status", headers=HX)
    assert "職員が対応しました" in tablet.page
    # Answering it again (a second clerk's stale screen) changes nothing and fails nothing.
    clerk.get("/staff/")
    assert clerk.post(f"/staff/calls/{call_id}/answer").status_code == 302


def print_details(app) -> list[str]:
    with services(app).database.read() as db:
        return [e.detail for e in db.scalars(select(AuditEntry).where(AuditEntry.action == "print"))]


def test_printing_one_form_prints_that_form_only_and_is_audited(tmp_path):
    app = make_app(tmp_path, **STAFF_ON)
    resident = resident_with_slip(app)
    clerk = staff_client(app)
    location = scan(clerk, decode_slip(resident.page)).headers["Location"]
    case_id = case_id_of(app, location)
    clerk.get(f"{location}/forms")
    form_ids = print_details(app)[-1].split(",")
    assert len(form_ids) >= 2, "the case should have several forms for this test to mean anything"
    assert f"印刷用の様式（{len(form_ids)}枚）" in clerk.page

    response = clerk.get(f"{location}/forms?form={form_ids[1]}")

    assert response.status_code == 200
    assert "印刷用の様式（1枚）" in clerk.page and "山田 太郎" in clerk.page
    assert print_details(app)[-1] == form_ids[1]
    assert audit_actions(app).count(("print", "clerk", case_id)) == 2
    assert clerk.client.get(f"{location}/forms?form=no_such_form").status_code == 404
    assert len(print_details(app)) == 2  # a form that is not there prints nothing and is not audited
