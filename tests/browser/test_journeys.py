"""Whole journeys in a real browser: keyboard only, without JavaScript; Back, errors, changes, language."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from .conftest import NewContext, Site
from .helpers import (
    OKUYAMI_78,
    active_element,
    answer_by_requests,
    complete_okuyami,
    current_question,
    date_parts,
    field_of,
    fill_answer,
    on_check_page,
    page_questions,
    start_event,
    storage_contents,
    submit_question,
)

RESULT_TITLES = ("後期高齢者医療 資格喪失届", "世帯主変更届")
EMPTY_STORAGE = {"local": {}, "session": {}}


# --- keyboard only (checklist §7-20, §7-25) -----------------------------------------------------------------------

class Keyboard:
    """Tab, Space, Enter (and typing into text fields); after every key the focus must be on a visible element
    with a focus indicator, never on <body>."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def press(self, key: str) -> dict[str, Any]:
        self.page.keyboard.press(key)
        focus = active_element(self.page)
        assert not focus["isBody"], f"focus fell back to <body> after {key} on {self.page.url}"
        if focus["tag"] != "main" and focus["id"] != "error-summary":  # script focus targets are not tab stops
            ring = focus["ring"]
            assert (ring["style"] != "none" and ring["width"] >= 2) or ring["shadow"] != "none", (
                f"no visible focus indicator on {focus} at {self.page.url}"
            )
        return focus

    def tab_to(self, selector: str, limit: int = 60) -> dict[str, Any]:
        """Press Tab until the focused element matches the CSS selector (a trap or a missing control fails)."""
        for _ in range(limit):
            focus = self.press("Tab")
            if self.page.evaluate("s => document.activeElement.matches(s)", selector):
                return focus
        raise AssertionError(f"{selector} not reached with {limit} Tabs on {self.page.url}")

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        assert not active_element(self.page)["isBody"]

    def activate(self, key: str = "Enter") -> None:
        """Press a key that follows a link or submits a form, and wait for the new page."""
        with self.page.expect_navigation():
            self.page.keyboard.press(key)


def answer_with_keyboard(keys: Keyboard, question_type: str, value: Any, base: str = "answer") -> None:
    """Answer one question with the keyboard; `base` names its fields (the question id on a screen of several)."""
    page = keys.page
    if value == "unknown" and question_type in ("date", "number") and base != "answer":
        keys.tab_to(f"#{base}-unknown")
        keys.press("Space")
    elif question_type == "date":
        year, month, day = date_parts(value)
        keys.tab_to(f"#{base}-year")
        keys.type(year)
        assert keys.press("Tab")["id"] == f"{base}-month"
        keys.type(month)
        assert keys.press("Tab")["id"] == f"{base}-day"
        keys.type(day)
    elif question_type == "number":
        keys.tab_to(f"#{base}")
        keys.type(str(value))
    elif question_type == "multiple":
        wanted = {str(choice) for choice in value}
        count = page.locator(f'input[type=checkbox][name="{base}"]').count()
        for _ in range(count):
            focus = keys.tab_to(f'input[type=checkbox][name="{base}"]')
            if focus["value"] in wanted:
                keys.press("Space")
        checked = set(page.eval_on_selector_all(f'input[name="{base}"]:checked', "els => els.map(e => e.value)"))
        assert checked == wanted
    else:
        # Radio buttons: Tab enters the group, the arrow keys choose (the platform convention for radio groups;
        # Tab alone reaches only the first option), Space chooses the focused one.
        values = page.eval_on_selector_all(f'input[type=radio][name="{base}"]', "els => els.map(e => e.value)")
        keys.tab_to(f'input[type=radio][name="{base}"]')
        for _ in range(values.index(str(value))):
            keys.press("ArrowDown")
        keys.press("Space")
        assert page.eval_on_selector(f'input[name="{base}"]:checked', "e => e.value") == str(value)


def inspect_question_page(page: Page, question_id: str) -> None:
    """One heading per page (§7-2): a one-question page's question is the <h1>, inside the <legend> or the
    <label>; a screen of several has the screen's <h1> and each question in its own group. A back link and 次へ
    (§7-3)."""
    assert page.locator("h1").count() == 1, question_id
    shown = page_questions(page)
    if len(shown) == 1:
        assert page.locator("legend h1, h1 label").count() == 1, question_id
    else:
        assert page.locator("form.question [data-question]").count() == len(shown), question_id
        assert page.locator("legend h2, h2 label").count() == len(shown), question_id
    assert page.locator("a.back-link").count() == 1, question_id
    assert page.locator("form.question button", has_text="次へ").count() == 1, question_id


def test_keyboard_only_okuyami_journey_from_the_menu_to_the_result(home: Page, home_site: Site):
    """Tab, Space and Enter (arrow keys inside radio groups) from the menu to the result; the browser keeps
    nothing of the answers in localStorage, sessionStorage or IndexedDB on the way (§7-34)."""
    keys = Keyboard(home)
    home.goto("/")
    keys.tab_to('a.event-link[href="/okuyami/"]')
    keys.activate()
    keys.tab_to('form[action="/okuyami/start"] button[type=submit]')
    keys.activate()
    titles: list[str] = []
    for _ in range(80):
        if on_check_page(home):
            break
        question_id = current_question(home)
        assert question_id, home.url
        inspect_question_page(home, question_id)
        titles.append(home.title())
        for shown_id, base in page_questions(home):
            answer_with_keyboard(keys, home_site.question_type("okuyami", shown_id), OKUYAMI_78[shown_id], base)
        assert storage_contents(home) == EMPTY_STORAGE, question_id
        keys.tab_to("form.question .button-group button[type=submit]:not([name])")
        keys.activate()
        assert current_question(home) != question_id, f"{question_id} was not accepted: {home.title()}"
    assert on_check_page(home)
    assert len(titles) == len(set(titles)) >= 8, "every question page has its own <title> (§7-9)"
    keys.tab_to('a[href="/okuyami/result"]')
    keys.activate()
    assert home.url.endswith("/okuyami/result")
    main = home.inner_text("main")
    for title in RESULT_TITLES:
        assert title in main
    # The checklist opens from its summary with Enter (a <details>, closed at first since issue 14); ticking it with
    # Space works too (htmx), and focus stays on the item.
    keys.tab_to("#checklist summary")
    keys.press("Enter")
    focus = keys.tab_to(".check-toggle")
    keys.press("Space")
    expect(home.locator(f"#{focus['id']}")).to_have_attribute("aria-pressed", "true")
    assert active_element(home)["id"] == focus["id"]

    home.go_back()
    home.go_forward()
    assert storage_contents(home) == EMPTY_STORAGE
    databases = home.evaluate("indexedDB.databases ? indexedDB.databases().then(d => d.map(x => x.name)) : []")
    assert databases == []


