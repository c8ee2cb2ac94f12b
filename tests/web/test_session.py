"""Server-side sessions: reading a page does not rewrite the session, yet an active resident is never logged out."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from kiosk.extensions import services
from kiosk.store.models import ResidentSession

from .conftest import Resident, make_app
from .test_resident_flow import OKUYAMI_78


def stored(app):
    with services(app).database.session() as db:
        row = db.scalars(select(ResidentSession)).one()
        return row.updated_at, row.expires_at.replace(tzinfo=UTC), dict(row.data)


def test_reading_pages_does_not_rewrite_the_session_and_the_cookie_is_sent_once(app):
    resident = Resident(app.test_client())
    first = resident.get("/okuyami/")
    assert "Set-Cookie" in first.headers  # the form's CSRF secret, in its own cookie until something is stored
    resident.start("okuyami")
    question_id = resident.current_question()
    resident.answer("okuyami", question_id, OKUYAMI_78[question_id])
    before = stored(app)
    for _ in range(3):
        again = resident.get(f"/okuyami/questions/{question_id}")
        assert again.status_code == 200 and "Set-Cookie" not in again.headers
    assert stored(app) == before  # no write: answers, updated_at and expiry as they were


def test_an_active_resident_keeps_the_session_alive_without_changing_anything(tmp_path):
    app = make_app(tmp_path, KIOSK_MODE="kiosk", KIOSK_IDLE_SECONDS=90, KIOSK_IDLE_COUNTDOWN_SECONDS=60)
    resident = Resident(app.test_client())
    resident.start("okuyami")
    question_id = resident.current_question()
    resident.answer("okuyami", question_id, OKUYAMI_78[question_id])
    resident.get(f"/okuyami/questions/{question_id}")  # back to the first question, read aloud on a kiosk
    _, _, before = stored(app)
    # As if the resident had been reading this page for a minute: the expiry is a minute closer.
    with services(app).database.session() as db:
        db.execute(update(ResidentSession).values(expires_at=datetime.now(UTC) + timedelta(seconds=120)))
    resident.get(f"/okuyami/questions/{question_id}")
    _, expires_at, after = stored(app)
    lifetime = timedelta(seconds=90 + 60 + 30)
    assert expires_at > datetime.now(UTC) + lifetime - timedelta(seconds=5)  # pushed back to the full lifetime
    assert after == before  # the same answers and the same read-aloud texts


def test_a_cookie_that_is_no_csrf_secret_is_deleted_and_pages_vary_by_cookie(app):
    client = app.test_client()
    client.set_cookie("kiosk_csrf", "not-a-secret")
    response = client.get("/health")  # a page without a form: no new secret to give
    assert any(line.startswith("kiosk_csrf=;") for line in response.headers.getlist("Set-Cookie"))
    assert client.get_cookie("kiosk_csrf") is None
    # A page made for one browser's cookies (its form's secret) must not be given to another by a shared cache.
    first = client.get("/okuyami/")
    assert "Cookie" in first.vary
    assert any(line.startswith("kiosk_csrf=") for line in first.headers.getlist("Set-Cookie"))
    again = client.get("/okuyami/")  # the secret is already in the browser: not sent again
    assert "Cookie" in again.vary and "Set-Cookie" not in again.headers
    resident = Resident(client)
    resident.start("okuyami")
    assert "Cookie" in resident.get(f"/okuyami/questions/{resident.current_question()}").vary  # a stored session


def test_a_stored_session_that_became_empty_leaves_no_row_and_no_cookie(app):
    resident = Resident(app.test_client())
    resident.start("okuyami")
    question_id = resident.current_question()
    resident.answer("okuyami", question_id, OKUYAMI_78[question_id])
    session_id = resident.client.get_cookie("kiosk_session").value
    interface = app.session_interface
    with app.test_request_context("/", headers={"Cookie": f"kiosk_session={session_id}"}):
        from flask import request

        session = interface.open_session(app, request)
        assert not session.new and session
        session.clear()
        response = app.response_class()
        interface.save_session(app, session, response)
    assert any(line.startswith("kiosk_session=;") for line in response.headers.getlist("Set-Cookie"))
    assert "Cookie" in response.vary
    with services(app).database.read() as db:
        assert db.scalars(select(ResidentSession.id)).all() == []


def test_each_session_row_says_whose_it_is_and_a_clerks_lives_the_configured_minutes_on_a_kiosk(tmp_path):
    from kiosk.store.sessions import now

    app = make_app(tmp_path, KIOSK_MODE="kiosk", KIOSK_STAFF_ACCESS="on", KIOSK_SESSION_MINUTES=120)
    services(app).staff.add("clerk", "correct horse battery", "staff")
    resident = Resident(app.test_client())
    resident.start("okuyami")
    clerk = Resident(app.test_client())
    clerk.get("/staff/login")
    assert clerk.post("/staff/login", {"name": "clerk", "password": "correct horse battery"}).status_code == 302
    assert app.test_client().post("/api/v1/sessions", json={"event": "okuyami"}).status_code == 201
    with services(app).database.read() as db:
        rows = {row.kind: row for row in db.scalars(select(ResidentSession))}
    assert {kind: row.mode for kind, row in rows.items()} == {"web": "kiosk", "staff": "kiosk", "api": "kiosk"}
    # The tablet's resident is reset after its idle time; the clerk at the desk is not logged out after 3 minutes.
    left = {kind: row.expires_at.replace(tzinfo=UTC) - now() for kind, row in rows.items()}
    assert timedelta(minutes=2) < left["web"] <= timedelta(minutes=3)
    assert timedelta(minutes=119) < left["staff"] <= timedelta(minutes=120)
