"""「窓口に送る」 in Chromium with the Content-Security-Policy enforced (issue 14, 待たない): the tablet sends the
case and shows its 受付番号 large, the clerk's dashboard (open, never reloaded) lists the number within 5 s, and
「次の方を呼ぶ」 opens that case; axe-core finds nothing on the 受付番号 page or the dashboard's queue."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from kiosk.extensions import services

from .conftest import TODAY, NewContext, Site
from .helpers import OKUYAMI_78, answer_by_requests, assert_no_axe_violations
from .test_staff_call import logged_in_clerk


def empty_queue(site: Site) -> None:
    """Call whoever earlier tests left waiting (the kiosk site lives for the whole session)."""
    while services(site.app).cases.call_next(TODAY, "test-setup") is not None:
        pass


def send_to_counter(page: Page, site: Site) -> str:
    """Answer the 78-year-old's おくやみ, press 「窓口に送る」 on the result; the 受付番号 shown."""
    answer_by_requests(page.context, site, "okuyami", OKUYAMI_78)
    page.goto("/okuyami/result")
    button = page.get_by_role("button", name="窓口に送る")
    expect(button).to_be_in_viewport()
    with page.expect_navigation():
        button.click()
    assert page.url.endswith("/okuyami/handoff")
    number = page.locator("#queue-number")
    expect(number).to_have_text(re.compile(r"^\d+$"))
    return number.inner_text().strip()


def test_the_tablet_sends_the_case_and_the_clerk_calls_it_from_the_open_dashboard(
    kiosk: Page, kiosk_site: Site, new_context: NewContext
):
    empty_queue(kiosk_site)
    kiosk.set_viewport_size({"width": 1024, "height": 768})
    clerk = logged_in_clerk(new_context(kiosk_site), kiosk_site)
    clerk.evaluate("window.notReloaded = true")
    expect(clerk.locator("#queue")).to_contain_text("待っている方はいません")

    number = send_to_counter(kiosk, kiosk_site)
    big = kiosk.locator("#queue-number")
    expect(big).to_be_in_viewport()
    assert float(big.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 64, "readable from a step back"
    expect(kiosk.locator("h1")).to_have_text("窓口に送りました")
    expect(kiosk.locator("#main").get_by_text("番号が呼ばれるまでお待ちください。")).to_be_visible()
    expect(kiosk.locator("#main").get_by_text("呼ばれたら、はじめに「")).to_be_visible()
    expect(kiosk.get_by_role("link", name="受付票（二次元コード）を表示する")).to_be_visible()

    # The dashboard, open before the case was sent, lists it within 5 s without a reload.
    row = clerk.locator("#queue tbody tr", has=clerk.locator(".queue-table__number", has_text=number))
    expect(row).to_have_count(1, timeout=5_000)
    expect(row).to_contain_text("おくやみ")
    expect(row).to_contain_text("1分未満")
    assert clerk.evaluate("window.notReloaded === true"), "the dashboard was reloaded"

    # 「次の方を呼ぶ」 calls the oldest (this one) and opens its case; the queue no longer lists it.
    with clerk.expect_navigation():
        clerk.get_by_role("button", name="次の方を呼ぶ").click()
    assert "/staff/cases/" in clerk.url
    expect(clerk.locator(".queue-badge")).to_have_text(f"受付番号 {number} の方を呼びました。番号でお呼びください。")
    public_id = clerk.url.rsplit("/", 1)[1]
    case = services(kiosk_site.app).cases.by_public_id(public_id)
    assert case is not None and str(case.queue_number) == number and case.called_at is not None
    clerk.goto("/staff/")
    expect(clerk.locator("#queue")).to_contain_text("待っている方はいません")


def test_axe_finds_nothing_on_the_number_page_and_the_queue(kiosk_site: Site, new_context: NewContext):
    # bypass_csp: axe.min.js is added inline (see test_axe.py); the journey above runs with the CSP enforced.
    empty_queue(kiosk_site)
    kiosk = new_context(kiosk_site, bypass_csp=True).new_page()
    send_to_counter(kiosk, kiosk_site)
    assert_no_axe_violations(kiosk, "the 受付番号 page")
    kiosk.set_viewport_size({"width": 1024, "height": 768})
    kiosk.locator("html").evaluate("e => e.classList.add('large-text')")
    assert_no_axe_violations(kiosk, "the 受付番号 page with large text at 1024×768")
    kiosk.set_viewport_size({"width": 320, "height": 640})
    # Reflow at 320 px with large text: nothing of the page's own content sticks out (the toolbar is tested apart).
    wide = kiosk.evaluate("""() => [...document.querySelectorAll('#main *')]
        .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .map(e => e.tagName + '.' + e.className)""")
    assert wide == [], f"too wide at 320 px: {wide}"

    clerk = logged_in_clerk(new_context(kiosk_site, bypass_csp=True), kiosk_site)
    expect(clerk.locator("#queue tbody tr")).to_have_count(1)
    assert_no_axe_violations(clerk, "the staff dashboard with the queue")
