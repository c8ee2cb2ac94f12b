"""Issue 14, less chrome and clear progress: one toolbar row at a 1024×768 tablet, 「次へ」 full width, 「最初から
やり直す」 asks first, focus on each new page's heading, read-aloud only where it can work, the English print view
at 375 and 320 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import NewContext, Site
from .helpers import (
    OKUYAMI_78,
    active_element,
    answer_by_requests,
    fill_screen,
    first_control,
    start_event,
    submit_question,
)
from .test_layout import overflow

TABLET = {"width": 1024, "height": 768}
MAX_CHROME = 92  # 12 % of 768 px


def tablet(site: Site, new_context: NewContext, **options) -> Page:
    return new_context(site, viewport=TABLET, **options).new_page()


def chrome_height(page: Page) -> float:
    page.evaluate("window.scrollTo(0, 0)")
    return float(page.evaluate("document.querySelector('.site-header').getBoundingClientRect().bottom"))


# --- one toolbar row ----------------------------------------------------------------------------------------------

def test_header_and_toolbar_take_at_most_12_percent_of_a_1024x768_tablet(kiosk_site: Site, new_context: NewContext):
    page = tablet(kiosk_site, new_context)
    heights = {}
    page.goto("/")
    heights["menu"] = chrome_height(page)
    start_event(page, "okuyami")
    heights["question"] = chrome_height(page)
    answer_by_requests(page.context, kiosk_site, "okuyami", OKUYAMI_78)
    page.goto("/okuyami/result")
    heights["result"] = chrome_height(page)
    assert all(height <= MAX_CHROME for height in heights.values()), heights
    # The most used controls are visible; the secondary ones wait in 「その他」.
    for name in ("読み上げ", "職員を呼ぶ", "文字を大きく"):
        expect(page.locator(".toolbar").get_by_role("button", name=name, exact=True)).to_be_visible()
    expect(page.locator(".toolbar summary", has_text="Language")).to_be_visible()
    slow = page.locator(".toolbar button", has_text="ゆっくり")
    expect(slow).to_be_hidden()
    page.click(".toolbar summary:has-text('その他')")
    expect(slow).to_be_visible()
    for name in ("ふつう", "もう一度", "ふりがな", "最初からやり直す"):
        expect(page.locator(".toolbar__panel button", has_text=name)).to_be_visible()
    # The chosen speed does not look like the page's main action (a filled primary button).
    normal = page.locator(".toolbar button", has_text="ふつう")
    assert normal.get_attribute("aria-pressed") == "true"
    colours = normal.evaluate("e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color]")
    assert colours[0] not in ("rgb(0, 49, 216)", "rgb(0, 17, 143)"), colours
    page.keyboard.press("Escape")
    expect(slow).to_be_hidden()
    # The language menu opens and switches the language.
    page.click(".toolbar summary:has-text('Language')")
    with page.expect_navigation():
        page.click('.toolbar form.language button[value="en"]')
    assert page.evaluate("document.documentElement.lang") == "en"
    assert chrome_height(page) <= MAX_CHROME


def test_next_is_full_width_at_a_tablet(kiosk_site: Site, new_context: NewContext):
    page = tablet(kiosk_site, new_context)
    start_event(page, "okuyami")
    fill_screen(page, kiosk_site, "okuyami", OKUYAMI_78)
    submit_question(page)
    next_box = page.locator("form.question button.button--next").bounding_box()
    choices_box = page.locator("form.question .choices").first.bounding_box()
    assert next_box and choices_box
    assert abs(next_box["width"] - choices_box["width"]) <= 2, (next_box, choices_box)
    assert next_box["height"] >= 64


def test_questions_say_about_how_many_are_left(home: Page):
    start_event(home, "okuyami")
    # Counted in screens (several short questions share one): the first screen of おくやみ promises about 12 at most.
    progress = home.locator(".caption .progress")
    expect(progress).to_have_text(re.compile(r"^あと約\d+画面$"))
    assert 5 <= int(re.sub(r"\D", "", progress.inner_text())) <= 12


# --- 「最初からやり直す」 asks first ---------------------------------------------------------------------------------

def test_restart_asks_first_and_no_keeps_the_answers(kiosk_site: Site, new_context: NewContext):
    page = tablet(kiosk_site, new_context)
    start_event(page, "okuyami")
    fill_screen(page, kiosk_site, "okuyami", OKUYAMI_78)
    submit_question(page)
    question_url = page.url
    page.click(".toolbar summary:has-text('その他')")
    with page.expect_navigation():
        page.click(".toolbar button:has-text('最初からやり直す')")
    expect(page.locator("h1")).to_have_text("最初からやり直しますか")
    with page.expect_navigation():
        page.click("a:has-text('いいえ、続ける')")
    assert page.url == question_url
    page.click("a.back-link")
    page.wait_for_url("**/death_date")
    assert page.input_value("#death_date-day") == "10", "「いいえ」 deleted nothing"
    page.click(".toolbar summary:has-text('その他')")
    with page.expect_navigation():
        page.click(".toolbar button:has-text('最初からやり直す')")
    with page.expect_response(lambda r: r.url.endswith("/reset") and r.request.method == "POST") as reset:
        page.click("button:has-text('はい、最初からやり直す')")
    assert reset.value.header_value("clear-site-data")
    page.wait_for_url(kiosk_site.url + "/")
    page.goto("/okuyami/questions/death_date")
    assert page.input_value("#death_date-day") == ""


# --- focus on the page heading ------------------------------------------------------------------------------------

def test_each_new_page_starts_at_its_heading_and_the_next_tab_reaches_the_answer(home: Page, home_site: Site):
    home.goto("/")
    assert active_element(home)["tag"] == "h1"
    start_event(home, "okuyami")
    focused = active_element(home)
    assert focused["tag"] == "h1" and focused["text"], focused
    home.keyboard.press("Tab")
    assert active_element(home)["id"] == "death_date-year", "one Tab from the heading to the first answer"
    fill_screen(home, home_site, "okuyami", OKUYAMI_78)
    submit_question(home)
    assert active_element(home)["tag"] == "h1"
    home.keyboard.press("Tab")
    assert active_element(home)["id"] == first_control(home, home_site, "okuyami")
    submit_question(home)  # no answer: the error summary takes the focus instead
    assert active_element(home)["id"] == "error-summary"


# --- read-aloud only where it can work ----------------------------------------------------------------------------

def test_read_aloud_controls_are_absent_without_javascript(kiosk_site: Site, new_context: NewContext):
    page = tablet(kiosk_site, new_context, java_script_enabled=False)
    start_event(page, "okuyami")
    assert page.locator("[data-speech]").count() > 0, "rendered, but hidden"
    for selector in ("[data-speech]", "[data-speech-rate]"):
        assert all(not element.is_visible() for element in page.locator(selector).all()), selector
    assert page.get_by_role("button", name="読み上げ", exact=True).count() == 0
    # The menus and the asked-for restart work without JavaScript too.
    page.click(".toolbar summary:has-text('その他')")
    expect(page.locator(".toolbar button", has_text="ふりがな")).to_be_visible()
    with page.expect_navigation():
        page.click(".toolbar button:has-text('最初からやり直す')")
    with page.expect_navigation():
        page.click("button:has-text('はい、最初からやり直す')")
    assert page.url == kiosk_site.url + "/"
    assert chrome_height(page) <= MAX_CHROME


def test_read_aloud_controls_appear_with_javascript(kiosk: Page):
    start_event(kiosk, "okuyami")
    expect(kiosk.locator(".toolbar").get_by_role("button", name="読み上げ", exact=True)).to_be_visible()


# --- the English print view on a phone ----------------------------------------------------------------------------

@pytest.mark.parametrize("width", [375, 320])
def test_the_english_print_view_fits_a_phone(home_site: Site, new_context: NewContext, width: int):
    page = new_context(home_site, viewport={"width": width, "height": 700}).new_page()
    page.goto("/")
    with page.expect_navigation():
        page.click('form.language button[value="en"]')
    answer_by_requests(page.context, home_site, "okuyami", OKUYAMI_78)
    page.goto("/okuyami/result/print")
    assert page.evaluate("document.documentElement.lang") == "en"
    width_now = page.evaluate("document.documentElement.scrollWidth")
    assert width_now <= width, overflow(page)
