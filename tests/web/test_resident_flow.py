"""The resident's flow through the site, with the browser's behaviour but without JavaScript."""

import re

from kiosk.engine.yamlsource import load_yaml
from kiosk.extensions import services

from ..conftest import SCENARIOS
from .conftest import Resident, make_app


def scenario_answers(name: str) -> dict:
    data, _ = load_yaml(next((SCENARIOS / "okuyami").glob(f"{name}*.yaml")))
    return data["answers"]


OKUYAMI_78 = scenario_answers("01_")


def test_menu_lists_the_three_events_and_a_resume_route(resident):
    response = resident.get("/")
    assert response.status_code == 200
    for title in ("おくやみ", "赤ちゃんが生まれた", "引越し"):
        assert title in resident.page
    assert 'href="/resume"' in resident.page
    assert '<html lang="ja"' in resident.page


def test_start_page_says_what_it_does_how_long_what_to_have_ready_and_the_human_alternative(resident):
    resident.get("/okuyami/")
    assert "およそ" in resident.page and "分です" in resident.page
    assert "手元にあると答えやすいもの" in resident.page
    assert "職員に相談する" in resident.page


def test_a_screen_has_one_heading_and_each_question_its_own_group(resident):
    resident.start("okuyami")
    headings = re.findall(r"<h1[^>]*>(.*?)</h1>", resident.page, re.S)
    assert len(headings) == 1 and "亡くなられた日と届出について" in headings[0]
    groups = re.findall(r'data-question="([a-z_]+)"', resident.page)
    assert groups[:3] == ["death_date", "deceased_resident_here", "death_notified"]
    assert re.search(r"<legend[^>]*>\s*<h2", resident.page)  # each question is a group under the screen's h1
    assert 'class="back-link"' in resident.page
    assert "次へ" in resident.page


def test_a_wrong_answer_shows_the_error_summary_and_keeps_what_was_typed(resident):
    resident.start("okuyami")
    question_id = resident.current_question()
    response = resident.post(
        f"/okuyami/questions/{question_id}", {"answer-year": "2026", "answer-month": "2", "answer-day": "30"}
    )
    assert response.status_code == 422
    assert "<title>エラー：" in resident.page
    assert 'id="error-summary"' in resident.page and 'href="#answer-year"' in resident.page
    assert "2月30日はありません" in resident.page  # issue 14: which day does not exist, not just "a real date"
    assert 'value="30"' in resident.page and 'aria-invalid="true"' in resident.page


def test_the_78_year_old_householder_case_reaches_the_right_procedures(resident):
    resident.start("okuyami")
    resident.answer_all("okuyami", OKUYAMI_78)
    assert "答えを確かめてください" in resident.page
    resident.get("/okuyami/result")
    page = resident.page
    for title in ("後期高齢者医療 資格喪失届", "年金受給権者死亡届", "未支給年金", "世帯主変更届"):
        assert title in page, title
    assert "国民健康保険 資格喪失届" not in page
    assert "2026年5月25日（月）" in page  # 後期・世帯主変更: 5/10 を含めて14日目 5/23（土）→ 5/25（地方自治法4条の2④）
    assert 'id="checklist"' in page


def test_change_links_return_to_check_answers(resident):
    resident.start("okuyami")
    resident.answer_all("okuyami", OKUYAMI_78)
    response = resident.answer("okuyami", "deceased_had_dog", "yes", follow=False)
    assert response.status_code == 302
    # A normal answer goes on to the next question; a change goes back to the check page.
    resident.get("/okuyami/questions/deceased_had_dog?change=1", follow_redirects=True)  # to its screen
    assert 'name="change" value="1"' in resident.page
    response = resident.post("/okuyami/questions/deceased_had_dog", {"answer": "no", "change": "1"})
    assert response.headers["Location"].endswith("/okuyami/check")