# --- JavaScript off (checklist §7-30) -----------------------------------------------------------------------------

def test_the_same_journey_with_javascript_off(home_site: Site, new_context: NewContext):
    page = new_context(home_site, java_script_enabled=False).new_page()
    complete_okuyami(page, home_site)
    main = page.inner_text("main")
    for title in RESULT_TITLES:
        assert title in main
    # The checklist opens without JavaScript (a <details>), and is an ordinary form: the page reloads at the item,
    # ticked, with the checklist open.
    page.click("#checklist summary")
    toggle = page.locator(".check-toggle").first
    toggle_id = toggle.get_attribute("id")
    with page.expect_navigation():
        toggle.click()
    assert page.url.endswith("#item-" + toggle_id.removeprefix("toggle-"))
    assert page.get_attribute(f"#{toggle_id}", "aria-pressed") == "true"
    assert page.locator(f"#{toggle_id}").is_visible()


# --- Back, errors, changes (checklist §7-3, §7-6, §7-13) ----------------------------------------------------------

def test_browser_back_returns_to_the_previous_screen_with_its_answers(home: Page, home_site: Site):
    start_event(home, "okuyami")
    first = page_questions(home)
    assert [question_id for question_id, _ in first][:2] == ["death_date", "deceased_resident_here"]
    for question_id, base in first:
        fill_answer(home, home_site.question_type("okuyami", question_id), OKUYAMI_78[question_id], base)
    submit_question(home)
    second = current_question(home)
    assert second not in dict(first)
    for question_id, base in page_questions(home):
        fill_answer(home, home_site.question_type("okuyami", question_id), OKUYAMI_78[question_id], base)
    submit_question(home)
    assert current_question(home) != second

    home.go_back()
    assert current_question(home) == second
    home.go_back()
    assert current_question(home) == "death_date"
    assert [home.input_value(f"#death_date-{part}") for part in ("year", "month", "day")] == ["2026", "5", "10"]
    assert home.is_checked(f'input[name="deceased_resident_here"][value="{OKUYAMI_78["deceased_resident_here"]}"]')
    # The page's own back link does the same.
    home.go_forward()
    with home.expect_navigation():
        home.click("a.back-link")
    assert current_question(home) == "death_date"
    assert home.input_value("#death_date-day") == "10"


def test_an_empty_date_moves_focus_to_the_error_summary(home: Page):
    start_event(home, "okuyami")
    assert current_question(home) == "death_date"
    submit_question(home)
    assert home.title().startswith("エラー：")
    summary = home.locator("#error-summary")
    expect(summary).to_be_focused()
    assert summary.get_attribute("role") == "alert"
    link = summary.locator("a").first
    assert link.get_attribute("href") == "#death_date-year"  # one link per question left unanswered
    assert summary.locator("a").count() == len(page_questions(home))
    assert home.get_attribute("#death_date-year", "aria-invalid") == "true"
    assert "エラー：" in home.inner_text("#death_date-error")  # the inline message carries the hidden prefix too
    link.click()
    assert active_element(home)["id"] == "death_date-year"


def test_a_change_link_returns_to_check_answers(home: Page, home_site: Site):
    answer_by_requests(home.context, home_site, "okuyami", OKUYAMI_78)
    home.goto("/okuyami/check")
    row = home.locator(".summary-list__row", has_text="亡くなった方は何歳")
    assert "78" in row.inner_text()
    with home.expect_navigation():
        row.locator("a", has_text="変更").click()
    age = field_of(home, "deceased_age")  # on its screen
    assert home.input_value(f"#{age}") == "78"
    # The back link of a change goes to the check page, not to the previous question.
    assert home.get_attribute("a.back-link", "href") == "/okuyami/check"
    home.fill(f"#{age}", "80")
    submit_question(home)
    assert home.url.endswith("/okuyami/check")
    assert "80" in home.locator(".summary-list__row", has_text="亡くなった方は何歳").inner_text()


# --- language (checklist §7-31) -----------------------------------------------------------------------------------

def test_switching_to_english_sets_html_lang_and_keeps_the_page(home: Page):
    start_event(home, "okuyami")
    url = home.url
    assert home.get_attribute("html", "lang") == "ja"
    english = home.locator('form.language button[value="en"]')
    assert english.get_attribute("lang") == "en"
    with home.expect_navigation():
        english.click()
    assert home.url == url
    assert home.get_attribute("html", "lang") == "en"
    assert home.get_attribute('form.language button[value="en"]', "aria-current") == "true"
    with home.expect_navigation():
        home.click('form.language button[value="ja"]')
    assert home.url == url and home.get_attribute("html", "lang") == "ja"
