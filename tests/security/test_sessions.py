"""Findings 2, 13 (logout) and 5 (session rows): staff sessions are apart from residents' and get a new id at login
and logout; a visitor who only reads pages stores nothing.

The attacks: plant a session id in the clerk's browser before the clerk logs in, then use it; replay a clerk's
session id after logout; send page views without a cookie and count the rows they leave in the database.
"""

import re

from sqlalchemy import func, select

from kiosk.extensions import services
from kiosk.store.models import ResidentSession

from ..web.conftest import Resident, close_apps, make_app  # noqa: F401 (close_apps: autouse)
from ..web.test_resident_flow import OKUYAMI_78
from ..web.test_staff import PASSWORD

STAFF_ON = {"KIOSK_STAFF_ACCESS": "on"}


def session_rows(app) -> int:
    with services(app).database.read() as db:
        return db.scalar(select(func.count()).select_from(ResidentSession))


def stored_ids(app) -> set[str]:
    with services(app).database.read() as db:
        return set(db.scalars(select(ResidentSession.id)))


def set_cookies(response) -> list[str]:
    return response.headers.getlist("Set-Cookie")


def cookie(response, name: str) -> str | None:
    for line in set_cookies(response):
        if line.startswith(f"{name}="):
            return line
    return None


def an_attackers_session(app) -> str:
    """A session the attacker made (answers stored): its id is what they plant in the clerk's browser."""
    attacker = Resident(app.test_client())
    attacker.start("okuyami")
    question_id = attacker.current_question()
    attacker.answer("okuyami", question_id, OKUYAMI_78[question_id])
    (session_id,) = stored_ids(app)
    return session_id


def plant(client, session_id: str) -> None:
    """The id in every cookie a browser could send with a staff page, where the real cookie would be."""
    client.set_cookie("kiosk_session", session_id)
    client.set_cookie("kiosk_staff", session_id, path="/staff")
    client.set_cookie("__Host-kiosk_staff", session_id)


def log_in(client: Resident, name="clerk", password=PASSWORD):
    client.get("/staff/login")
    response = client.post("/staff/login", {"name": name, "password": password})
    assert response.status_code == 302, client.page[:500]
    return response


def test_a_session_id_planted_before_the_login_never_holds_the_clerks_login(tmp_path):
    app = make_app(tmp_path, **STAFF_ON)
    services(app).staff.add("clerk", PASSWORD, "staff")
    planted = an_attackers_session(app)
    clerk = Resident(app.test_client())
    # However the id got there (a resume code typed on the clerk's browser, a cookie set by a sibling site),
    # it is in every cookie the clerk's browser could send.
    plant(clerk.client, planted)
    log_in(clerk)
    assert clerk.get("/staff/").status_code == 200  # the clerk is logged in
    attacker = app.test_client()
    plant(attacker, planted)
    response = attacker.get("/staff/")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]
    with services(app).database.read() as db:
        planted_row = db.get(ResidentSession, planted)
        assert planted_row is None or "_user_id" not in planted_row.data


def test_the_staff_session_has_its_own_strict_cookie_that_resident_pages_never_read(tmp_path):
    app = make_app(tmp_path, **STAFF_ON)
    services(app).staff.add("clerk", PASSWORD, "staff")
    clerk = Resident(app.test_client())
    clerk.get("/staff/login")
    response = clerk.post("/staff/login", {"name": "clerk", "password": PASSWORD})
    staff_cookie = cookie(response, "kiosk_staff")
    assert staff_cookie, set_cookies(response)
    assert "Path=/staff" in staff_cookie and "SameSite=Strict" in staff_cookie and "HttpOnly" in staff_cookie
    assert cookie(response, "kiosk_session") is None
    # The staff session means nothing to resident pages, and a resident's session nothing to staff pages.
    staff_id = re.match(r"kiosk_staff=([^;]+)", staff_cookie).group(1)
    visitor = app.test_client()
    visitor.set_cookie("kiosk_session", staff_id)
    assert visitor.get("/").status_code == 200
    assert visitor.get("/staff/").status_code == 302


def test_with_secure_cookies_the_staff_cookie_is_a_host_cookie(tmp_path):
    app = make_app(tmp_path, KIOSK_SECURE_COOKIES="1", **STAFF_ON)
    services(app).staff.add("clerk", PASSWORD, "staff")
    clerk = Resident(app.test_client())
    https = {"base_url": "https://localhost", "headers": {"Referer": "https://localhost/staff/login"}}
    clerk.get("/staff/login", base_url="https://localhost")
    response = clerk.post("/staff/login", {"name": "clerk", "password": PASSWORD}, **https)
    assert response.status_code == 302, clerk.page[:800]
    host_cookie = cookie(response, "__Host-kiosk_staff")
    assert host_cookie, set_cookies(response)
    # What browsers require of a __Host- cookie: Secure, Path=/ and no Domain.
    assert "Secure" in host_cookie and "Path=/;" in host_cookie + ";" and "Domain" not in host_cookie
    assert "SameSite=Strict" in host_cookie and "HttpOnly" in host_cookie
    assert clerk.get("/staff/", base_url="https://localhost").status_code == 200


