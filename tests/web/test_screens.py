"""Screens of several questions (issue 13): one form, errors per field, nothing stored until all is right,
cross-answer checks, back and change links. Without JavaScript, as the test client is."""

import re

from kiosk.extensions import services

FIRST = {"death_date": "2026-05-10", "deceased_resident_here": "yes", "death_notified": "yes"}


def start_okuyami(resident):
    resident.start("okuyami")
    assert resident.screen_questions()[:3] == list(FIRST)


def stored(resident, event):
    with resident.client.session_transaction() as session:
        return dict(session.get("answers", {}).get(event, {}))


def test_one_wrong_answer_among_several_is_shown_on_its_field_the_others_are_kept_and_nothing_is_stored(resident):
    start_okuyami(resident)
    data = {"screen": "death", "death_date-year": "2026", "death_date-month": "2", "death_date-day": "30",
            "deceased_resident_here": "yes", "death_notified": "no"}
    response = resident.post("/okuyami/questions/death_date", data)
    assert response.status_code == 422
    page = resident.page
    assert "<title>エラー：" in page and 'id="error-summary"' in page
    assert re.findall(r'<ul class="error-summary__list">(.*?)</ul>', page, re.S)[0].count("<li>") == 1
    assert 'href="#death_date-year"' in page and "2月30日はありません" in page
    assert re.search(r'id="death_date-year"[^>]*aria-invalid="true"', page) or \
        re.search(r'aria-invalid="true"[^>]*id="death_date-year"', page) or 'name="death_date-year"' in page
    assert 'value="30"' in page  # what was typed
    assert re.search(r'name="deceased_resident_here" id="[^"]+" value="yes" checked', page)  # the others kept
    assert re.search(r'name="death_notified" id="[^"]+" value="no" checked', page)
    assert 'id="deceased_resident_here-error"' not in page  # no error on the right answers
    assert stored(resident, "okuyami") == {}


def test_a_whole_screen_is_stored_at_once_and_the_next_screen_has_a_back_link_to_it(resident):
    start_okuyami(resident)
    response = resident.answer_screen("okuyami", {**FIRST, **{q: "unknown" for q in resident.screen_questions()[3:]}})
    assert response.status_code == 302
    assert stored(resident, "okuyami") == FIRST
    assert resident.current_question() != "death_date"
    assert re.search(r'<a class="back-link" href="/okuyami/questions/death_date">', resident.page)


def test_a_question_s_address_shows_its_screen(resident):
    start_okuyami(resident)
    response = resident.get("/okuyami/questions/death_notified?change=1")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/okuyami/questions/death_date?change=1")


def plain(app, event):
    """A valid answer for any question: 「わからない」 where offered, else the first choice, 40, or a date."""
    flow = services(app).content.flows[event]

    def answer(question_id):
        question = flow.question_map[question_id]
        if question.unknown:
            return "unknown"
        if question.type == "date":
            return "2026-05-10"
        if question.type == "number":
            return 40
        if question.type == "multiple":
            return [next(o.value for o in question.choices if not o.exclusive)]
        return question.choices[-1].value
    return answer


def test_change_from_check_answers_opens_the_screen_and_returns(app, resident):
    resident.start("okuyami")
    resident.answer_all("okuyami", FIRST, default=plain(app, "okuyami"))
    assert 'class="summary-list"' in resident.page
    assert 'href="/okuyami/questions/death_date?change=1"' in resident.page
    resident.get("/okuyami/questions/death_date?change=1")
    assert 'name="change" value="1"' in resident.page and 'name="screen" value="death"' in resident.page
    assert "あと約" not in resident.page  # no count while changing
    response = resident.answer_screen("okuyami", FIRST, follow=False, extra={"change": "1"})
    assert response.headers["Location"].endswith("/okuyami/check")
    response = resident.answer_screen("okuyami", FIRST, follow=False)  # without change: on to the next screen
    assert "/okuyami/questions/" in response.headers["Location"]


