"""The result page answers "what do I do today" on its first screen (issue 14, 「結果は要約から」).

Measured on the largest おくやみ case (every question answered 「わからない」: about 60 procedures) at a
1024×768 counter tablet and in a home browser of the same size: the slip action lies within the first 768 px, and
the page as first shown (every <details> closed) is at most three screens (2,304 px) tall. Each procedure's details
open with its reasons and things to bring.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from kiosk.engine import load_content, resolve

from .conftest import TODAY, NewContext, Site
from .helpers import answer_by_requests, assert_no_axe_violations, scenario_answers

# The scenario with the most procedures: a few required, most 「該当する場合」, plus 希望する場合 and お知らせ.
LARGEST = scenario_answers("okuyami", "05_")


def procedure_count() -> int:
    """How many procedures the engine gives the largest case on the sites' day (every one must be on the page)."""
    content = load_content(ROOT / "questionnaires")
    return len(resolve(content, "okuyami", LARGEST, TODAY).procedures)
ROOT = Path(__file__).resolve().parents[2]
SCREEN = {"width": 1024, "height": 768}
MAX_HEIGHT = 3 * SCREEN["height"]
# The slip, or at a counter tablet 「窓口に送る」 (before the slip link in the summary).
SLIP = 'a[href="/okuyami/prefill"], form[action="/okuyami/handoff"] button'


@pytest.fixture(params=["home", "kiosk"])
def result_page(request: pytest.FixtureRequest, new_context: NewContext) -> Page:
    """The largest おくやみ result at 1024×768, in home or kiosk mode."""
    site: Site = request.getfixturevalue(f"{request.param}_site")
    # bypass_csp only so that axe-core can be added to the page (see test_axe.py).
    page = new_context(site, viewport=SCREEN, bypass_csp=True).new_page()
    answer_by_requests(page.context, site, "okuyami", LARGEST)
    page.goto("/okuyami/result")
    return page


def test_the_first_screen_has_the_slip_action_and_the_page_is_at_most_three_screens(result_page: Page):
    page = result_page
    assert page.evaluate("[...document.querySelectorAll('details')].every(d => !d.open)"), "details start closed"
    slip = page.locator(SLIP).first
    box = slip.bounding_box()
    assert box is not None and slip.is_visible()
    assert box["y"] >= 0 and box["y"] + box["height"] <= SCREEN["height"], f"slip action at {box}"
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= MAX_HEIGHT, f"the result page is {height} px tall as first shown (at most {MAX_HEIGHT})"


def test_every_procedure_is_on_the_page_and_reachable(result_page: Page):
    page = result_page
    ids = page.evaluate("[...document.querySelectorAll('.procedure')].map(e => e.id)")
    assert len(ids) == len(set(ids)) == procedure_count()
    # Every procedure's summary line is either visible now or inside a section a press opens.
    hidden = page.evaluate(
        """() => [...document.querySelectorAll('.procedure > details > summary')].filter(s => {
            let e = s.parentElement.parentElement.closest('details');
            return s.offsetParent === null && !(e && e.querySelector(':scope > summary').offsetParent !== null);
        }).map(s => s.closest('.procedure').id)"""
    )
    assert hidden == []


def test_opening_a_procedure_shows_its_reasons_and_things_to_bring(result_page: Page):
    page = result_page
    procedure = page.locator(".procedure:has(.procedure__items)").first
    details = procedure.locator("details")
    reasons = procedure.locator(".procedure__reasons")
    items = procedure.locator(".procedure__items")
    assert not reasons.is_visible() and not items.is_visible()
    procedure.locator("summary").click()
    assert details.evaluate("d => d.open")
    assert reasons.is_visible() and reasons.inner_text().strip()
    assert items.is_visible() and items.locator("li").count() >= 1
    assert_no_axe_violations(page, "the result page with a procedure's details open")


def test_the_details_open_by_keyboard(result_page: Page):
    page = result_page
    summary = page.locator(".procedure summary").first
    summary.focus()
    page.keyboard.press("Enter")
    assert summary.evaluate("s => s.parentElement.open")
    page.keyboard.press("Enter")
    assert not summary.evaluate("s => s.parentElement.open")


def test_the_conditional_procedures_and_the_checklist_open_and_pass_axe(result_page: Page):
    page = result_page
    page.locator("#conditional summary").first.click()
    page.locator("#checklist summary").first.click()
    page.locator("#conditional .procedure summary").first.click()
    assert page.locator("#conditional .procedure__reasons").first.is_visible()
    assert page.locator(".checklist__item").first.is_visible()
    assert_no_axe_violations(page, "the result page with the conditional procedures and the checklist open")