def test_changing_an_earlier_answer_drops_only_later_answers_that_no_longer_apply(resident):
    resident.start("okuyami")
    resident.answer_all("okuyami", OKUYAMI_78)
    resident.get("/okuyami/questions/deceased_was_householder?change=1", follow_redirects=True)
    response = resident.post("/okuyami/questions/deceased_was_householder", {"answer": "no", "change": "1"})
    assert response.headers["Location"].endswith("/okuyami/check")
    resident.get("/okuyami/check")
    # Both the question and its answer's change link are gone (each alone would pass with the other still shown).
    assert "同じ世帯に残る" not in resident.page
    assert "/okuyami/questions/household_adults_remaining" not in resident.page
    assert "78" in resident.page  # the age is kept


def test_the_browser_back_button_shows_the_previous_answer(resident):
    resident.start("okuyami")
    first = resident.current_question()
    resident.answer("okuyami", first, OKUYAMI_78[first])
    resident.get(f"/okuyami/questions/{first}")
    assert 'value="2026"' in resident.page and 'value="10"' in resident.page


def test_a_restarted_server_or_a_second_process_continues_the_same_resident(tmp_path):
    first = make_app(tmp_path)
    browser = first.test_client()
    resident = Resident(browser)
    resident.start("okuyami")
    question_id = resident.current_question()
    resident.answer("okuyami", question_id, OKUYAMI_78[question_id])
    cookie = browser.get_cookie("kiosk_session")
    assert cookie is not None and re.fullmatch(r"[A-Za-z0-9_-]{43}", cookie.value)  # an opaque id, nothing else
    second = make_app(tmp_path, reset=False)  # same database, new process
    other = second.test_client()
    other.set_cookie("kiosk_session", cookie.value)
    response = other.get("/okuyami/questions/" + question_id)
    assert 'value="2026"' in response.get_data(as_text=True)


def test_reset_forgets_everything_and_clears_the_browser(tmp_path):
    app = make_app(tmp_path, KIOSK_MODE="kiosk")
    browser = app.test_client()
    resident = Resident(browser)
    resident.start("okuyami")
    question_id = resident.current_question()
    resident.answer("okuyami", question_id, OKUYAMI_78[question_id])
    old = browser.get_cookie("kiosk_session").value
    response = resident.post("/reset")
    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert browser.get_cookie("kiosk_session") is None
    stale = app.test_client()
    stale.set_cookie("kiosk_session", old)
    page = stale.get(f"/okuyami/questions/{question_id}").get_data(as_text=True)
    assert 'value="2026"' not in page


def test_pages_with_answers_are_never_cached(resident):
    response = resident.start("okuyami")
    assert response.headers["Cache-Control"] == "no-store"
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy


def test_without_a_valid_csrf_token_nothing_is_saved(resident):
    resident.start("okuyami")
    question_id = resident.current_question()
    response = resident.client.post(
        f"/okuyami/questions/{question_id}",
        data={"answer-year": "2026", "answer-month": "5", "answer-day": "10", "csrf_token": "forged"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "有効期限が切れました" in page and 'href="/"' in page  # a plain page with a way back
    assert 'value="10"' not in page and 'name="answer-day"' not in page  # nothing sent is echoed (see tests/security)


def test_language_switch_sets_html_lang_and_returns_to_the_same_page(resident):
    resident.start("okuyami")
    question_id = resident.current_question()
    response = resident.post("/language", {"lang": "en", "next": f"/okuyami/questions/{question_id}"})
    assert response.headers["Location"] == f"/okuyami/questions/{question_id}"
    resident.get(response.headers["Location"])
    assert '<html lang="en"' in resident.page
    response = resident.post("/language", {"lang": "en", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_the_deadlines_calendar_file(resident):
    resident.start("okuyami")
    resident.answer_all("okuyami", OKUYAMI_78)
    response = resident.get("/okuyami/result.ics")
    body = response.get_data(as_text=True)
    assert response.mimetype == "text/calendar"
    # 後期高齢者医療の資格喪失: 14 days from 5/10 end on Saturday 5/23; due Monday 5/25 (地方自治法4条の2④).
    assert "BEGIN:VEVENT" in body and "DTSTART;VALUE=DATE:20260525" in body
    assert "DTSTART;VALUE=DATE:20260523" not in body


def test_ticking_the_checklist_with_htmx_returns_only_the_item(resident):
    resident.start("okuyami")
    resident.answer_all("okuyami", OKUYAMI_78)
    resident.get("/okuyami/result")
    response = resident.post(
        "/okuyami/checklist", {"item": "nenkin_shosho", "checked": "1"}, headers={"HX-Request": "true"}
    )
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in fragment
    assert 'aria-pressed="true"' in fragment and 'hx-swap-oob="innerHTML"' in fragment
    resident.get("/okuyami/result")
    assert re.search(r'id="toggle-nenkin_shosho"', resident.page)
    assert 'value="0"' in resident.page  # the next press would untick it
    # Without JavaScript the same form reloads the page at the item.
    response = resident.post("/okuyami/checklist", {"item": "nenkin_shosho", "checked": "0"})
    assert response.headers["Location"].endswith("/okuyami/result#item-nenkin_shosho")


def test_print_page(resident):
    resident.start("okuyami")
    resident.answer_all("okuyami", OKUYAMI_78)
    resident.get("/okuyami/result/print")
    assert "手続きの一覧" in resident.page and "□" in resident.page and "data-print" in resident.page


def test_result_before_the_questions_are_answered_goes_to_the_next_question(resident):
    resident.start("okuyami")
    response = resident.get("/okuyami/result")
    assert response.status_code == 302 and "/okuyami/questions/" in response.headers["Location"]


def test_unknown_event_is_a_friendly_404(resident):
    response = resident.get("/nosuch/")
    assert response.status_code == 404 and "ページが見つかりません" in resident.page


def _render_screen(app, flow, questions, screen=None):
    from flask import render_template

    from kiosk.engine.path import PathScreen

    page = PathScreen(tuple(questions), screen)
    with app.test_request_context(f"/{flow.id}/questions/{page.first.id}"):
        return render_template(
            "resident/question.html",
            flow=flow,
            page=page,
            question=page.first,
            field_base=lambda q: q.id if page.grouped else "answer",
            values={},
            value=None,
            raw_for={},
            raw={},
            errors={},
            error=None,
            earlier={},
            back="/",
            change=False,
            number=1,
        )


def _assert_labelled(page, questions):
    input_ids = re.findall(r'<input class="(?:choice__input|input[^"]*)"[^>]* id="([^"]+)"', page)
    label_targets = re.findall(r'<label[^>]* for="([^"]+)"', page)
    assert input_ids and set(input_ids) <= set(label_targets)
    assert len(input_ids) == len(set(input_ids)), "ids are unique on the page"
    for question in questions:
        for option in question.choices:
            assert option.label in page, (question.id, option.value)


def test_every_question_of_every_flow_renders_with_one_heading_and_labelled_controls(app):
    content = services(app).content
    for flow in content.flows.values():
        for question in flow.questions:  # alone, as on a one-question page: the question is the h1
            page = _render_screen(app, flow, [question])
            assert len(re.findall(r"<h1", page)) == 1, question.id
            assert 'name="screen"' not in page
            _assert_labelled(page, [question])
        for screen in flow.screens:  # a whole screen: its heading is the h1, each question a group
            questions = [flow.question_map[qid] for qid in screen.questions]
            page = _render_screen(app, flow, questions, screen)
            assert len(re.findall(r"<h1", page)) == 1, screen.id
            if len(questions) > 1:
                assert re.findall(r'data-question="([a-z0-9_]+)"', page) == screen.questions
                _assert_labelled(page, questions)