def shussei_first_screen(resident, birth_date="2026-05-01"):
    resident.start("shussei")
    values = {"birth_date": birth_date, "birth_registered": "no", "born_in_japan": "no", "baby_resident_here": "yes"}
    return resident.answer_screen("shussei", {qid: values.get(qid, "unknown") for qid in resident.screen_questions()})


def test_an_arrival_before_the_birth_is_refused_with_a_message_naming_both_answers(resident):
    assert shussei_first_screen(resident).status_code == 302
    assert "arrival_date" in resident.screen_questions()
    before = stored(resident, "shussei")
    values = {"arrival_date": "2026-04-20", "parents_married": "yes", "foreign_parents": "none"}
    response = resident.answer_screen(
        "shussei", {qid: values.get(qid, "unknown") for qid in resident.screen_questions()})
    assert response.status_code == 422
    page = resident.page
    assert "この市に住み始めた日が、赤ちゃんが生まれた日より前になっています" in page
    assert 'href="#arrival_date-year"' in page
    assert "前のお答え：赤ちゃんが生まれた日を教えてください" in page and "2026年5月1日" in page
    assert 'value="20"' in page and re.search(r'name="parents_married" id="[^"]+" value="yes" checked', page)
    assert stored(resident, "shussei") == before  # nothing of this screen is stored


def test_a_birth_date_far_in_the_past_is_refused_kindly(resident):
    response = shussei_first_screen(resident, birth_date="1990-05-01")
    assert response.status_code == 422
    assert "5年以上前" in resident.page and stored(resident, "shussei") == {}


def test_the_check_message_is_in_the_resident_s_language(resident):
    resident.get("/")
    resident.post("/language", {"lang": "en", "next": "/"})
    shussei_first_screen(resident)
    values = {"arrival_date": "2026-04-20", "parents_married": "yes", "foreign_parents": "none"}
    resident.answer_screen("shussei", {qid: values.get(qid, "unknown") for qid in resident.screen_questions()})
    assert "is before the baby&#39;s date of birth" in resident.page or "is before the baby's date of birth" in \
        resident.page
    assert "Your earlier answer:" in resident.page


def test_a_screen_with_one_question_on_the_path_looks_and_works_as_a_one_question_page(app, resident):
    flow = services(app).content.flows["hikkoshi"]
    assert len(flow.screen_of["has_mynumber_card"].questions) > 1  # grouped in the content …
    resident.start("hikkoshi")
    values = {"move_type": "tennyu", "move_date": "2026-05-01", "planned_move_out_date": "2026-05-01",
              "used_online_tenshutsu": "no"}
    for _ in range(2):
        resident.answer_screen("hikkoshi", {qid: values.get(qid, "unknown") for qid in resident.screen_questions()})
    assert resident.current_question() == "has_mynumber_card"  # … but alone on this path
    page = resident.page
    assert re.search(r"<legend[^>]*>\s*<h1", page) and 'name="screen"' not in page and 'name="answer"' in page
    response = resident.answer("hikkoshi", "has_mynumber_card", "no")
    assert response.status_code == 302


def test_i_dont_know_for_a_number_on_a_screen_of_several_is_a_box_kept_with_an_error_elsewhere(resident):
    start_okuyami(resident)
    resident.answer_screen("okuyami", {**FIRST, **{q: "unknown" for q in resident.screen_questions()[3:]}})
    assert "deceased_age" in resident.screen_questions() and len(resident.screen_questions()) > 1
    assert 'id="deceased_age-unknown"' in resident.page  # a box beside the field, not a submit button
    screen = re.search(r'name="screen" value="([a-z0-9_]+)"', resident.page).group(1)
    response = resident.post(f"/okuyami/questions/{resident.current_question()}",
                             {"screen": screen, "deceased_age-unknown": "1"})  # the other questions left out
    assert response.status_code == 422
    assert re.search(r'id="deceased_age-unknown" value="1" checked', resident.page)
    assert 'href="#deceased_age' not in resident.page  # no error for the answered question
