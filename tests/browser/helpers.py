"""Shared steps for the browser tests: scenario answers, answering questions, axe-core, focus checks."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from playwright.sync_api import BrowserContext, Page

from kiosk.engine.yamlsource import load_yaml

from ..conftest import SCENARIOS
from .conftest import Site

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def scenario_answers(event: str, prefix: str) -> dict[str, Any]:
    """The answers of one scenario file, e.g. scenario_answers("okuyami", "01_")."""
    data, _ = load_yaml(next((SCENARIOS / event).glob(f"{prefix}*.yaml")))
    answers: dict[str, Any] = data["answers"]
    return answers


OKUYAMI_78 = scenario_answers("okuyami", "01_")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core on the whole document with the WCAG 2.0/2.1/2.2 A and AA tags; return the violations."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))})))",
        AXE_TAGS,
    )
    violations: list[dict[str, Any]] = result
    return violations


def format_violations(where: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"axe-core found {len(violations)} violation(s) on {where}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:8]:
            lines.append(f"    {node['target']}: {node['summary']}".replace("\n", " / "))
    return "\n".join(lines)


def assert_no_axe_violations(page: Page, where: str) -> None:
    violations = axe_violations(page)
    assert not violations, format_violations(where, violations)


def current_question(page: Page) -> str | None:
    """The id of the question on the page, or None when the page is not a question."""
    action = page.evaluate("document.querySelector('form.question')?.getAttribute('action') || ''")
    match = re.search(r"/questions/([a-z0-9_]+)$", action)
    return match.group(1) if match else None


def page_questions(page: Page) -> list[tuple[str, str]]:
    """(question id, field name base) of each question on the page: a screen of several names its fields by
    question id; a one-question page uses "answer"."""
    grouped = page.eval_on_selector_all("form.question [data-question]", "els => els.map(e => e.dataset.question)")
    if grouped:
        return [(question_id, question_id) for question_id in grouped]
    question_id = current_question(page)
    return [(question_id, "answer")] if question_id else []


def field_of(page: Page, question_id: str) -> str:
    """The field name base of a question on the current page."""
    return dict(page_questions(page))[question_id]


def on_check_page(page: Page) -> bool:
    return bool(page.evaluate("!!document.querySelector('.summary-list')"))


def date_parts(value: str) -> tuple[str, str, str]:
    year, month, day = str(value).split("-")
    return year, str(int(month)), str(int(day))


def fill_answer(page: Page, question_type: str, value: Any, base: str = "answer") -> None:
    """Put an answer into the form of a question on the page (with the mouse where a resident would tap); `base`
    is the question id on a screen of several."""
    if value == "unknown" and question_type in ("date", "number") and base != "answer":
        page.check(f"#{base}-unknown")
    elif question_type == "date":
        year, month, day = date_parts(value)
        page.fill(f"#{base}-year", year)
        page.fill(f"#{base}-month", month)
        page.fill(f"#{base}-day", day)
    elif question_type == "number":
        page.fill(f"#{base}", str(value))
    elif question_type == "multiple":
        for choice in value:
            page.check(f'input[name="{base}"][value="{choice}"]')
    else:
        page.check(f'input[name="{base}"][value="{value}"]')


def first_control(page: Page, site: Site, event: str) -> str:
    """The id of the first answer control on the page (what one Tab from the heading reaches)."""
    question_id, base = page_questions(page)[0]
    question_type = site.question_type(event, question_id)
    return f"{base}-year" if question_type == "date" else (base if question_type == "number" else f"{base}-0")


def fill_screen(page: Page, site: Site, event: str, answers: dict[str, Any]) -> None:
    """Fill every question on the page from `answers` (not yet sent)."""
    for question_id, base in page_questions(page):
        fill_answer(page, site.question_type(event, question_id), answers[question_id], base)


def submit_question(page: Page) -> None:
    with page.expect_navigation():
        page.click("form.question .button-group button[type=submit]:not([name])")


def start_event(page: Page, event: str) -> None:
    """Open the event's start page and press the start button."""
    page.goto(f"/{event}/")
    with page.expect_navigation():
        page.click(f'form[action="/{event}/start"] button[type=submit]')


