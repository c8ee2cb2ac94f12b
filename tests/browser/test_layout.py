"""Home mode on a small phone: nothing scrolls sideways at 320 CSS px (WCAG 1.4.10 reflow, checklist §7-22)."""

from __future__ import annotations

from playwright.sync_api import Page

from .conftest import NewContext, Site
from .helpers import OKUYAMI_78, answer_by_requests, start_event, submit_question

WIDTH = 320


def overflow(page: Page) -> dict[str, object] | None:
    """None when the page fits the width; otherwise the page width and the widest elements that stick out."""
    found: dict[str, object] | None = page.evaluate(
        """width => { const doc = document.documentElement;
        if (doc.scrollWidth <= width) return null;
        const wide = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > width + 0.5)
            .map(e => e.outerHTML.slice(0, 90));
        return {scrollWidth: doc.scrollWidth, elements: wide.slice(-5)}; }""",
        WIDTH,
    )
    return found


def test_no_horizontal_scroll_at_320px(home_site: Site, new_context: NewContext):
    page = new_context(home_site, viewport={"width": WIDTH, "height": 640}).new_page()
    problems: dict[str, object] = {}

    def check(name: str) -> None:
        found = overflow(page)
        if found:
            problems[name] = found

    page.goto("/")
    check("menu")
    page.goto("/okuyami/")
    check("start")
    start_event(page, "okuyami")
    submit_question(page)
    check("date question with an error")
    answer_by_requests(page.context, home_site, "okuyami", OKUYAMI_78)
    for question_id in ("death_date", "deceased_resident_here", "deceased_age", "deceased_insurance",
                        "deceased_used_services"):
        page.goto(f"/okuyami/questions/{question_id}")
        check(f"{home_site.question_type('okuyami', question_id)} question")
    page.goto("/okuyami/check")
    check("check answers")
    page.goto("/okuyami/result")
    check("result")
    assert not problems, f"wider than {WIDTH} px: {problems}"
