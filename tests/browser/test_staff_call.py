"""「職員を呼ぶ」 answered, in Chromium with the Content-Security-Policy enforced: the tablet shows
「職員が向かいます」, the clerk's dashboard (open, never reloaded) shows the call within 5 s, the clerk's 「対応した」
clears the tablet's message; and axe-core finds nothing on the new states."""

from __future__ import annotations

import itertools

from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import func, select

from kiosk.extensions import services
from kiosk.store.models import StaffCall

from .conftest import NewContext, Site
from .helpers import assert_no_axe_violations, start_event
from .test_counter import PASSWORD

_names = itertools.count(1)


def logged_in_clerk(context: BrowserContext, site: Site) -> Page:
    """A clerk's dashboard in `context` (a new account each time: the kiosk site lives for the whole session)."""
    name = f"calls-clerk-{next(_names)}"
    services(site.app).staff.add(name, PASSWORD, "staff")
    clerk = context.new_page()
    clerk.goto("/staff/login")
    clerk.fill("#name", name)
    clerk.fill("#password", PASSWORD)
    clerk.get_by_role("button", name="ログイン").click()
    expect(clerk.locator("h1")).to_have_text("受付")
    return clerk


def calls_from(site: Site, page: str) -> int:
    with services(site.app).database.read() as db:
        return int(db.scalar(select(func.count()).select_from(StaffCall).where(StaffCall.page == page)) or 0)


def test_a_call_appears_on_the_open_dashboard_and_the_clerk_s_answer_clears_the_tablet(
    kiosk: Page, kiosk_site: Site, new_context: NewContext
):
    clerk = logged_in_clerk(new_context(kiosk_site), kiosk_site)
    clerk.evaluate("window.notReloaded = true")

    start_event(kiosk, "okuyami")
    path = kiosk.url.removeprefix(kiosk_site.url)
    question = services(kiosk_site.app).content.flows["okuyami"].question_map[path.rsplit("/", 1)[1]].text
    message = kiosk.locator("#staff-call")
    expect(message).to_be_empty()
    button = kiosk.locator(".toolbar button", has_text="職員を呼ぶ")
    button.click()
    banner = kiosk.locator("#staff-call .staff-call")
    expect(banner).to_have_text("職員が向かいます。このままお待ちください。")
    expect(banner).to_be_in_viewport()
    assert message.get_attribute("role") == "status"
    button.click()  # pressed again while staff are on their way: still one call
    expect(banner).to_be_visible()
    kiosk.wait_for_load_state("networkidle")
    assert calls_from(kiosk_site, path) == 1

    # The clerk's dashboard, open before the call, shows it within 5 s without a reload.
    row = clerk.locator("#calls tr", has_text=f"質問「{question}」").last
    expect(row).to_contain_text("kiosk-1", timeout=5_000)
    expect(row).to_contain_text("分")
    assert clerk.evaluate("window.notReloaded === true"), "the dashboard was reloaded"

    # The tablet's message stays on the next page until the clerk answers.
    kiosk.goto("/okuyami/")
    expect(banner).to_contain_text("職員が向かいます")
    row.get_by_role("button", name="対応した").click()
    expect(kiosk.locator("#staff-call")).to_contain_text("職員が対応しました", timeout=6_000)
    expect(kiosk.locator("#staff-call .staff-call[hx-get]")).to_have_count(0)
    kiosk.goto("/")
    expect(kiosk.locator("#staff-call")).to_be_empty()


def test_axe_finds_nothing_on_the_call_states_and_the_dashboard(kiosk_site: Site, new_context: NewContext):
    # bypass_csp: axe.min.js is added inline (see test_axe.py); the journey above runs with the CSP enforced.
    kiosk = new_context(kiosk_site, bypass_csp=True).new_page()
    kiosk.goto("/okuyami/")
    kiosk.locator(".toolbar button", has_text="職員を呼ぶ").click()
    expect(kiosk.locator("#staff-call .staff-call")).to_be_visible()
    assert_no_axe_violations(kiosk, "a kiosk page with 「職員が向かいます」")
    kiosk.set_viewport_size({"width": 1024, "height": 768})
    kiosk.goto("/okuyami/")
    kiosk.locator("html").evaluate("e => e.classList.add('large-text')")
    assert_no_axe_violations(kiosk, "the call message with large text at 1024×768")

    clerk = logged_in_clerk(new_context(kiosk_site, bypass_csp=True), kiosk_site)
    expect(clerk.locator("#calls tr").first).to_be_visible()
    assert_no_axe_violations(clerk, "the staff dashboard with open calls")
    clerk.locator("#calls tr").last.get_by_role("button", name="対応した").click()
    expect(kiosk.locator("#staff-call")).to_contain_text("職員が対応しました", timeout=6_000)
    assert_no_axe_violations(kiosk, "a kiosk page with 「職員が対応しました」")
