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
