import os
import re
import tempfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from kiosk import create_app
from kiosk.extensions import services
from kiosk.store.models import Base

TODAY = date(2026, 5, 12)
SPEECH_CACHE = Path(tempfile.mkdtemp(prefix="kiosk-speech-"))  # shared by the suite: clips are made once


def database_url_for_tests(tmp_path: Path, reset: bool = True) -> str:
    """SQLite in tmp_path, or the PostgreSQL database in KIOSK_TEST_DATABASE_URL (emptied first when `reset`)."""
    url = os.environ.get("KIOSK_TEST_DATABASE_URL")
    if not url:
        tmp_path.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{tmp_path / 'kiosk.sqlite3'}"
    if reset:
        engine = create_engine(url)
        with engine.begin() as connection:
            Base.metadata.drop_all(connection)
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        engine.dispose()
    return url


def make_app(tmp_path: Path, reset: bool = True, **config):
    settings = {
        "TESTING": True,
        "KIOSK_DATABASE_URL": database_url_for_tests(tmp_path, reset),
        "TODAY": lambda: TODAY,
        "SECRET_KEY": "test-secret-key-for-the-suite",
        "KIOSK_SPEECH_CACHE": str(SPEECH_CACHE),
    }
    settings.update(config)
    app = create_app(settings)
    CREATED.append(app)
    return app


CREATED: list = []


@pytest.fixture(autouse=True)
def close_apps():
    """Close every app's database connections and speech workers after each test (PostgreSQL warns otherwise)."""
    yield
    while CREATED:
        app = CREATED.pop()
        services(app).database.engine.dispose()
        speech = services(app).speech
        if speech is not None:
            speech.close()


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


@pytest.fixture
def kiosk_app(tmp_path):
    return make_app(tmp_path, KIOSK_MODE="kiosk")


class Resident:
    """A resident using the site through the Flask test client, the way a browser without JavaScript does."""

    def __init__(self, client):
        self.client = client
        self.page = ""

    def get(self, url, **kwargs):
        response = self.client.get(url, **kwargs)
        self.page = response.get_data(as_text=True)
        return response

    def csrf(self) -> str:
        match = re.search(r'name="csrf_token" value="([^"]+)"', self.page)
        assert match, "no CSRF token on the page"
        return match.group(1)

    def post(self, url, data=None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf())
        response = self.client.post(url, data=data, **kwargs)
        if response.status_code != 302:
            self.page = response.get_data(as_text=True)
        return response

    def start(self, event):
        self.get(f"/{event}/")
        response = self.post(f"/{event}/start")
        assert response.status_code == 302
        return self.get(response.headers["Location"])

    def make_slip(self, event):
        """Make the slip from the answers (and details) as they are now, and show it."""
        self.get(f"/{event}/prefill")
        response = self.post(f"/{event}/slip")
        assert response.status_code == 302, self.page[:500]
        return self.get(response.headers["Location"])

    def current_question(self) -> str:
        match = re.search(r'action="/[a-z]+/questions/([a-z0-9_]+)"', self.page)
        assert match, self.page[:500]
        return match.group(1)

    def screen_questions(self) -> list[str]:
        """The questions on the current page: the groups of a screen of several, else the page's one question."""
        grouped = re.findall(r'data-question="([a-z0-9_]+)"', self.page)
        return grouped or [self.current_question()]

    @staticmethod
    def fields(value, base="answer", grouped=False):
        """The form fields a browser sends for one answer (namespaced by question id on a screen of several)."""
        if isinstance(value, list):
            return {base: value}
        if value == "unknown":
            return {f"{base}-unknown": "1", base: "unknown"} if grouped else {"unknown": "1", "answer": "unknown"}
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value)):
            year, month, day = str(value).split("-")
            return {f"{base}-year": year, f"{base}-month": month, f"{base}-day": day}
        return {base: str(value)}

    def answer(self, event, question_id, value, follow=True):
        """Answer one question (a one-question form: on a screen of several, the other answers stay as they are)."""
        self.get(f"/{event}/questions/{question_id}", follow_redirects=True)
        response = self.post(f"/{event}/questions/{question_id}", self.fields(value))
        if follow and response.status_code == 302:
            self.get(response.headers["Location"])
        return response

    def answer_screen(self, event, values: dict, follow=True, extra=None):
        """Answer every question of the current screen at once, as its form does (`extra`: e.g. change=1)."""
        first = self.current_question()
        ids = self.screen_questions()
        if len(ids) == 1 and 'name="screen"' not in self.page:
            data = self.fields(values[ids[0]])
        else:
            data = {"screen": re.search(r'name="screen" value="([a-z0-9_]+)"', self.page).group(1)}
            for question_id in ids:
                data.update(self.fields(values[question_id], question_id, grouped=True))
        response = self.post(f"/{event}/questions/{first}", {**data, **(extra or {})})
        if follow and response.status_code == 302:
            self.get(response.headers["Location"])
        return response

    def answer_all(self, event, answers: dict, default=None):
        """Answer whatever the site asks, from `answers` (or `default(question_id)`), until check answers."""
        for _ in range(80):
            if 'class="summary-list"' in self.page:
                return
            ids = self.screen_questions()
            values = {qid: answers[qid] if qid in answers else default(qid) for qid in ids}
            response = self.answer_screen(event, values)
            assert response.status_code == 302, f"{values!r}: {self.page[:800]}"
        raise AssertionError("the flow did not end")


@pytest.fixture
def resident(app):
    return Resident(app.test_client())
