"""Findings 7 and 8: input that used to give 500s, and characters that used to reach official forms.

7. A date of 9999-12-31 broke the result, print, .ics, slip and API (OverflowError in the deadline arithmetic);
   `[` × 100,000 to POST /api/v1/sessions raised RecursionError; there was no limit on an API body's size.
   Now every date answer lies in a window (per question, default 1900-01-01 … two years from today) with a kind
   message, the arithmetic saturates instead of overflowing (for answers stored before the window existed), and
   the API refuses too-deep bodies (400) and too-large ones (413) as JSON. No probe gives a 500.
8. Control and format characters (NUL, ESC, U+202E RIGHT-TO-LEFT OVERRIDE: 「山田\u202e郎太」 prints as 山田太郎)
   were accepted in names and addresses and printed on official forms. Now every personal-details field refuses
   Unicode categories Cc and Cf with a clear message (variation selectors for 異体字 stay allowed).
"""

import json
import re

import pytest
from sqlalchemy import select

from kiosk.extensions import services
from kiosk.store.models import Case, ResidentSession

from ..conftest import SCENARIOS
from ..robustness.helpers import complete_api_session
from ..web.conftest import Resident, close_apps, make_app  # noqa: F401 (close_apps: autouse)
from ..web.test_staff import resident_with_slip, staff_client

EVENTS = ("okuyami", "shussei", "hikkoshi")
FAR_DATES = ("9999-12-31", "0001-01-01", "9999/12/31", "令和99年1月1日")


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path, KIOSK_STAFF_ACCESS="on")


def scenario(event: str) -> dict:
    from kiosk.engine.yamlsource import load_yaml

    data, _ = load_yaml(sorted((SCENARIOS / event).glob("01_*.yaml"))[0])
    return data["answers"]


def date_questions(app, event):
    return {q.id for q in services(app).content.flows[event].questions if q.type == "date"}


@pytest.mark.parametrize("event", EVENTS)
def test_far_dates_are_refused_kindly_on_the_web_and_no_page_fails(app, event):
    resident = Resident(app.test_client())
    resident.start(event)
    answers = scenario(event)
    dates = date_questions(app, event)
    tried = 0
    for _ in range(80):
        if 'class="summary-list"' in resident.page:
            break
        question_id = resident.current_question()
        if question_id in dates:
            for far in FAR_DATES[:2]:
                response = resident.answer(event, question_id, far, follow=False)
                assert response.status_code == 422, (question_id, far, response.status_code)
                assert re.search("年をお確かめください|今日より後の日付は入力できません", resident.page), question_id
                tried += 1
        value = answers.get(question_id, "unknown")
        response = resident.answer(event, question_id, value)
        assert response.status_code == 302, (question_id, value, resident.page[:300])
    assert tried >= 2
    for path in (f"/{event}/result", f"/{event}/result/print", f"/{event}/result.ics"):
        assert resident.get(path).status_code == 200, path
    assert resident.make_slip(event).status_code == 200


@pytest.mark.parametrize("event", EVENTS)
def test_far_dates_are_refused_by_the_api_with_the_reason(app, event):
    client = app.test_client()
    for question_id in sorted(date_questions(app, event)):
        session = client.post("/api/v1/sessions", json={"event": event}).get_json()["session"]
        # Answer up to the date question with the scenario's answers, then try the far dates.
        answers = scenario(event)
        for _ in range(40):
            progress = client.get(f"/api/v1/sessions/{session}").get_json()
            question = progress["question"]
            if question is None or question["id"] == question_id:
                break
            value = answers.get(question["id"])
            value = str(value) if hasattr(value, "isoformat") else value
            reply = client.post(f"/api/v1/sessions/{session}/answers",
                                json={"question": question["id"], "value": "unknown" if value is None else value})
            assert reply.status_code in (200, 422)
            if reply.status_code == 422:
                break
        if question is None or question["id"] != question_id:
            continue  # not reachable with these answers
        for far in FAR_DATES:
            reply = client.post(f"/api/v1/sessions/{session}/answers", json={"question": question_id, "value": far})
            assert reply.status_code == 422, (question_id, far)
            assert reply.get_json()["reason"] in ("too_late", "too_early", "in_future"), reply.get_json()


def _inject_far_dates(app, event: str, kind: str) -> None:
    """Answers stored before the date window existed: every stored date answer of `event` becomes 9999-12-31."""
    dates = date_questions(app, event)
    with services(app).database.session() as db:
        for row in db.scalars(select(ResidentSession)):
            data = json.loads(json.dumps(row.data))
            stored = data.get("answers", {})
            stored = stored.get(event, {}) if kind == "web" else stored
            for question_id in list(stored):
                if question_id in dates:
                    stored[question_id] = "9999-12-31"
            row.data = data


