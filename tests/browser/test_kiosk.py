"""The counter tablet: idle warning and reset, 職員を呼ぶ, 文字を大きく, touch targets, the sticky toolbar
(checklist §7-17, §7-21, §7-23, §7-32, §7-33, §7-46)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from kiosk.extensions import services
from kiosk.store.models import StaffCall

from .conftest import IDLE_COUNTDOWN_SECONDS, IDLE_SECONDS, Site
from .helpers import (
    OKUYAMI_78,
    active_element,
    answer_by_requests,
    current_question,
    fill_answer,
    fill_screen,
    page_questions,
    start_event,
    storage_contents,
    submit_question,
)

MIN_TARGET = 48
INTERACTIVE = 'a[href], button, input:not([type="hidden"]), select, textarea, summary, [tabindex]:not([tabindex="-1"])'


def session_cookie(page: Page) -> str | None:
    return next((c["value"] for c in page.context.cookies() if c["name"] == "kiosk_session"), None)


def idle_dialog_open(page: Page) -> bool:
    return bool(page.evaluate("document.getElementById('idle-dialog').open"))


def wait_for_warning(page: Page) -> None:
    page.clock.fast_forward((IDLE_SECONDS + 1) * 1000)
    expect(page.locator("#idle-dialog")).to_be_visible()
    assert idle_dialog_open(page)


# --- idle warning and reset ---------------------------------------------------------------------------------------

def test_idle_warning_can_be_extended_again_and_again_then_resets_and_leaves_nothing(kiosk: Page, kiosk_site: Site):
    kiosk.clock.install()  # before the first page, so the page's timers run on the fake clock
    start_event(kiosk, "okuyami")
    fill_screen(kiosk, kiosk_site, "okuyami", OKUYAMI_78)
    submit_question(kiosk)
    answer_by_requests(kiosk.context, kiosk_site, "okuyami", OKUYAMI_78)
    kiosk.goto("/okuyami/result")
    assert "後期高齢者医療 資格喪失届" in kiosk.inner_text("main")
    result_url = kiosk.url
    old_cookie = session_cookie(kiosk)
    assert old_cookie

    assert not idle_dialog_open(kiosk)
    kiosk.clock.fast_forward((IDLE_SECONDS - 5) * 1000)
    assert not idle_dialog_open(kiosk), "warned before KIOSK_IDLE_SECONDS"

    for round_ in range(10):
        wait_for_warning(kiosk)
        dialog = kiosk.locator("#idle-dialog")
        assert dialog.get_attribute("role") == "alertdialog"
        focus = active_element(kiosk)
        assert focus["id"] == "idle-continue" and focus["text"] == "続ける", focus
        assert f"{IDLE_COUNTDOWN_SECONDS} 秒" in kiosk.inner_text("#idle-remaining")
        # Most of the countdown passes; one tap on 続ける still keeps everything.
        kiosk.clock.run_for((IDLE_COUNTDOWN_SECONDS - 10) * 1000)
        assert "10 秒" in kiosk.inner_text("#idle-remaining")
        kiosk.click("#idle-continue")
        assert not idle_dialog_open(kiosk), round_
        assert kiosk.url == result_url, f"reset after {round_ + 1} extensions"
    assert "後期高齢者医療 資格喪失届" in kiosk.inner_text("main")
    assert session_cookie(kiosk) == old_cookie

    # Now nobody answers: the countdown runs out and the tablet resets to the menu.
    wait_for_warning(kiosk)
    with kiosk.expect_response(lambda r: r.url.endswith("/reset")) as reset_info:
        kiosk.clock.run_for((IDLE_COUNTDOWN_SECONDS + 1) * 1000)
    reset = reset_info.value
    assert reset.request.method == "POST"
    assert reset.header_value("clear-site-data") == '"cache", "cookies", "storage"'
    kiosk.wait_for_url(kiosk_site.url + "/")
    assert kiosk.locator("a.event-link").count() == 3
    assert session_cookie(kiosk) != old_cookie, "the session cookie is rotated"
    assert services(kiosk_site.app).sessions.load(old_cookie) is None, "the answers are deleted on the server"
    assert "kiosk_session" not in kiosk.evaluate("document.cookie")
    assert storage_contents(kiosk) == {"local": {}, "session": {}}

    # Back shows nothing of the resident: not the result, not the typed date.
    visited = []
    for _ in range(3):
        kiosk.go_back()
        visited.append(kiosk.url.removeprefix(kiosk_site.url))
        text = kiosk.inner_text("body")
        assert "後期高齢者医療" not in text and "世帯主変更届" not in text, kiosk.url
        values = kiosk.eval_on_selector_all("input:not([type=hidden]):not([type=radio]):not([type=checkbox])",
                                            "els => els.map(e => e.value)")
        assert not any(v for v in values), f"answers shown after reset at {kiosk.url}: {values}"
        assert kiosk.locator("input:checked").count() == 0, kiosk.url
        assert storage_contents(kiosk) == {"local": {}, "session": {}}
    assert "/okuyami/questions/death_date" in visited, visited
    assert "kiosk_session" not in kiosk.evaluate("document.cookie")


@pytest.mark.parametrize("path", ["/okuyami/result/print", "/okuyami/result/notices"])
def test_a_print_page_prints_and_still_resets_when_left(kiosk: Page, kiosk_site: Site, path: str):
    """The checklist and the letters are minimal pages, but their 印刷する works and the idle reset runs there too:
    a resident who prints and walks away must not leave the family's checklist on the tablet."""
    kiosk.clock.install()
    kiosk.add_init_script("window.printed = 0; window.print = () => { window.printed += 1; };")
    start_event(kiosk, "okuyami")
    answer_by_requests(kiosk.context, kiosk_site, "okuyami", OKUYAMI_78)
    kiosk.goto(path)
    assert "後期高齢者医療" in kiosk.inner_text("main") or path.endswith("notices")
    kiosk.click("[data-print]")
    assert kiosk.evaluate("window.printed") == 1
    wait_for_warning(kiosk)
    with kiosk.expect_response(lambda r: r.url.endswith("/reset")):
        kiosk.clock.run_for((IDLE_COUNTDOWN_SECONDS + 1) * 1000)
    kiosk.wait_for_url(kiosk_site.url + "/")
    assert "後期高齢者医療" not in kiosk.inner_text("body")