def test_login_and_logout_each_take_a_new_session_id_and_logout_clears_the_site(tmp_path):
    app = make_app(tmp_path, **STAFF_ON)
    services(app).staff.add("clerk", PASSWORD, "staff")
    clerk = Resident(app.test_client())
    log_in(clerk)
    clerk.get("/staff/")
    first = stored_ids(app)
    assert len(first) == 1
    log_in(clerk)  # logging in again (another clerk at the same desk): a new id again
    clerk.get("/staff/")
    second = stored_ids(app)
    assert len(second) == 1 and second != first
    response = clerk.post("/staff/logout")
    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == '"cookies", "storage"'
    assert "kiosk_staff=;" in (cookie(response, "kiosk_staff") or "")  # the cookie is deleted
    assert stored_ids(app) == set()  # the logged-out session is gone: replaying its id gets nothing
    replay = app.test_client()
    replay.set_cookie("kiosk_staff", next(iter(second)), path="/staff")
    assert replay.get("/staff/").status_code == 302


def test_cookieless_page_views_store_no_session(tmp_path):
    app = make_app(tmp_path)  # a home server: on the internet
    first_question = services(app).content.flows["okuyami"].questions[0].id
    for _ in range(50):
        for path in ("/", f"/okuyami/questions/{first_question}"):
            response = app.test_client().get(path)
            assert response.status_code == 200 and 'name="csrf_token"' in response.get_data(as_text=True)
            assert not any(line.startswith("kiosk_session=") for line in set_cookies(response))
    assert session_rows(app) == 0
    # The forms on those pages still work: the first answer stores the session, with the token the page had.
    resident = Resident(app.test_client())
    resident.get(f"/okuyami/questions/{first_question}")
    assert session_rows(app) == 0
    response = resident.answer("okuyami", first_question, OKUYAMI_78[first_question], follow=False)
    assert response.status_code == 302 and session_rows(app) == 1
    resident.get(response.headers["Location"])
    assert "2026" in resident.get(f"/okuyami/questions/{first_question}").get_data(as_text=True)


def test_a_form_token_is_still_tied_to_the_browser_that_was_given_it(tmp_path):
    app = make_app(tmp_path)
    first_question = services(app).content.flows["okuyami"].questions[0].id
    url = f"/okuyami/questions/{first_question}"
    victim, attacker = Resident(app.test_client()), Resident(app.test_client())
    victim.get(url)
    attacker.get(url)
    year, month, day = OKUYAMI_78[first_question].split("-")  # the first question asks for a date
    data = {"answer-year": year, "answer-month": month, "answer-day": day}
    # The attacker's own token in the victim's browser, and no token from a browser without the page's cookie.
    assert victim.client.post(url, data={**data, "csrf_token": attacker.csrf()}).status_code == 400
    assert app.test_client().post(url, data={**data, "csrf_token": victim.csrf()}).status_code == 400
    assert session_rows(app) == 0
    assert victim.client.post(url, data={**data, "csrf_token": victim.csrf()}).status_code == 302


def test_the_staff_login_page_stores_nothing_until_the_clerk_logs_in(tmp_path):
    app = make_app(tmp_path, **STAFF_ON)
    for _ in range(30):
        client = app.test_client()
        assert client.get("/staff/").status_code == 302
        assert client.get("/staff/login").status_code == 200
    assert session_rows(app) == 0


def test_the_first_personal_details_get_a_new_session_id(tmp_path):
    app = make_app(tmp_path)
    resident = Resident(app.test_client())
    resident.start("okuyami")
    resident.answer_all("okuyami", OKUYAMI_78)
    before = resident.client.get_cookie("kiosk_session").value
    resident.get("/okuyami/prefill/applicant")
    response = resident.post("/okuyami/prefill/applicant", {
        "name": "山田 太郎", "name_kana": "ヤマダ タロウ", "birth_date": "1968-04-21", "postal_code": "",
        "address": "東京都国立市東1-2-3", "phone": "090-1234-5678", "relationship": "child"})
    assert response.status_code == 302
    after = resident.client.get_cookie("kiosk_session").value
    assert after != before
    assert services(app).sessions.load(before) is None  # the old id holds nothing any more
    assert "山田" in str(services(app).sessions.load(after))
