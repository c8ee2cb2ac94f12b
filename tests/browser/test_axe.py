"""axe-core (WCAG 2.0/2.1/2.2 A and AA) finds nothing on any page or state a resident can reach (checklist §7-50)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from .conftest import NewContext, Site
from .helpers import (
    OKUYAMI_78,
    answer_by_requests,
    assert_no_axe_violations,
    axe_violations,
    current_question,
    field_of,
    fill_answer,
    format_violations,
    start_event,
    submit_question,
)

QUESTION_TYPES = ("date", "yes_no", "number", "single", "multiple")


# add_script_tag inlines axe.min.js, which the app's Content-Security-Policy (script-src 'self', no inline) rightly
# blocks; only these scanning contexts bypass the CSP. Every other browser test runs with the CSP enforced.
@pytest.fixture
def home(home_site: Site, new_context: NewContext) -> Page:
    return new_context(home_site, bypass_csp=True).new_page()


@pytest.fixture
def kiosk(kiosk_site: Site, new_context: NewContext) -> Page:
    return new_context(kiosk_site, bypass_csp=True).new_page()


def test_the_scan_is_live(home: Page):
    """A deliberately broken control is reported, so zero violations elsewhere means something."""
    home.goto("/")
    home.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<input type=text id=unlabelled>')")
    ids = {violation["id"] for violation in axe_violations(home)}
    assert "label" in ids


def test_menu_and_start_page(home: Page):
    home.goto("/")
    assert_no_axe_violations(home, "the menu")
    home.goto("/okuyami/")
    assert_no_axe_violations(home, "the おくやみ start page")


def test_a_question_of_every_type_its_error_states_check_answers_result_and_print(home: Page, home_site: Site):
    problems: list[str] = []

    def scan(where: str) -> None:
        violations = axe_violations(home)
        if violations:
            problems.append(format_violations(where, violations))

    def submit_empty(where: str) -> None:
        home.evaluate("""() => { document.querySelectorAll('form.question input:not([type=hidden])').forEach(e => {
            if (e.type === 'radio' || e.type === 'checkbox') { e.checked = false; } else { e.value = ''; } }); }""")
        submit_question(home)
        assert home.title().startswith("エラー："), where
        scan(f"{where} with an error")

    start_event(home, "okuyami")
    assert current_question(home) == "death_date"
    scan("an empty date question")
    seen = answer_by_requests(home.context, home_site, "okuyami", OKUYAMI_78)
    first_of_type: dict[str, str] = {}
    for question_id in seen:
        first_of_type.setdefault(home_site.question_type("okuyami", question_id), question_id)
    missing = set(QUESTION_TYPES) - set(first_of_type)
    assert not missing, f"question types not met in the おくやみ flow: {missing}"
    for question_type, question_id in first_of_type.items():
        where = f"the {question_type} question {question_id}"
        home.goto(f"/okuyami/questions/{question_id}")
        scan(where)
        if question_type != "multiple":  # choosing nothing is a valid answer to a multiple-choice question
            submit_empty(where)
    home.goto("/okuyami/check")
    scan("check answers")
    home.goto("/okuyami/result")
    scan("the result page")
    home.goto("/okuyami/result/print")
    scan("the print page")
    assert not problems, "\n".join(problems)


def test_resume_page_with_an_error(home: Page):
    home.goto("/resume")
    home.fill("#code", "ZZZZ-9999")
    with home.expect_navigation():
        home.click("form button[type=submit].button--primary")
    assert home.title().startswith("エラー：")
    assert_no_axe_violations(home, "the resume page with an error")


@pytest.mark.parametrize("language", ["en", "easy"])
def test_menu_in_other_languages(home: Page, language: str):
    home.goto("/")
    with home.expect_navigation():
        home.click(f'form.language button[value="{language}"]')
    assert_no_axe_violations(home, f"the menu in {language}")
    home.goto("/okuyami/")
    assert_no_axe_violations(home, f"the start page in {language}")


def test_kiosk_pages_and_the_idle_warning_dialog(kiosk: Page):
    kiosk.clock.install()
    kiosk.goto("/")
    assert_no_axe_violations(kiosk, "the kiosk menu")
    start_event(kiosk, "okuyami")
    assert current_question(kiosk) == "death_date"
    fill_answer(kiosk, "date", OKUYAMI_78["death_date"], field_of(kiosk, "death_date"))
    assert_no_axe_violations(kiosk, "a kiosk question")
    kiosk.clock.fast_forward("01:31")
    dialog = kiosk.locator("#idle-dialog")
    dialog.wait_for(state="visible")
    assert_no_axe_violations(kiosk, "the idle warning dialog")


def test_kiosk_result_and_question_with_large_text(kiosk: Page, kiosk_site: Site):
    answer_by_requests(kiosk.context, kiosk_site, "okuyami", OKUYAMI_78)
    kiosk.goto("/okuyami/result")
    with kiosk.expect_navigation():
        kiosk.click(".toolbar form button[aria-pressed]")
    assert kiosk.get_attribute("html", "class") == "large-text"
    assert_no_axe_violations(kiosk, "the kiosk result page with large text")
    kiosk.click(".procedure summary >> nth=0")
    kiosk.click("#checklist summary")
    assert_no_axe_violations(kiosk, "the kiosk result page with large text, a procedure and the checklist open")
    kiosk.goto("/okuyami/questions/deceased_insurance")
    assert_no_axe_violations(kiosk, "a kiosk question with large text")
