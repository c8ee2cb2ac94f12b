"""「職員を呼ぶ」 that is answered: one open call per tablet, the tablet's message until a clerk answers, the
dashboard's calls fragment (device, page, Japan time, waiting time), and answering only with a login and CSRF."""

import re
from datetime import UTC, datetime

from sqlalchemy import select

from kiosk.extensions import services
from kiosk.store.models import StaffCall

from .conftest import Resident, make_app
from .test_staff import staff_client

QUESTION_PAGE = "/okuyami/questions/deceased_resident_here"
HX = {"HX-Request": "true"}


def all_calls(app) -> list[StaffCall]:
    with services(app).database.read() as db:
        return list(db.scalars(select(StaffCall).order_by(StaffCall.id)))


def tablet(app) -> Resident:
    resident = Resident(app.test_client())
    resident.get("/okuyami/")
    return resident


def test_pressing_again_returns_the_open_call_and_another_tablet_has_its_own(kiosk_app):
    resident = tablet(kiosk_app)
    first = resident.post("/help", {"next": QUESTION_PAGE}, headers=HX)
    body = first.get_data(as_text=True)
    assert first.status_code == 200 and "職員が向かいます" in body and 'hx-get="/help/status"' in body
    assert "<html" not in body
    resident.get("/okuyami/")
    assert resident.post("/help", {"next": "/okuyami/"}, headers=HX).status_code == 200
    resident.get("/okuyami/")
    page = resident.post("/help", {"next": "/okuyami/"})  # without JavaScript: the confirmation page
    assert page.status_code == 200 and "<h1>職員が向かいます</h1>" in resident.page
    assert 'href="/okuyami/"' in resident.page
    calls = all_calls(kiosk_app)
    assert [(c.device, c.page) for c in calls] == [("kiosk-1", QUESTION_PAGE)], "one call, however often pressed"

    neighbour = tablet(kiosk_app)
    neighbour.post("/help", {"next": "/"}, headers=HX)
    assert len(all_calls(kiosk_app)) == 2

    services(kiosk_app).cases.answer_call(calls[0].id, "clerk")
    resident.get("/okuyami/")
    resident.post("/help", {"next": "/okuyami/"}, headers=HX)
    assert len(all_calls(kiosk_app)) == 3, "once answered, a new press is a new call"


def test_the_tablet_shows_the_call_until_a_clerk_answers_it(kiosk_app):
    resident = tablet(kiosk_app)
    assert 'id="staff-call"' in resident.page and "職員が向かいます" not in resident.page
    nothing = resident.get("/help/status", headers=HX)
    assert nothing.status_code == 200 and "staff-call__message" not in resident.page
    resident.get("/okuyami/")
    resident.post("/help", {"next": "/okuyami/"}, headers=HX)

    resident.get("/")  # every page shows the open call, and polls for its answer
    banner = re.search(r'<div id="staff-call"[^>]*role="status"[^>]*>(.*?)</div>\s*</div>', resident.page, re.S)
    assert banner and "職員が向かいます" in banner.group(1) and 'hx-trigger="every 3s"' in banner.group(1)
    waiting = resident.client.get("/help/status", headers=HX)
    assert waiting.status_code == 204 and waiting.get_data() == b"", "no change: htmx swaps nothing"

    clerk = staff_client(kiosk_app)
    clerk.post(f"/staff/calls/{all_calls(kiosk_app)[0].id}/answer")
    answered = resident.get("/help/status", headers=HX)
    assert answered.status_code == 200 and "職員が対応しました" in resident.page and "hx-get" not in resident.page
    resident.get("/")
    assert "職員が向かいます" not in resident.page and "職員が対応しました" not in resident.page
    resident.get("/help/status", headers=HX)
    assert "staff-call__message" not in resident.page


def test_the_message_is_in_the_resident_s_language(kiosk_app):
    resident = tablet(kiosk_app)
    resident.post("/language", {"lang": "en", "next": "/"})
    resident.get("/")
    response = resident.post("/help", {"next": "/"}, headers=HX)
    assert "A staff member is on the way" in response.get_data(as_text=True)


def test_a_home_server_has_no_call_status(tmp_path):
    app = make_app(tmp_path)
    assert app.test_client().get("/help/status").status_code == 404


def test_the_calls_fragment_shows_device_page_and_japan_time(kiosk_app):
    flow = services(kiosk_app).content.flows["okuyami"]
    with services(kiosk_app).database.session() as db:
        db.add(StaffCall(device="kiosk-2", event="okuyami", page=QUESTION_PAGE + "?change=1",
                         created_at=datetime(2026, 5, 12, 12, 11, tzinfo=UTC)))
        db.add(StaffCall(device="kiosk-3", event=None, page="/", created_at=datetime(2026, 5, 12, 12, 30, tzinfo=UTC)))
    clerk = staff_client(kiosk_app)
    assert 'hx-get="/staff/calls"' in clerk.page and 'hx-trigger="every 3s"' in clerk.page
    assert "21:11" in clerk.page
    fragment = clerk.get("/staff/calls", headers=HX)
    assert fragment.status_code == 200 and "<html" not in clerk.page
    rows = re.findall(r"<tr>(.*?)</tr>", clerk.page, re.S)[1:]
    question = flow.question_map["deceased_resident_here"].text
    assert "21:11" in rows[0] and "12:11" not in rows[0] and "kiosk-2" in rows[0]
    assert f"{flow.title}：質問「{question}」" in rows[0] and "分" in rows[0]
    assert "21:30" in rows[1] and "kiosk-3" in rows[1] and "最初の画面" in rows[1]
    assert 'id="answer-call-' in rows[0] and "対応した" in rows[0]


def test_answering_a_call_needs_a_staff_login_and_the_csrf_token(kiosk_app):
    resident = tablet(kiosk_app)
    resident.post("/help", {"next": "/okuyami/"}, headers=HX)
    call_id = all_calls(kiosk_app)[0].id
    anonymous = kiosk_app.test_client()
    response = anonymous.post(f"/staff/calls/{call_id}/answer")
    assert response.status_code in (302, 400, 401) and all_calls(kiosk_app)[0].answered_at is None
    assert anonymous.get("/staff/calls").status_code == 302  # to the login page
    polled = anonymous.get("/staff/calls", headers=HX)
    assert polled.status_code == 401 and polled.headers["HX-Redirect"] == "/staff/login"
    clerk = staff_client(kiosk_app)
    assert clerk.client.post(f"/staff/calls/{call_id}/answer").status_code == 400  # no CSRF token
    assert all_calls(kiosk_app)[0].answered_at is None
    assert clerk.post(f"/staff/calls/{call_id}/answer").status_code == 302
    assert all_calls(kiosk_app)[0].answered_at is not None
    clerk.get("/staff/calls", headers=HX)
    assert "呼び出しはありません" in clerk.page
