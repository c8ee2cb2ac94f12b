"""A session's CSRF token is signed once and shown on every page; it still only works for that session."""

import re
import time

from .conftest import Resident, make_app
from .test_resident_flow import OKUYAMI_78


def tokens_on(page: str) -> set[str]:
    return set(re.findall(r'name="csrf_token" value="([^"]+)"', page)) | set(
        re.findall(r'<meta name="csrf-token" content="([^"]+)"', page)
    )


def test_every_page_of_a_session_shows_the_same_token_and_it_works(resident):
    resident.start("okuyami")
    question_id = resident.current_question()
    first = tokens_on(resident.page)
    resident.get("/okuyami/")
    assert tokens_on(resident.page) == first and len(first) == 1  # the form fields and the meta tag agree
    response = resident.answer("okuyami", question_id, OKUYAMI_78[question_id])
    assert response.status_code == 302  # the kept token is accepted
    assert tokens_on(resident.page) == first


def test_a_token_kept_by_one_server_process_works_on_another(tmp_path):
    first = make_app(tmp_path)
    second = make_app(tmp_path, reset=False)  # same database and secret: a second worker
    resident = Resident(first.test_client())
    resident.start("okuyami")
    question_id = resident.current_question()
    token = resident.csrf()
    other = second.test_client()
    other.set_cookie("kiosk_session", resident.client.get_cookie("kiosk_session").value)
    year, month, day = OKUYAMI_78[question_id].split("-")
    response = other.post(f"/okuyami/questions/{question_id}", data={
        "csrf_token": token, "answer-year": year, "answer-month": month, "answer-day": day})
    assert response.status_code == 302


def test_after_a_reset_the_old_token_is_refused(resident):
    resident.start("okuyami")
    question_id = resident.current_question()
    old = resident.csrf()
    resident.post("/reset")
    resident.start("okuyami")
    assert resident.csrf() != old  # a new session secret, a new token
    year, month, day = OKUYAMI_78[question_id].split("-")
    response = resident.client.post(f"/okuyami/questions/{question_id}", data={
        "csrf_token": old, "answer-year": year, "answer-month": month, "answer-day": day})
    assert response.status_code == 400  # 「画面の有効期限が切れました」: nothing saved with the old token
    resident.get(f"/okuyami/questions/{question_id}")
    assert f'value="{year}"' not in resident.page


def test_another_residents_token_is_refused(app):
    first, second = Resident(app.test_client()), Resident(app.test_client())
    first.start("okuyami")
    second.start("okuyami")
    question_id = first.current_question()
    year, month, day = OKUYAMI_78[question_id].split("-")
    response = second.client.post(f"/okuyami/questions/{question_id}", data={
        "csrf_token": first.csrf(), "answer-year": year, "answer-month": month, "answer-day": day})
    assert response.status_code == 400


def test_over_https_a_post_without_a_referer_is_refused_even_with_the_sessions_token(app):
    resident = Resident(app.test_client())
    resident.get("/okuyami/", base_url="https://localhost")
    started = resident.post("/okuyami/start", base_url="https://localhost",
                            headers={"Referer": "https://localhost/okuyami/"})
    question_id = started.headers["Location"].rsplit("/", 1)[1]
    resident.get(f"/okuyami/questions/{question_id}", base_url="https://localhost")
    year, month, day = OKUYAMI_78[question_id].split("-")
    form = {"answer-year": year, "answer-month": month, "answer-day": day}
    refused = resident.post(f"/okuyami/questions/{question_id}", form, base_url="https://localhost")
    assert refused.status_code == 400  # Flask-WTF's Referer check over HTTPS still applies
    accepted = resident.post(f"/okuyami/questions/{question_id}", form, base_url="https://localhost",
                             headers={"Referer": f"https://localhost/okuyami/questions/{question_id}"})
    assert accepted.status_code == 302


def test_a_token_signed_by_another_process_is_kept_once_it_has_been_checked(tmp_path):
    first = make_app(tmp_path)
    second = make_app(tmp_path, reset=False)
    resident = Resident(first.test_client())
    resident.start("okuyami")
    question_id = resident.current_question()
    token = resident.csrf()
    time.sleep(1.1)  # a token signed now by the second process would differ (it is signed with the time)
    other = Resident(second.test_client())
    other.client.set_cookie("kiosk_session", resident.client.get_cookie("kiosk_session").value)
    year, month, day = OKUYAMI_78[question_id].split("-")
    response = other.client.post(f"/okuyami/questions/{question_id}", data={
        "csrf_token": token, "answer-year": year, "answer-month": month, "answer-day": day})
    assert response.status_code == 302
    other.get(response.headers["Location"])
    assert tokens_on(other.page) == {token}  # the second process now shows the token it checked


def test_tokens_that_expire_are_signed_afresh(tmp_path):
    app = make_app(tmp_path, WTF_CSRF_TIME_LIMIT=3600)
    resident = Resident(app.test_client())
    resident.start("okuyami")
    question_id = resident.current_question()
    first = resident.csrf()
    time.sleep(1.1)  # signed with the time: a second later, a new token
    resident.get(f"/okuyami/questions/{question_id}")
    assert resident.csrf() != first
    assert resident.answer("okuyami", question_id, OKUYAMI_78[question_id]).status_code == 302


def test_pages_allow_a_referer_to_this_site_only(resident):
    response = resident.get("/okuyami/")
    assert response.headers["Referrer-Policy"] == "same-origin"  # over HTTPS, Flask-WTF needs it for a POST
