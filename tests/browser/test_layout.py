"""Reflow at 320 CSS px (WCAG 1.4.10, checklist §7-22): every page type, in home and kiosk mode, with normal and
large text, in Japanese and English (longer words), on screen and as printed, scrolls only up and down.

The pages walked are tied to the app's URL map: a new GET route fails `test_every_get_route_is_walked_or_named`
until it is walked here or named as not a page."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from kiosk.extensions import services
from kiosk.store.models import Case

from ..card.fixtures import PlaceCard, jlis_certificate, pcscd, pki, place_card
from .conftest import NewContext, Site
from .helpers import (
    OKUYAMI_78,
    answer_by_requests,
    current_question,
    field_of,
    page_questions,
    scenario_answers,
    start_event,
    submit_question,
)
from .test_card import PIN, card_site
from .test_counter import PASSWORD

__all__ = ["card_site", "jlis_certificate", "pcscd", "pki", "place_card"]  # fixtures the card pages need

WIDTH = 320
HEIGHT = 640
HIKKOSHI_FAMILY = scenario_answers("hikkoshi", "01_")

HOME, KIOSK, CARD = "home", "kiosk", "card"
PAGES: dict[str, frozenset[str]] = {
    # GET route (endpoint) → the sites whose walk checks it.
    "resident.menu": frozenset({HOME, KIOSK}),
    "resident.start": frozenset({HOME, KIOSK}),
    "resident.question": frozenset({HOME, KIOSK}),
    "resident.check": frozenset({HOME, KIOSK}),
    "resident.result": frozenset({HOME, KIOSK}),
    "resident.print_checklist": frozenset({HOME, KIOSK}),
    "notices.print_notices": frozenset({HOME, KIOSK}),
    "resident.saved": frozenset({HOME, KIOSK}),
    "resident.resume": frozenset({HOME, KIOSK}),
    "resident.resume_details": frozenset({HOME, KIOSK}),
    "resident.reset_confirm": frozenset({HOME, KIOSK}),
    "slip.prefill_start": frozenset({HOME, KIOSK}),
    "slip.prefill_role": frozenset({HOME, KIOSK, CARD}),
    "slip.slip": frozenset({HOME, KIOSK}),
    "slip.handed_off": frozenset({KIOSK}),  # 「窓口に送る」: counter tablets only
    "slip.handoff_receipt": frozenset({KIOSK}),  # with KIOSK_RECEIPT_PRINTER
    "card.read": frozenset({CARD}),  # a counter tablet with KIOSK_CARD on and a reader
    "staff.login": frozenset({HOME, KIOSK}),
    "staff.dashboard": frozenset({HOME, KIOSK}),
    "staff.case": frozenset({HOME, KIOSK}),
    "staff.print_forms": frozenset({HOME, KIOSK}),
    "staff.audit": frozenset({HOME, KIOSK}),
}
NOT_PAGES: dict[str, str] = {
    # GET routes that are no page a person reads, so nothing to reflow. (The QR codes are inline SVG in the
    # saved, slip and hand-off pages, which are walked: there is no QR image route.)
    "static": "CSS, scripts, fonts",
    "resident.calendar": "the deadlines as an .ics file",
    "resident.staff_call_status": "htmx fragment (the call message; walked on the pages that show it)",
    "speech.clip": "speech audio",
    "speech.status": "JSON for speech.js",
    "health.health": "health check JSON",
    "api.events": "JSON API",
    "api.openapi": "JSON API description",
    "api.get_session": "JSON API",
    "api.current_question": "JSON API",
    "api.result": "JSON API",
    "staff.calls": "htmx fragment polled into the dashboard (walked there)",
    "slip.handoff_status": "htmx fragment polled into the hand-off page (walked there)",
    "staff.queue": "htmx fragment polled into the dashboard (walked there)",
}
LONG_ADDRESS = "Fujimidai-2-chome-47-banchi-no-1-Kunitachi-shi-Tokyo-to"
"""A romanised address typed as one word: the longest kind of token the staff pages and forms show."""
_accounts = itertools.count(1)


def overflow(page: Page, width: int = WIDTH) -> dict[str, Any] | None:
    """None when the page fits the width; otherwise the document's scroll width and the elements that stick out
    first (their parent fits), widest first: tag, id and classes, right edge, and the start of their text.
    Something cut off at the left edge, or a label spilling out of its button, counts too."""
    found: dict[str, Any] | None = page.evaluate(
        """width => { const doc = document.documentElement;
        const right = e => e.getBoundingClientRect().right;
        // Cut off where nothing scrolls: beyond the left edge (a menu panel), or beyond the right edge in a dialog
        // or a fixed box (they never widen the page).
        const pinned = e => e.closest('dialog[open]') || getComputedStyle(e).position === 'fixed';
        const cut = [...document.querySelectorAll('body *')].filter(e => e.checkVisibility()
            && (e.getBoundingClientRect().left < -0.5 || (right(e) > width + 0.5 && pinned(e)))
            && !e.matches('.skip-link, .visually-hidden, .visually-hidden *'));
        // A label wider than its own button runs over the button's border.
        const spills = e => { const outer = e.getBoundingClientRect(), style = getComputedStyle(e);
            const box = {left: outer.left + parseFloat(style.borderLeftWidth),
                         right: outer.right - parseFloat(style.borderRightWidth)};
            const texts = document.createTreeWalker(e, 4);
            for (let text = texts.nextNode(); text; text = texts.nextNode()) {
                if (text.parentElement.closest('.visually-hidden')) continue;
                const range = document.createRange(); range.selectNodeContents(text);
                if ([...range.getClientRects()].some(r => r.width && (r.right > box.right + 0.5
                    || r.left < box.left - 0.5))) return true; }
            return false; };
        const spill = [...document.querySelectorAll('button, .button, summary')]
            .filter(e => e.checkVisibility() && spills(e));
        if (doc.scrollWidth <= width && !cut.length && !spill.length) return null;
        const out = [...new Set(cut.concat(spill,
            [...document.querySelectorAll('body *')].filter(e => right(e) > width + 0.5)))];
        const roots = out.filter(e => !out.includes(e.parentElement));
        const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
            + [...e.classList].map(c => '.' + c).join('');
        return {scrollWidth: doc.scrollWidth, widest: (roots.length ? roots : out)
            .sort((a, b) => right(b) - right(a)).slice(0, 6)
            .map(e => `${name(e)} right=${Math.round(right(e))} "${(e.innerText || '').trim().slice(0, 40)}"`)}; }""",
        width,
    )
    return found


def endpoint_of(site: Site, url: str) -> str | None:
    """The endpoint a GET of this address reaches (None: no GET route, e.g. a page a POST answered with)."""
    try:
        endpoint, _ = site.app.url_map.bind("localhost").match(urlsplit(url).path, method="GET")
    except HTTPException:
        return None
    return str(endpoint)


@dataclass
class Walk:
    """One visitor's pass over the pages at 320 px: what overflowed, where focus was, which routes were seen."""

    page: Page
    site: Site
    name: str
    overflowing: dict[str, Any] = field(default_factory=dict)
    unfocused: dict[str, Any] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)

    def check(self, what: str, printed: bool = False, focus: str | None = "h1") -> None:
        """Record whether the page on screen fits (and, with `printed`, as printed too) and whether the keyboard
        focus starts at `focus` (a selector; None where no script runs or a field takes it)."""
        self.page.wait_for_load_state()
        if endpoint := endpoint_of(self.site, self.page.url):
            self.seen.add(endpoint)
        if found := overflow(self.page):
            self.overflowing[what] = found
        if focus is not None and not self.page.evaluate("s => document.activeElement?.matches(s) ?? false", focus):
            self.unfocused[what] = self.page.evaluate("document.activeElement?.outerHTML.slice(0, 80)")
        if printed:
            self.page.emulate_media(media="print")
            if found := overflow(self.page):
                self.overflowing[f"{what} (printed)"] = found
            self.page.emulate_media(media="screen")

    def problems(self) -> str:
        lines = [f"{what}: {found}" for what, found in self.overflowing.items()]
        lines += [f"{what}: focus not on the heading but {element}" for what, element in self.unfocused.items()]
        return "\n".join(f"[{self.name}] {line}" for line in lines)


