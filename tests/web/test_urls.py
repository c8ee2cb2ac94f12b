"""Remembered URLs are exactly Flask's, also behind a path prefix, and the memo stays bounded."""

from flask import url_for as flask_url_for

from kiosk.web.urls import UrlMemo


def test_remembered_urls_are_flasks_under_any_application_root(app):
    memo = UrlMemo()
    cases = [("static", {"filename": "css/kiosk.css"}), ("resident.menu", {}),
             ("resident.question", {"event": "okuyami", "question_id": "death_date"}),
             ("staff.print_forms", {"case_id": 7, "form": "kokuho"})]
    for root in ("", "/city/guide"):  # served at / and behind a reverse proxy under a prefix
        with app.test_request_context("/", base_url=f"http://localhost{root}"):
            for _ in range(2):  # built, then remembered
                for endpoint, values in cases:
                    assert memo.url_for(endpoint, **values) == flask_url_for(endpoint, **values)
            assert memo.url_for("resident.menu") == f"{root}/"


def test_external_urls_and_list_values_are_built_every_time(app):
    memo = UrlMemo(size=2)
    with app.test_request_context("/", base_url="https://kiosk.example.jp"):
        assert memo.url_for("resident.resume", _external=True) == "https://kiosk.example.jp/resume"
        assert memo.url_for("resident.menu", tag=["a", "b"]) == flask_url_for("resident.menu", tag=["a", "b"])
        for number in range(5):
            memo.url_for("staff.case", case_id=number)
        assert len(memo._urls) == 2  # bounded


def test_values_that_compare_equal_but_read_differently_are_not_mixed_up(app):
    memo = UrlMemo()
    with app.test_request_context("/"):
        for value in (1, True, 1.0, "1"):
            assert memo.url_for("resident.menu", page=value) == flask_url_for("resident.menu", page=value)