@pytest.mark.parametrize("event", EVENTS)
def test_stored_far_dates_never_break_a_page(app, event):
    client = app.test_client()
    session = complete_api_session(client, event)
    _inject_far_dates(app, event, "api")
    assert client.get(f"/api/v1/sessions/{session}/result").status_code == 200
    resident = Resident(app.test_client())
    resident.start(event)
    resident.answer_all(event, scenario(event), default=lambda _: "unknown")
    _inject_far_dates(app, event, "web")
    for path in (f"/{event}/result", f"/{event}/result/print", f"/{event}/result.ics", f"/{event}/check"):
        assert resident.get(path).status_code in (200, 302), path
    # A far date can put a question back on the path (a date condition now holds): the resident is sent back to
    # that question, answers it, and the slip is made from the far dates without an error.
    landing = resident.get(f"/{event}/result")
    for _ in range(3):
        if landing.status_code != 302:
            break
        landing = resident.get(landing.headers["Location"])
    if 'class="summary-list"' not in resident.page and "/questions/" in resident.page:
        resident.answer_all(event, scenario(event), default=lambda _: "unknown")
    assert resident.make_slip(event).status_code == 200


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"[" * 100_000, 413),  # the probe: too large before it is too deep
        (b"[" * 5_000, 400),  # within the size limit, far deeper than any body of the API
        (b"[" * 1_000 + b"]" * 1_000, 400),
        (b'{"event": ' + b"[" * 50 + b"]" * 50 + b"}", 400),
        (b'{"event": "okuyami", "x": "' + b"[" * 5_000 + b'"}', 201),  # brackets inside a string are text
        (b'{"event": "okuyami", "padding": "' + b"x" * 200_000 + b'"}', 413),
        (b"\xff\xfe" + b"[" * 100, 400),
    ],
)
def test_api_bodies_that_are_too_deep_or_too_large_are_json_errors(app, body, status):
    client = app.test_client()
    reply = client.post("/api/v1/sessions", data=body, content_type="application/json")
    assert reply.status_code == status
    assert reply.is_json and ("error" in reply.get_json() if status >= 400 else "session" in reply.get_json())
    session = complete_api_session(client, "okuyami")
    reply = client.post(f"/api/v1/sessions/{session}/answers", data=body, content_type="application/json")
    assert reply.status_code in (400, 413, 422) and reply.is_json


BAD_NAMES = [
    "山田\u202e郎太",  # RIGHT-TO-LEFT OVERRIDE (Cf)
    "山田\x00太郎",  # NUL (Cc)
    "\x1b[2J山田",  # ESC (Cc)
    "山田\u200b太郎",  # ZERO WIDTH SPACE (Cf)
    "\ufeff山田",  # BYTE ORDER MARK (Cf)
    "山田\u2066太郎\u2069",  # LEFT-TO-RIGHT ISOLATE … POP DIRECTIONAL ISOLATE (Cf)
    "山田\x7f",  # DELETE (Cc)
]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_control_and_format_characters_are_refused_in_personal_details(app, name):
    resident = Resident(app.test_client())
    resident.start("okuyami")
    resident.answer_all("okuyami", scenario("okuyami"))
    resident.get("/okuyami/prefill/applicant")
    fields = {"name": "山田 花子", "name_kana": "ヤマダ ハナコ", "birth_date": "1968-04-21", "postal_code": "",
              "address": "東京都国立市東1-2-3", "phone": "090-1234-5678", "relationship": "child"}
    for field in ("name", "address"):
        response = resident.post("/okuyami/prefill/applicant", {**fields, field: name})
        assert response.status_code == 422, (field, repr(name))
        assert "書類に印字できない文字" in resident.page


def test_allowed_characters_still_pass_and_nothing_invisible_reaches_a_printed_form(app):
    resident = resident_with_slip(app)  # an ordinary resident first: the forms print
    resident = Resident(app.test_client())
    resident.start("okuyami")
    resident.answer_all("okuyami", scenario("okuyami"))
    resident.get("/okuyami/prefill/applicant")
    response = resident.post("/okuyami/prefill/applicant", {
        "name": "葛\U000e0100城 花子",  # an ideographic variation sequence (異体字) is allowed
        "name_kana": "カツラギ ハナコ", "birth_date": "1968-04-21", "postal_code": "",
        "address": "東京都国立市東1-2-3\tグリーンハイツ\n305号室", "phone": "090-1234-5678", "relationship": "child"})
    assert response.status_code == 302, resident.page[:500]
    resident.make_slip("okuyami")
    clerk = staff_client(app)
    with services(app).database.read() as db:
        cases = db.scalars(select(Case).order_by(Case.id)).all()
    prefill = cases[-1].prefill["applicant"]
    assert prefill["name"] == "葛\U000e0100城 花子"
    assert prefill["address"] == "東京都国立市東1-2-3 グリーンハイツ 305号室"
    clerk.get("/staff/")
    link = re.search(r'href="(/staff/cases/[^"/]+)"', clerk.page)
    assert link
    clerk.get(link.group(1) + "/forms")
    assert not any(ch in clerk.page for ch in ("\u202e", "\x00", "\x1b", "\u200b"))