def csrf(page: Page) -> str:
    return str(page.get_attribute('meta[name="csrf-token"]', "content"))


def post(context: BrowserContext, page: Page, path: str, **form: str) -> None:
    """Send a form as the page's own forms do (its CSRF token, its cookies), e.g. a preference."""
    response = context.request.post(path, form={"csrf_token": csrf(page), **form})
    assert response.ok, f"{path}: {response.status}"


def choose(page: Page, lang: str, large: bool) -> None:
    """The visitor's language and the product's 「文字を大きく」 setting (kept in the session)."""
    page.goto("/")
    post(page.context, page, "/language", lang=lang, next="/")
    if page.evaluate("document.documentElement.classList.contains('large-text')") != large:
        post(page.context, page, "/display", toggle="large_text", next="/")  # a toggle
    page.goto("/")
    assert page.evaluate("document.documentElement.lang") == lang
    assert page.evaluate("document.documentElement.classList.contains('large-text')") == large


def submit_page_form(page: Page, action: str, **fields: str) -> None:
    """Send a plain (non-htmx) form from the page, as a browser without JavaScript would, and wait for the answer."""
    with page.expect_navigation():
        page.evaluate(
            """([action, fields]) => { const form = document.createElement('form');
            form.method = 'post'; form.action = action;
            for (const [name, value] of Object.entries(fields)) {
                const input = document.createElement('input'); input.type = 'hidden';
                input.name = name; input.value = value; form.append(input); }
            document.body.append(form); form.submit(); }""",
            [action, fields],
        )