# --- 職員を呼ぶ ------------------------------------------------------------------------------------------------------

def staff_button_box(page: Page) -> dict[str, float]:
    page.evaluate("window.scrollTo(0, 0)")
    box = page.locator(".toolbar button", has_text="職員を呼ぶ").bounding_box()
    assert box, page.url
    return {key: round(value) for key, value in box.items()}


def test_call_staff_is_in_the_same_place_on_every_page_and_keeps_the_answers(kiosk: Page, kiosk_site: Site):
    boxes: dict[str, dict[str, float]] = {}
    kiosk.goto("/")
    boxes["menu"] = staff_button_box(kiosk)
    kiosk.goto("/okuyami/")
    boxes["start"] = staff_button_box(kiosk)
    start_event(kiosk, "okuyami")
    boxes["first screen"] = staff_button_box(kiosk)
    fill_screen(kiosk, kiosk_site, "okuyami", OKUYAMI_78)
    submit_question(kiosk)
    assert current_question(kiosk) != "death_date"
    boxes["second screen"] = staff_button_box(kiosk)
    assert len({tuple(box.values()) for box in boxes.values()}) == 1, boxes

    choice = next(base for question_id, base in page_questions(kiosk)
                  if kiosk_site.question_type("okuyami", question_id) == "yes_no")
    fill_answer(kiosk, "yes_no", "yes", choice)  # chosen, not yet sent
    url = kiosk.url
    live = kiosk.locator("#staff-call")
    assert live.inner_text().strip() == ""
    kiosk.click(".toolbar button:has-text('職員を呼ぶ')")
    expect(live).to_contain_text("職員が向かいます")  # shown, and read out (tests/browser/test_staff_call.py)
    assert live.get_attribute("role") == "status"
    assert kiosk.url == url
    assert kiosk.is_checked(f'input[name="{choice}"][value="yes"]'), "the chosen answer is kept"
    assert not active_element(kiosk)["isBody"]
    with services(kiosk_site.app).database.session() as db:
        calls = db.scalar(select(func.count()).select_from(StaffCall).where(StaffCall.page == url.removeprefix(
            kiosk_site.url)))
    assert calls == 1, "the call is recorded for staff"
    with kiosk.expect_navigation():
        kiosk.click("a.back-link")
    assert kiosk.input_value("#death_date-day") == "10", "the answers given before are kept"


# --- 文字を大きく -----------------------------------------------------------------------------------------------------

def font_size(page: Page, selector: str = "body") -> float:
    return float(page.eval_on_selector(selector, "e => parseFloat(getComputedStyle(e).fontSize)"))


def test_large_text_grows_the_text_survives_navigation_and_is_cleared_on_reset(kiosk: Page):
    kiosk.goto("/")
    normal = font_size(kiosk), font_size(kiosk, "h1")
    toggle = kiosk.locator(".toolbar button", has_text="文字を大きく")
    assert toggle.get_attribute("aria-pressed") == "false"
    with kiosk.expect_navigation():
        toggle.click()
    assert kiosk.url.endswith("/")
    large = font_size(kiosk), font_size(kiosk, "h1")
    assert large[0] > normal[0] and large[1] > normal[1], (normal, large)
    assert toggle.get_attribute("aria-pressed") == "true"
    with kiosk.expect_navigation():
        kiosk.click('a.event-link[href="/okuyami/"]')
    assert font_size(kiosk) == large[0]
    start_event(kiosk, "okuyami")
    assert font_size(kiosk) == large[0]
    kiosk.click(".toolbar summary:has-text('その他')")
    with kiosk.expect_navigation():
        kiosk.click(".toolbar button:has-text('最初からやり直す')")
    with kiosk.expect_navigation():
        kiosk.click("button:has-text('はい、最初からやり直す')")
    assert font_size(kiosk) == normal[0], "a new resident starts with the normal size"