def answer_all(page: Page, site: Site, event: str, answers: dict[str, Any]) -> list[str]:
    """Answer every question the site asks from `answers` until the check page; returns the question ids."""
    seen: list[str] = []
    for _ in range(80):
        if on_check_page(page):
            return seen
        shown = page_questions(page)
        assert shown, f"neither a question nor the check page: {page.url}"
        for question_id, base in shown:
            assert question_id in answers, f"the scenario has no answer for {question_id}"
            fill_answer(page, site.question_type(event, question_id), answers[question_id], base)
            seen.append(question_id)
        submit_question(page)
    raise AssertionError("the flow did not end")


def complete_okuyami(page: Page, site: Site) -> None:
    """The 78-year-old householder's おくやみ from the start page to the result page."""
    start_event(page, "okuyami")
    answer_all(page, site, "okuyami", OKUYAMI_78)
    with page.expect_navigation():
        page.click('a.button--primary[href="/okuyami/result"]')
    assert page.url.endswith("/okuyami/result")


def active_element(page: Page) -> dict[str, Any]:
    """What has the keyboard focus: tag, id, type, name, value, text, whether it is <body>, and its focus ring."""
    info: dict[str, Any] = page.evaluate(
        """() => { const e = document.activeElement, s = e ? getComputedStyle(e) : null;
        return {tag: e ? e.tagName.toLowerCase() : null, id: e?.id || '', type: e?.type || '', name: e?.name || '',
                value: e?.value ?? '', text: (e?.innerText || '').trim().slice(0, 80),
                isBody: !e || e === document.body || e === document.documentElement,
                ring: s ? {style: s.outlineStyle, width: parseFloat(s.outlineWidth), shadow: s.boxShadow} : null}; }"""
    )
    return info


def storage_contents(page: Page) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(
        "() => ({local: Object.assign({}, window.localStorage), session: Object.assign({}, window.sessionStorage)})"
    )
    return result


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def _form_pairs(question_type: str, value: Any, base: str = "answer") -> list[tuple[str, str]]:
    if value == "unknown" and question_type in ("date", "number"):
        return [("unknown", "1")] if base == "answer" else [(f"{base}-unknown", "1")]  # the 「わからない」 button / box
    if value == "unknown" and question_type == "multiple":
        return [(base, "unknown")]
    if question_type == "date":
        year, month, day = date_parts(value)
        return [(f"{base}-year", year), (f"{base}-month", month), (f"{base}-day", day)]
    if question_type == "multiple":
        return [(base, str(choice)) for choice in value]
    return [(base, str(value))]


def answer_by_requests(context: BrowserContext, site: Site, event: str, answers: dict[str, Any]) -> list[str]:
    """Reach the check page quickly with the context's own HTTP client (same cookies as its pages); returns the
    ids of the questions answered. For tests about single pages; the journeys are tested page by page elsewhere.
    """
    html = context.request.get(f"/{event}/").text()
    token = _csrf(html)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    response = context.request.post(f"/{event}/start", data=urlencode({"csrf_token": token}), headers=headers)
    seen: list[str] = []
    for _ in range(80):
        html = response.text()
        if 'class="summary-list"' in html:
            return seen
        match = re.search(r'action="/[a-z]+/questions/([a-z0-9_]+)"', html)
        assert match, f"neither a question nor the check page: {html[:300]}"
        question_id = match.group(1)
        screen = re.search(r'<input type="hidden" name="screen" value="([a-z0-9_]+)">', html)
        shown = re.findall(r'data-question="([a-z0-9_]+)"', html) if screen else [question_id]
        pairs = [("csrf_token", token)] + ([("screen", screen.group(1))] if screen else [])
        for shown_id in shown:
            base = shown_id if screen else "answer"
            pairs += _form_pairs(site.question_type(event, shown_id), answers[shown_id], base)
        response = context.request.post(f"/{event}/questions/{question_id}", data=urlencode(pairs), headers=headers)
        assert response.ok, f"{question_id}: {response.status} {response.text()[:300]}"
        seen += shown
    raise AssertionError("the flow did not end")