def fill_details(page: Page, values: dict[str, str]) -> None:
    """Type a prefill form's fields and send it."""
    for name, value in values.items():
        selector = f"#field-{name}"
        if page.locator(selector).evaluate("e => e.tagName") == "SELECT":
            page.select_option(selector, value)
        else:
            page.fill(selector, value)
    with page.expect_navigation():
        page.click("main form button[type=submit].button--primary")


APPLICANT = {"name": "山田 太郎", "name_kana": "ヤマダ タロウ", "birth_date": "1968-04-21", "postal_code": "186-0002",
             "address": LONG_ADDRESS, "phone": "042-576-2111", "relationship": "child"}
DECEASED = {"name": "山田 一郎", "name_kana": "ヤマダ イチロウ", "birth_date": "1947-11-03", "address": LONG_ADDRESS}
MOVE = {"old_address": LONG_ADDRESS, "new_address": "東京都国立市富士見台2丁目47番地の1"}


def walk_questions(walk: Walk, site: Site) -> None:
    """The first screen (several questions) empty and with its error summary, then a question of each type."""
    page = walk.page
    start_event(page, "okuyami")
    assert len(page_questions(page)) > 1, "the first おくやみ screen asks several questions"
    walk.check("a screen of several questions (a date among them)")
    submit_question(page)
    walk.check("a screen with its error summary", focus="#error-summary")
    seen = answer_by_requests(page.context, site, "okuyami", OKUYAMI_78)
    first_of_type: dict[str, str] = {}
    for question_id in seen:
        first_of_type.setdefault(site.question_type("okuyami", question_id), question_id)
    assert set(first_of_type) >= {"single", "multiple", "yes_no", "date", "number"}, first_of_type
    for question_type, question_id in first_of_type.items():
        page.goto(f"/okuyami/questions/{question_id}")
        if current_question(page) == question_id:  # the type's question on a page of its own, when there is one
            walk.check(f"a {question_type} question ({question_id})")
    number = first_of_type["number"]
    page.goto(f"/okuyami/questions/{number}")
    page.fill(f"#{field_of(page, number)}", "")
    submit_question(page)
    walk.check("a number question with its error summary", focus="#error-summary")


def walk_result(walk: Walk) -> None:
    page = walk.page
    page.goto("/okuyami/check")
    walk.check("check answers")
    page.goto("/okuyami/result")
    walk.check("result, every disclosure closed")
    page.locator(".procedure summary").first.click()
    walk.check("result, one procedure open", focus=".procedure summary")
    page.evaluate("document.querySelectorAll('main details').forEach(d => { d.open = true; })")
    walk.check("result, every disclosure open", focus=None)
    # The print pages are minimal (no toolbar, no script): nothing moves the focus there.
    page.goto("/okuyami/result/print")
    walk.check("print checklist", printed=True, focus=None)
    page.goto("/okuyami/result/notices")
    walk.check("notices print page", printed=True, focus=None)


