"""Kiosk and home modes, save & resume, a database that went away."""

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

from kiosk.extensions import services
from kiosk.store.models import ResumeCode, StaffCall

from .conftest import Resident
from .test_resident_flow import OKUYAMI_78


def test_kiosk_pages_have_the_toolbar_and_the_idle_dialog(kiosk_app):
    resident = Resident(kiosk_app.test_client())
    resident.start("okuyami")
    assert "職員を呼ぶ" in resident.page and "文字を大きく" in resident.page
    assert 'role="alertdialog"' in resident.page and 'data-idle-seconds="90"' in resident.page
    assert "保存して、あとで続ける" not in resident.page


def test_calling_staff_is_recorded_and_keeps_the_answers(kiosk_app):
    resident = Resident(kiosk_app.test_client())
    resident.start("okuyami")
    question_id = resident.current_question()
    resident.answer("okuyami", question_id, OKUYAMI_78[question_id])
    response = resident.post(
        "/help", {"next": "/okuyami/questions/deceased_resident_here"}, headers={"HX-Request": "true"}
    )
    assert "職員が向かいます" in response.get_data(as_text=True)
    with services(kiosk_app).database.session() as db:
        calls = db.scalars(select(StaffCall)).all()
    assert [(c.device, c.event, c.page) for c in calls] == [
        ("kiosk-1", "okuyami", "/okuyami/questions/deceased_resident_here")
    ]
    resident.get(f"/okuyami/questions/{question_id}")
    assert 'value="2026"' in resident.page


def test_large_text_is_remembered_for_the_session_only(kiosk_app):
    resident = Resident(kiosk_app.test_client())
    resident.get("/")
    resident.post("/display", {"next": "/"})
    resident.get("/")
    assert 'class="large-text"' in resident.page
    resident.post("/reset")
    resident.get("/")
    assert 'class="large-text"' not in resident.page


def test_a_kiosk_session_expires_on_the_server_even_if_the_tablet_does_nothing(tmp_path):
    from .conftest import make_app

    app = make_app(tmp_path, KIOSK_MODE="kiosk", KIOSK_IDLE_SECONDS=1, KIOSK_IDLE_COUNTDOWN_SECONDS=1)
    resident = Resident(app.test_client())
    resident.start("okuyami")
    question_id = resident.current_question()
    resident.answer("okuyami", question_id, OKUYAMI_78[question_id])
    database = services(app).database
    from kiosk.store.models import ResidentSession

    with database.session() as db:  # as if 10 minutes had passed
        db.execute(update(ResidentSession).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    resident.get(f"/okuyami/questions/{question_id}")
    assert 'value="2026"' not in resident.page


def save_and_get_code(resident):
    resident.start("okuyami")
    question_id = resident.current_question()
    resident.answer("okuyami", question_id, OKUYAMI_78[question_id])
    response = resident.post("/okuyami/save")
    resident.get(response.headers["Location"])
    match = re.search(r'<p class="resume-code" lang="en">([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{5})</p>', resident.page)
    assert match, resident.page
    return match.group(1), question_id


def test_save_and_resume_on_another_device(app):
    resident = Resident(app.test_client())
    code, question_id = save_and_get_code(resident)
    assert "14日間" in resident.page and "<svg" in resident.page  # how long it is kept, and the QR
    other = Resident(app.test_client())
    other.get("/resume")
    response = other.post("/resume", {"code": code.lower().replace("-", " ")})
    assert response.status_code == 302
    other.get(f"/okuyami/questions/{question_id}")
    assert 'value="2026"' in other.page


def test_wrong_and_expired_resume_codes_get_clear_messages(app):
    resident = Resident(app.test_client())
    code, _ = save_and_get_code(resident)
    other = Resident(app.test_client())
    other.get("/resume")
    response = other.post("/resume", {"code": "ZZZZ-ZZZZ"})
    assert response.status_code == 422 and "再開コードが見つかりません" in other.page
    assert 'value="ZZZZ-ZZZZ"' in other.page
    with services(app).database.session() as db:
        db.execute(update(ResumeCode).values(expires_at=datetime.now(UTC) - timedelta(days=1)))
    response = other.post("/resume", {"code": code})
    assert response.status_code == 422 and "保存期間が過ぎたため" in other.page


def test_guessing_resume_codes_is_stopped(app):
    resident = Resident(app.test_client())
    resident.get("/resume")
    for _ in range(5):
        resident.post("/resume", {"code": "ZZZZ-ZZZZ"})
    resident.post("/resume", {"code": "ZZZZ-ZZZZ"})
    assert "入力の失敗が続いたため" in resident.page


def test_a_database_that_went_away_gives_a_clear_page_and_loses_nothing(app, monkeypatch):
    resident = Resident(app.test_client())
    resident.start("okuyami")
    question_id = resident.current_question()
    store = services(app).sessions

    def down(*args, **kwargs):
        raise OperationalError("SELECT", {}, Exception("connection refused"))

    monkeypatch.setattr(store, "fetch", down)
    monkeypatch.setattr(store, "load", down)
    monkeypatch.setattr(store, "save", down)
    response = resident.client.post(
        f"/okuyami/questions/{question_id}",
        data={"csrf_token": resident.csrf(), "answer-year": "2026", "answer-month": "5", "answer-day": "10"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert "ただいま利用できません" in page and "入力した内容は消えていません" in page
    assert 'name="answer-day" value="10"' in page  # the retry button re-sends what was typed
    assert "Traceback" not in page
    monkeypatch.undo()
    resident.get(f"/okuyami/questions/{question_id}")
    assert resident.page.count("<h1") == 1  # the service is back and the session is intact
