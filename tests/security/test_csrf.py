"""Finding 4: the CSRF error page re-posted every submitted field under a fresh, valid token (one click on the
error page completed the forged request) and echoed a stale login form's password into a hidden field.

The attacks: a forged form post (no or a wrong token) with recognisable values; a stale staff login form; a
state-changing request that carries a valid token but comes from another site's page (Origin, Sec-Fetch-Site),
to the pages and to the token-free JSON API.
"""

from kiosk.extensions import services

from ..web.conftest import Resident, close_apps, make_app  # noqa: F401 (close_apps: autouse)

MARKER = "forged-value-7q3x"
PASSWORD = "stale-form-secret-9z"


def main_part(page: str) -> str:
    return page.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def started(app):
    resident = Resident(app.test_client())
    resident.start("okuyami")
    return resident, resident.current_question()


def test_the_csrf_page_echoes_nothing_submitted_and_offers_no_form(tmp_path):
    app = make_app(tmp_path)
    resident, question_id = started(app)
    response = resident.client.post(
        f"/okuyami/questions/{question_id}",
        data={"csrf_token": "forged", "answer": MARKER, "answer-year": "2026", "next": f"/{MARKER}"},
        headers={"Referer": f"http://localhost/okuyami/questions/{question_id}"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "画面の有効期限が切れました" in page
    assert MARKER not in page and "2026" not in main_part(page)
    assert "<form" not in main_part(page) and 'type="hidden"' not in main_part(page)
    # The way back is the page the resident came from, on this site.
    assert f'href="/okuyami/questions/{question_id}"' in main_part(page)


def test_the_link_back_never_leads_to_another_site(tmp_path):
    app = make_app(tmp_path)
    resident, _ = started(app)
    for referer in ("https://evil.example/phish", "//evil.example/x", "javascript:alert(1)", "http://localhost//evil"):
        response = resident.client.post("/okuyami/start", data={"csrf_token": "x"}, headers={"Referer": referer})
        page = main_part(response.get_data(as_text=True))
        assert response.status_code == 400 and "evil" not in page and "javascript" not in page
        assert 'href="/"' in page


def test_a_stale_login_form_does_not_echo_the_password(tmp_path):
    app = make_app(tmp_path, KIOSK_STAFF_ACCESS="on")
    services(app).staff.add("clerk", "correct horse battery staple", "staff")
    client = app.test_client()
    client.get("/staff/login")
    response = client.post("/staff/login", data={"csrf_token": "stale", "name": "clerk", "password": PASSWORD})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and PASSWORD not in page and 'value="clerk"' not in page


def test_a_post_from_another_sites_page_is_refused_even_with_a_valid_token(tmp_path):
    app = make_app(tmp_path)
    for headers in ({"Origin": "https://evil.example"}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"},
                    {"Origin": "http://localhost.evil.example"}):
        resident, question_id = started(app)
        response = resident.post(
            f"/okuyami/questions/{question_id}",
            {"answer-year": "2026", "answer-month": "5", "answer-day": "10"},
            headers=headers,
        )
        page = main_part(resident.page)
        assert response.status_code == 403, headers
        assert "10" not in page and "<form" not in page
        resident.get(f"/okuyami/questions/{question_id}")
        assert 'value="2026"' not in resident.page  # nothing was saved


def test_a_post_from_this_site_still_works(tmp_path):
    app = make_app(tmp_path)
    for headers in ({"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}, {"Origin": "http://localhost:80"},
                    {}):
        resident, question_id = started(app)
        response = resident.post(
            f"/okuyami/questions/{question_id}",
            {"answer-year": "2026", "answer-month": "5", "answer-day": "10"},
            headers=headers,
        )
        assert response.status_code == 302, headers


def test_the_json_api_refuses_cross_site_browser_posts(tmp_path):
    app = make_app(tmp_path)
    client = app.test_client()
    response = client.post("/api/v1/sessions", json={"event": "okuyami"}, headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403 and response.get_json()["error"] == "cross_site_request"
    # Programs (no browser headers) and the site's own pages still use it.
    assert client.post("/api/v1/sessions", json={"event": "okuyami"}).status_code == 201
    response = client.post("/api/v1/sessions", json={"event": "okuyami"}, headers={"Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 201
    # A program that names its own origin (a city's integration server) is no browser page: the API takes no
    # cookie, so only a browser's cross-site mark is refused there.
    response = client.post("/api/v1/sessions", json={"event": "okuyami"},
                           headers={"Origin": "https://integration.city.example"})
    assert response.status_code == 201


def test_the_outage_page_re_sends_the_pages_own_token_but_never_a_password(tmp_path, monkeypatch):
    """The 503 page's retry form keeps what was typed (an outage must not lose answers), but not passwords."""
    from sqlalchemy.exc import OperationalError

    app = make_app(tmp_path, KIOSK_STAFF_ACCESS="on")
    client = app.test_client()
    client.set_cookie("kiosk_staff", "a" * 43, path="/staff")

    def down(*args, **kwargs):
        raise OperationalError("SELECT", {}, Exception("connection refused"))

    monkeypatch.setattr(services(app).sessions, "fetch", down)
    response = client.post("/staff/login", data={"csrf_token": "page-token", "name": "clerk", "password": PASSWORD})
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and PASSWORD not in page
    assert 'name="name" value="clerk"' in page and 'value="page-token"' in page