def walk_slip(walk: Walk) -> None:
    """Save, then the prefill pages (one with its errors) to the slip with its QR code."""
    page = walk.page
    post(page.context, page, "/okuyami/save")
    page.goto("/okuyami/saved")
    walk.check("saved (resume code and QR)")
    page.goto("/okuyami/prefill")
    walk.check("prefill start")
    page.goto("/okuyami/prefill/applicant")
    walk.check("prefill: the applicant's details")
    with page.expect_navigation():
        page.click("main form button[type=submit].button--primary")
    walk.check("prefill: the applicant's details with errors", focus="#error-summary")
    fill_details(page, APPLICANT)
    walk.check("prefill: the deceased's details")
    fill_details(page, DECEASED)
    assert page.url.endswith("/okuyami/slip"), page.url
    expect(page.locator(".slip__qr svg")).to_be_visible()
    walk.check("slip with its QR code", printed=True)
    page.goto("/okuyami/slip?paper=receipt")
    walk.check("slip for a receipt printer", printed=True)


def walk_resume(walk: Walk) -> None:
    """Save again (with the applicant's birth date), then resume: the code page, a wrong code, the birth date."""
    page = walk.page
    post(page.context, page, "/okuyami/save")
    page.goto("/okuyami/saved")
    code = page.locator(".resume-code").inner_text().strip()
    services(walk.site.app).throttle.clear("resume-address:127.0.0.1")  # wrong codes of earlier walks
    page.goto("/resume")
    walk.check("resume")
    page.fill("#code", "ZZZZ-9999")
    with page.expect_navigation():
        page.click("form button[type=submit].button--primary")
    walk.check("resume with an error", focus="#error-summary")
    page.fill("#code", code)
    with page.expect_navigation():
        page.click("form button[type=submit].button--primary")
    assert page.url.endswith("/resume/details"), page.url
    walk.check("resume: the applicant's birth date")
    page.fill("#birth-date", "1970-01-01")
    with page.expect_navigation():
        page.click("form button[type=submit].button--primary")
    walk.check("resume: a wrong birth date", focus="#error-summary")
    page.fill("#birth-date", APPLICANT["birth_date"])
    with page.expect_navigation():
        page.click("form button[type=submit].button--primary")


def walk_kiosk_only(walk: Walk) -> None:
    """「窓口に送る」's 受付番号 and the 「職員を呼ぶ」 confirmation (a counter tablet's own pages)."""
    page = walk.page
    page.goto("/okuyami/result")
    with page.expect_navigation():
        page.click('form[action="/okuyami/handoff"] button[type=submit]')
    assert page.url.endswith("/okuyami/handoff"), page.url
    walk.check("hand-off (受付番号, QR link)")
    walk_receipt(walk)
    submit_page_form(page, "/help", csrf_token=csrf(page), next="/okuyami/result")
    walk.check("staff called")
    page.goto("/okuyami/result")
    walk.check("result with the 「職員が向かいます」 message")
    menus = page.locator(".toolbar summary").all()
    assert len(menus) == 2, "the Language and その他 menus"
    for menu in menus:
        menu.click()
        walk.check(f"toolbar menu {menu.inner_text().strip()} open", focus=None)
        menu.click()


def walk_receipt(walk: Walk) -> None:
    """The 受付番号 receipt (a tablet with KIOSK_RECEIPT_PRINTER): on screen, and as printed. Its own script prints
    at once and goes back to the hand-off page, so it is kept from loading while the page is looked at."""
    page, app = walk.page, walk.site.app
    app.config["KIOSK_RECEIPT_PRINTER"] = True
    page.route("**/static/js/handoff.js*", lambda route: route.abort())
    try:
        page.goto("/okuyami/handoff")
        walk.check("hand-off with the receipt printer")
        page.goto("/okuyami/handoff/receipt")
        expect(page.locator("#receipt-number")).to_be_visible()
        walk.check("hand-off receipt", printed=True)
    finally:
        page.unroute("**/static/js/handoff.js*")
        app.config["KIOSK_RECEIPT_PRINTER"] = False