# --- touch targets ------------------------------------------------------------------------------------------------

def small_targets(page: Page) -> list[dict[str, Any]]:
    """Interactive elements smaller than 48×48 CSS px. A radio button or checkbox is measured by its label, which is
    the part a finger taps; elements not rendered or moved off-screen (the skip link until focused) are left out,
    and so is everything behind an open modal dialog (it is inert)."""
    found: list[dict[str, Any]] = page.evaluate(
        """([selector, min]) => {
        const out = [];
        const modal = document.querySelector('dialog[open]');
        for (const el of (modal || document).querySelectorAll(selector)) {
            let target = el;
            if ((el.type === 'radio' || el.type === 'checkbox') && el.labels && el.labels.length) {
                target = el.labels[0];
            }
            const r = target.getBoundingClientRect();
            const s = getComputedStyle(target);
            if (r.width === 0 || r.height === 0 || s.visibility === 'hidden') continue;
            if (r.right <= 0 || r.bottom + window.scrollY <= 0) continue;
            if (r.width < min || r.height < min) {
                out.push({element: target.outerHTML.slice(0, 100), width: Math.round(r.width),
                          height: Math.round(r.height)});
            }
        }
        return out; }""",
        [INTERACTIVE, MIN_TARGET],
    )
    return found


def test_every_interactive_element_on_kiosk_pages_is_at_least_48px(kiosk: Page, kiosk_site: Site):
    offenders: dict[str, list[dict[str, Any]]] = {}

    def scan(name: str) -> None:
        found = small_targets(kiosk)
        if found:
            offenders[name] = found

    kiosk.goto("/")
    scan("menu")
    kiosk.goto("/okuyami/")
    scan("start")
    start_event(kiosk, "okuyami")
    submit_question(kiosk)  # the error state
    scan("date question with an error")
    answer_by_requests(kiosk.context, kiosk_site, "okuyami", OKUYAMI_78)
    for question_id in ("death_date", "deceased_resident_here", "deceased_age", "deceased_insurance",
                        "deceased_used_services"):
        kiosk.goto(f"/okuyami/questions/{question_id}")
        kiosk.click("main details summary") if kiosk.locator("main details summary").count() else None
        scan(f"{kiosk_site.question_type('okuyami', question_id)} question {question_id}")
    kiosk.goto("/okuyami/check")
    scan("check answers")
    kiosk.goto("/okuyami/result")
    scan("result")
    kiosk.goto("/resume")
    scan("resume")
    kiosk.clock.install()
    kiosk.goto("/okuyami/check")
    wait_for_warning(kiosk)
    scan("idle warning")
    report = "\n".join(f"{page}: {item}" for page, items in offenders.items() for item in items)
    assert not offenders, f"targets smaller than {MIN_TARGET}×{MIN_TARGET} px:\n{report}"


# --- the sticky toolbar never hides the focused element (WCAG 2.4.11) ---------------------------------------------

def test_the_sticky_toolbar_never_hides_the_focused_element(kiosk: Page, kiosk_site: Site):
    answer_by_requests(kiosk.context, kiosk_site, "okuyami", OKUYAMI_78)
    kiosk.goto("/okuyami/result")
    count = kiosk.evaluate(f"document.querySelectorAll('{INTERACTIVE}').length")
    hidden: list[str] = []
    for key in ["Tab"] * (count + 2) + ["Shift+Tab"] * (count + 2):
        kiosk.keyboard.press(key)
        overlap = kiosk.evaluate(
            """() => { const e = document.activeElement, bar = document.querySelector('.site-header');
            // The toolbar is in the sticky header (issue 14); the skip link is drawn above it when focused.
            if (!e || e === document.body || bar.contains(e) || e.classList.contains('skip-link')) return null;
            const r = e.getBoundingClientRect(), b = bar.getBoundingClientRect();
            if (r.top >= b.bottom - 1 || r.bottom <= b.top + 1) return null;
            return e.outerHTML.slice(0, 80) + ' top=' + Math.round(r.top) + ' bar bottom=' + Math.round(b.bottom); }"""
        )
        if overlap:
            hidden.append(f"{key}: {overlap}")
    assert not hidden, "focused elements under the toolbar:\n" + "\n".join(hidden)
