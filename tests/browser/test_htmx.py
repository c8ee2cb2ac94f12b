"""htmx swaps parts of pages only: the checklist tick (checklist §7-26, §7-27)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .conftest import Site
from .helpers import OKUYAMI_78, active_element, answer_by_requests, storage_contents


def test_ticking_a_checklist_item_swaps_only_that_item_and_announces_it(home: Page, home_site: Site):
    answer_by_requests(home.context, home_site, "okuyami", OKUYAMI_78)
    home.goto("/okuyami/result")
    live = home.locator("#live")
    assert live.get_attribute("role") == "status"
    assert live.inner_text().strip() == "", "the live region is empty when the page loads"
    home.click("#checklist summary")  # the checklist is a <details>, closed at first (issue 14)
    items = home.locator(".checklist__item")
    assert items.count() >= 3
    item_id = items.nth(1).get_attribute("id")
    name = home.inner_text(f"#{item_id} .check-toggle__label").strip()
    # Mark every element of the page; a swap of only the item leaves every other mark in place.
    home.evaluate("document.querySelectorAll('body *').forEach((e, i) => { e.dataset.mark = String(i); })")
    marked = home.evaluate("document.querySelectorAll('[data-mark]').length")

    with home.expect_response(lambda r: r.url.endswith("/okuyami/checklist")) as response_info:
        home.click(f"#{item_id} .check-toggle")
    response = response_info.value
    assert response.request.headers.get("hx-request") == "true"
    assert "<html" not in response.text()
    expect(home.locator(f"#{item_id} .check-toggle")).to_have_attribute("aria-pressed", "true")
    expect(live).to_have_text(f"「{name}」にチェックを付けました")
    assert home.locator("#live").count() == 1 and live.get_attribute("role") == "status"
    # Only the item is new: it lost its mark, every other element of the page kept its own.
    assert home.get_attribute(f"#{item_id}", "data-mark") is None
    unmarked_elsewhere = home.evaluate(
        f"[...document.querySelectorAll('body *:not([data-mark])')].filter(e => !e.closest('#{item_id}'))"
        ".map(e => e.outerHTML.slice(0, 80))"
    )
    assert unmarked_elsewhere == []
    assert home.evaluate("document.querySelectorAll('[data-mark]').length") >= marked - 10
    assert home.title().startswith("必要な手続き")
    focus = active_element(home)
    assert not focus["isBody"], "focus fell back to <body> after the swap"
    assert focus["id"] == f"toggle-{item_id.removeprefix('item-')}"
    assert home.get_attribute(f"#{item_id}", "aria-busy") is None

    home.reload()
    assert home.get_attribute(f"#{item_id} .check-toggle", "aria-pressed") == "true"
    assert home.inner_text(f"#{item_id} .check-toggle__box").strip() == "✓"
    assert live.inner_text().strip() == ""
    assert storage_contents(home) == {"local": {}, "session": {}}

    # And untick: the announcement changes.
    home.click(f"#{item_id} .check-toggle")
    expect(home.locator(f"#{item_id} .check-toggle")).to_have_attribute("aria-pressed", "false")
    expect(live).to_have_text(f"「{name}」のチェックを外しました")