def walk_hikkoshi_members(walk: Walk, site: Site) -> None:
    page = walk.page
    answer_by_requests(page.context, site, "hikkoshi", HIKKOSHI_FAMILY)
    page.goto("/hikkoshi/prefill/applicant")
    fill_details(page, APPLICANT)
    walk.check("prefill: the move's addresses")
    fill_details(page, MOVE)
    assert page.url.endswith("/hikkoshi/prefill/member"), page.url
    walk.check("prefill: family members")
    with page.expect_navigation():
        page.click('main form button[value="add"]')
    walk.check("prefill: family members with errors", focus="#error-summary")


def walk_errors(walk: Walk) -> None:
    page = walk.page
    page.goto("/reset?next=/okuyami/result")
    walk.check("reset confirmation")
    page.goto("/no-such-page")
    walk.check("404")
    page.goto("/okuyami/start")  # a GET on a form's address: 405, the generic error page
    walk.check("generic error (405)")
    submit_page_form(page, "/language", csrf_token="stale", lang="en", next="/")
    walk.check("expired form (CSRF)", focus=None)  # a minimal page: no script


def walk_staff(walk: Walk, site: Site, lang: str, large: bool) -> None:
    """Login, dashboard (its calls and queue), a case, the audit log and the printed forms, as an admin."""
    page = walk.page
    name = f"layout-admin-{next(_accounts)}"
    services(site.app).staff.add(name, PASSWORD, "admin")
    choose(page, lang, large)
    page.goto("/staff/login")
    walk.check("staff login")
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    choose(page, lang, large)  # a login starts a new session
    page.goto("/staff/")
    walk.check("staff dashboard", focus="#code")  # the scan field takes the focus: a USB scanner types there
    assert page.locator("form.language, form.furigana-toggle").count() == 0, "residents' controls on a staff page"
    with services(site.app).database.read() as db:
        public_id = db.scalars(select(Case.public_id).order_by(Case.id.desc())).first()
    assert public_id
    page.goto(f"/staff/cases/{public_id}")
    walk.check("staff case")
    page.goto("/staff/audit")
    walk.check("staff audit log")
    page.goto(f"/staff/cases/{public_id}/forms")
    # A4 sheets: on a phone the preview is scaled down to fit; on paper they are A4 wide, not 320 px.
    walk.check("staff printed forms", focus=None)


COMBINATIONS = [pytest.param(mode, large, lang, id=f"{mode}-{'large' if large else 'normal'}-{lang}")
                for mode in (HOME, KIOSK) for large in (False, True) for lang in ("ja", "en")]


@pytest.mark.parametrize(("mode", "large", "lang"), COMBINATIONS)
def test_every_page_type_reflows_at_320px(request: pytest.FixtureRequest, new_context: NewContext, mode: str,
                                          large: bool, lang: str):
    site: Site = request.getfixturevalue(f"{mode}_site")
    viewport = {"width": WIDTH, "height": HEIGHT}
    resident = new_context(site, viewport=viewport).new_page()
    walk = Walk(resident, site, f"{mode}, {'large' if large else 'normal'} text, {lang}")
    resident.clock.install()
    choose(resident, lang, large)
    walk.check("menu")
    if mode == KIOSK:
        resident.clock.fast_forward("01:31")
        expect(resident.locator("#idle-dialog")).to_be_visible()
        walk.check("the idle warning dialog", focus="#idle-continue")
        resident.click("#idle-continue")
    resident.goto("/okuyami/")
    walk.check("start")
    walk_questions(walk, site)
    walk_result(walk)
    walk_slip(walk)
    if mode == KIOSK:
        walk_kiosk_only(walk)
    walk_resume(walk)
    walk_errors(walk)
    walk_hikkoshi_members(walk, site)
    walk.page = new_context(site, viewport=viewport).new_page()
    walk_staff(walk, site, lang, large)
    if mode == KIOSK:
        for call in services(site.app).cases.open_calls():  # the call made above: answered, as staff would
            services(site.app).cases.answer_call(call.id, "layout-test")

    missing = {endpoint for endpoint, sites in PAGES.items() if mode in sites} - walk.seen
    assert not missing, f"routes the walk did not reach: {missing}"
    assert not walk.overflowing and not walk.unfocused, (
        f"wider than {WIDTH} px or focus not at the heading:\n{walk.problems()}")


