"""Issue 14 (and 13: screens of several questions): 「あと約N画面」, 「最初からやり直す」 asks first (the idle
reset does not), save for later from any question, 「2月31日はありません」, no residents' language buttons on staff
pages."""

import re

import pytest

from kiosk.engine.path import walk
from kiosk.extensions import services

from .conftest import Resident
from .test_resident_flow import OKUYAMI_78


def remaining_on_page(page: str) -> int | None:
    match = re.search(r'<span class="progress">あと約(\d+)画面</span>', page)
    return int(match.group(1)) if match else None


def expected_remaining(app, answers: dict) -> int:
    flow = services(app).content.flows["okuyami"]
    return walk(flow, answers, app.config["TODAY"]()).screens_left


# --- 「あと約N問」 ------------------------------------------------------------------------------------------------

def test_each_screen_says_about_how_many_are_left_on_the_current_path(app, resident):
    resident.start("okuyami")
    assert remaining_on_page(resident.page) == expected_remaining(app, {})
    first_screen = resident.screen_questions()
    resident.answer_screen("okuyami", {qid: OKUYAMI_78[qid] for qid in first_screen})
    second = resident.current_question()
    with app.test_request_context():
        from kiosk.engine import parse_answer

        flow = services(app).content.flows["okuyami"]
        stored = {qid: parse_answer(flow.question_map[qid], OKUYAMI_78[qid], app.config["TODAY"]())
                  for qid in first_screen}
    assert remaining_on_page(resident.page) == expected_remaining(app, stored), second
    assert "質問2" in resident.page  # the number stays beside it


def test_the_last_question_says_so_and_a_change_from_check_answers_shows_no_count(resident):
    resident.start("okuyami")
    pages = []
    for _ in range(80):
        if 'class="summary-list"' in resident.page:
            break
        pages.append(resident.page)
        resident.answer_screen("okuyami", {qid: OKUYAMI_78.get(qid, "unknown") for qid in resident.screen_questions()})
    assert "これが最後の質問です" in pages[-1]
    assert all("これが最後の質問です" not in page for page in pages[:-1])
    assert all(remaining_on_page(page) for page in pages[:-1])
    resident.get("/okuyami/questions/death_date?change=1")
    assert remaining_on_page(resident.page) is None and "最後の質問" not in resident.page


def test_the_count_is_translated(resident):
    resident.get("/")
    resident.post("/language", {"lang": "en", "next": "/"})
    resident.start("okuyami")
    assert re.search(r"About \d+ screens left", resident.page)


# --- 「最初からやり直す」 -------------------------------------------------------------------------------------------

def test_the_toolbar_reset_asks_first_and_no_goes_back(kiosk_app):
    resident = Resident(kiosk_app.test_client())
    resident.start("okuyami")
    question_id = resident.current_question()
    here = resident.answer("okuyami", question_id, OKUYAMI_78[question_id]).headers["Location"]  # the page shown
    # The toolbar's button is a GET form: it asks, it deletes nothing.
    assert re.search(r'<form method="get" action="/reset">\s*<input type="hidden" name="next" value="' + here,
                     resident.page)
    resident.get(f"/reset?next={here}")
    assert "最初からやり直しますか" in resident.page
    assert "はい、最初からやり直す" in resident.page and f'href="{here}">いいえ、続ける</a>' in resident.page
    resident.get(f"/okuyami/questions/{question_id}")
    assert 'value="2026"' in resident.page, "asking deleted nothing"
    resident.get("/reset?next=/okuyami/")
    response = resident.post("/reset", {"confirm": "yes"})
    assert response.status_code == 302 and response.headers["Clear-Site-Data"]
    resident.get(f"/okuyami/questions/{question_id}")
    assert 'value="2026"' not in resident.page


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/reset?next=/reset"])
def test_the_confirmation_goes_back_only_to_a_local_page(resident, target):
    resident.get("/reset", query_string={"next": target})
    assert 'href="/">いいえ、続ける</a>' in resident.page


def test_the_idle_reset_resets_at_once(kiosk_app):
    resident = Resident(kiosk_app.test_client())
    resident.start("okuyami")
    question_id = resident.current_question()
    resident.answer("okuyami", question_id, OKUYAMI_78[question_id])
    form = re.search(r'<form method="post" action="/reset" id="idle-reset-form">(.*?)</form>', resident.page, re.S)
    assert form and 'name="reason" value="idle"' in form.group(1)
    response = resident.post("/reset", {"reason": "idle"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    resident.get(f"/okuyami/questions/{question_id}")
    assert 'value="2026"' not in resident.page


# --- save for later from any question (home) --------------------------------------------------------------------

def test_save_for_later_is_offered_on_questions_once_something_is_answered(app, kiosk_app, resident):
    resident.start("okuyami")
    assert "あとで続ける" not in resident.page, "nothing to save yet"
    question_id = resident.current_question()
    resident.answer("okuyami", question_id, OKUYAMI_78[question_id])
    assert 'action="/okuyami/save"' in resident.page and "あとで続ける" in resident.page
    response = resident.post("/okuyami/save")
    assert response.headers["Location"].endswith("/okuyami/saved")
    resident.get("/okuyami/saved")
    assert 'class="resume-code"' in resident.page

    at_tablet = Resident(kiosk_app.test_client())
    at_tablet.start("okuyami")
    at_tablet.answer("okuyami", question_id, OKUYAMI_78[question_id])
    assert 'action="/okuyami/save"' not in at_tablet.page, "a shared tablet keeps nothing for later"


# --- 2月31日 ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("lang", "day", "message"),
    [
        ("ja", "31", "2月31日はありません"),
        ("easy", "31", "2月31日は ありません"),
        ("en", "31", "There is no day 31 in month 2."),
        ("ja", "32", "ある日付を入力してください"),
    ],
)
def test_a_day_the_month_does_not_have_is_named(resident, lang, day, message):
    resident.get("/")
    resident.post("/language", {"lang": lang, "next": "/"})
    resident.start("okuyami")
    question_id = resident.current_question()
    response = resident.post(f"/okuyami/questions/{question_id}",
                             {"answer-year": "2026", "answer-month": "2", "answer-day": day})
    assert response.status_code == 422
    assert message in resident.page


# --- staff pages ----------------------------------------------------------------------------------------------------

def test_staff_pages_have_no_residents_language_buttons(kiosk_app):
    resident = Resident(kiosk_app.test_client())
    resident.get("/staff/login")
    assert resident.page and 'class="language"' not in resident.page and 'name="lang"' not in resident.page
    resident.get("/")
    assert 'name="lang"' in resident.page
