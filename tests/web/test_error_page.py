"""A page that fails with an unexpected error shows the generic error page, in the resident's language, with a way
back to the menu, and never a traceback, the exception's text or the resident's answers; the log has the error,
by route, for the staff to find."""

from __future__ import annotations

import logging

import pytest

from .conftest import Resident, close_apps, make_app  # noqa: F401 (close_apps: autouse)

SECRET_DETAIL = "exception text with 勅使河原 and /srv/kiosk/secret.py"


def app_with_a_failing_page(tmp_path):
    app = make_app(tmp_path)

    @app.get("/okuyami/broken")
    def broken() -> str:
        raise RuntimeError(SECRET_DETAIL)

    return app


@pytest.mark.parametrize(
    ("language", "lang_attribute", "title"),
    [("ja", "ja", "問題が起きました"), ("en", "en", "Something went wrong")],
)
def test_an_unexpected_error_shows_the_generic_page_in_the_residents_language(tmp_path, language, lang_attribute,
                                                                               title):
    app = app_with_a_failing_page(tmp_path)
    resident = Resident(app.test_client())
    resident.get("/")
    if language != "ja":
        assert resident.post("/language", {"lang": language, "next": "/"}).status_code == 302

    response = resident.get("/okuyami/broken")

    assert response.status_code == 500
    assert f'<html lang="{lang_attribute}"' in resident.page
    assert title in resident.page
    assert 'href="/"' in resident.page  # the way back to the menu
    for leak in ("Traceback", "RuntimeError", SECRET_DETAIL, "secret.py", 'File "'):
        assert leak not in resident.page
    assert response.headers["Cache-Control"] == "no-store"


def test_the_error_is_logged_by_route_without_the_path_or_query(tmp_path, caplog):
    app = app_with_a_failing_page(tmp_path)
    with caplog.at_level(logging.ERROR, logger="kiosk.errors"):
        response = app.test_client().get("/okuyami/broken?name=勅使河原")
    assert response.status_code == 500
    errors = [record for record in caplog.records if record.name == "kiosk.errors"]
    assert len(errors) == 1 and errors[0].getMessage() == "unexpected error route=/okuyami/broken"
    assert errors[0].exc_info is not None  # the traceback goes to the log, for the staff
    assert "勅使河原" not in errors[0].getMessage()


def test_an_api_error_is_json_without_a_traceback(tmp_path):
    app = make_app(tmp_path)

    @app.get("/api/v1/broken")
    def broken_api() -> str:
        raise RuntimeError(SECRET_DETAIL)

    response = app.test_client().get("/api/v1/broken")
    assert response.status_code == 500
    assert response.get_json() == {"error": "internal_error", "message": "問題が起きました。職員にお声がけください。"}