@pytest.mark.parametrize(("large", "lang"), [(False, "ja"), (True, "ja"), (False, "en"), (True, "en")],
                         ids=["normal-ja", "large-ja", "normal-en", "large-en"])
def test_the_card_pages_reflow_at_320px(card_site: Site, new_context: NewContext, place_card: PlaceCard,
                                        large: bool, lang: str):
    page = new_context(card_site, viewport={"width": WIDTH, "height": HEIGHT}).new_page()
    walk = Walk(page, card_site, f"card, {'large' if large else 'normal'} text, {lang}")
    choose(page, lang, large)
    answer_by_requests(page.context, card_site, "okuyami", OKUYAMI_78)
    place_card(pin=PIN)
    page.goto("/okuyami/prefill/applicant")
    expect(page.locator(".card-offer")).to_be_visible()
    walk.check("prefill with the card offer")
    page.goto("/okuyami/prefill/applicant/card")
    expect(page.locator(".keypad")).to_be_visible()
    walk.check("card: place the card and tap the PIN")
    for _ in range(4):
        page.click('.keypad__key[data-digit="0"]')
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    walk.check("card: a wrong PIN", focus="#error-summary")
    missing = {endpoint for endpoint, sites in PAGES.items() if CARD in sites} - walk.seen
    assert not missing, f"routes the walk did not reach: {missing}"
    assert not walk.overflowing and not walk.unfocused, walk.problems()


def test_every_get_route_is_walked_or_named(home_site: Site, kiosk_site: Site):
    routes = {rule.endpoint for site in (home_site, kiosk_site) for rule in site.app.url_map.iter_rules()
              if "GET" in (rule.methods or ())}
    unlisted = routes - PAGES.keys() - NOT_PAGES.keys()
    assert not unlisted, f"GET routes neither walked at 320 px nor named as not a page: {sorted(unlisted)}"
    gone = (PAGES.keys() | NOT_PAGES.keys()) - routes
    assert not gone, f"listed routes the app no longer has: {sorted(gone)}"


def line_count(page: Page, selector: str) -> list[int]:
    """How many lines the text of each element matching `selector` takes (its line boxes)."""
    counts: list[int] = page.eval_on_selector_all(
        selector,
        """els => els.map(e => { const range = document.createRange(); range.selectNodeContents(e);
            const tops = [...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top));
            return new Set(tops).size; })""",
    )
    return counts


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_staff_case_keeps_the_deadline_column_on_one_line_at_1280px(home_site: Site, new_context: NewContext,
                                                                        lang: str):
    resident = new_context(home_site).new_page()
    answer_by_requests(resident.context, home_site, "okuyami", OKUYAMI_78)
    resident.goto("/okuyami/result")
    post(resident.context, resident, "/okuyami/slip")
    with services(home_site.app).database.read() as db:
        public_id = db.scalars(select(Case.public_id).order_by(Case.id.desc())).first()
    clerk = new_context(home_site, viewport={"width": 1280, "height": 800}).new_page()
    name = f"layout-clerk-{next(_accounts)}"
    services(home_site.app).staff.add(name, PASSWORD, "staff")
    clerk.goto("/staff/login")
    clerk.fill("#name", name)
    clerk.fill("#password", PASSWORD)
    with clerk.expect_navigation():
        clerk.click("main form button[type=submit]")
    choose(clerk, lang, large=False)
    clerk.goto(f"/staff/cases/{public_id}")
    headings = line_count(clerk, "table.staff-table th:nth-child(3)")
    dates = line_count(clerk, "td.staff-table__due > .nowrap")
    assert headings and dates, "the case lists procedures with dates"
    assert set(headings) == {1}, f"the 期限 heading wraps: {headings}"
    assert set(dates) == {1}, f"a deadline's date wraps: {dates}"
