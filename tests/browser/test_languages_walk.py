"""The seven languages of the city's largest groups of foreign residents, each walked end to end on a phone.

Per language: chosen from the picker (its own name and script, `lang` on the page), one event answered from start
to result with axe-core finding nothing on any page, and the printed checklist rendered to PDF with its text
read back by pdftotext, so the script's glyphs are real text in a real font, not tofu or images.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from .conftest import NewContext, Site
from .helpers import (
    assert_no_axe_violations,
    fill_answer,
    on_check_page,
    page_questions,
    scenario_answers,
    start_event,
    submit_question,
)

PHONE = {"width": 375, "height": 812}

# code, event, scenario, a word the translated result must show (its own script), the script's characters
WALKS: list[tuple[str, str, str, str]] = [
    ("zh-Hans", "okuyami", "01_", r"[\u4e00-\u9fff]"),
    ("vi", "hikkoshi", "01_", r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]"),
    ("ko", "shussei", "01_", r"[\uac00-\ud7af]"),
    ("fil", "hikkoshi", "02_", r"\b(ang|mga|ng|sa)\b"),
    ("ne", "shussei", "01_", r"[\u0900-\u097f]"),
    ("id", "okuyami", "01_", r"\b(yang|dan|untuk|di)\b"),
    ("pt-BR", "hikkoshi", "01_", r"\b(você|para|de|não)\b|[ãõçé]"),
]


def choose_language(page: Page, code: str) -> None:
    page.goto("/")
    button = page.locator(f'form.language button[value="{code}"]')
    assert button.count() == 1, f"{code} is not in the language picker"
    own_lang = button.get_attribute("lang")
    with page.expect_navigation():
        button.click()
    assert page.get_attribute("html", "lang") == own_lang, "the page is not announced in the chosen language"


def answer_to_result(page: Page, site: Site, event: str, answers: dict[str, Any], where: str) -> None:
    start_event(page, event)
    for _ in range(80):
        if on_check_page(page):
            break
        assert_no_axe_violations(page, f"{where}: {page.url}")
        for question_id, base in page_questions(page):
            fill_answer(page, site.question_type(event, question_id), answers[question_id], base)
        submit_question(page)
    else:
        raise AssertionError(f"{where}: the flow did not end at {page.url}: {page.inner_text('main')[:400]!r}")
    assert_no_axe_violations(page, f"{where}: check answers")
    with page.expect_navigation():
        page.click(f'a.button--primary[href="/{event}/result"]')
    assert page.url.endswith(f"/{event}/result")


@pytest.mark.parametrize(("code", "event", "scenario", "script"), WALKS, ids=[walk[0] for walk in WALKS])
def test_a_resident_completes_an_event_in_their_language_on_a_phone(
    home_site: Site, new_context: NewContext, tmp_path: Path, code: str, event: str, scenario: str, script: str
):
    page = new_context(home_site, viewport=PHONE, bypass_csp=True).new_page()  # axe is injected
    choose_language(page, code)
    answer_to_result(page, home_site, event, scenario_answers(event, scenario), code)
    main = page.inner_text("main")
    assert re.search(script, main, re.I), f"{code}: the result is not in its script"
    assert_no_axe_violations(page, f"{code}: result")

    page.goto(f"/{event}/result/print")
    assert_no_axe_violations(page, f"{code}: printable checklist")
    page.emulate_media(media="print")
    pdf = tmp_path / f"{code}.pdf"
    page.pdf(path=str(pdf), format="A4")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert re.search(script, text, re.I), f"{code}: the printed checklist has no {code} text: {text[:300]!r}"
    assert "\ufffd" not in text, f"{code}: unreadable glyphs in the printout"
