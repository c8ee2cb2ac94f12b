"""A real print: forms.html → Chromium (Debian's, through Playwright) → A4 PDF, one page per form.

Uses page.set_content + page.pdf(prefer_css_page_size=True), so the page size comes from the template's @page.
Text is read back with pdftotext and pdfinfo (poppler-utils).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.forms import FORMS, form_context, forms_for, print_content_security_policy

from ..conftest import require_program
from .conftest import HIKKOSHI_PREFILL, OKUYAMI_SPOUSE_PREFILL, PRINTED_CODE, scenario_case

A4_POINTS = (595.0, 842.0)


@pytest.fixture(scope="module")
def page(chromium: Any) -> Iterator[Any]:
    require_program("pdftotext", "pdfinfo", install="apt-get install poppler-utils")  # fails on CI when missing
    tab = chromium.new_page()
    try:
        yield tab
    finally:
        tab.close()


def print_pdf(page: Any, html: str, target: Path) -> Path:
    page.set_content(html, wait_until="load")
    page.pdf(path=str(target), prefer_css_page_size=True)
    return target


def pdf_info(path: Path) -> dict[str, str]:
    output = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in output.splitlines())}


def pdf_text(path: Path, page_number: int | None = None) -> str:
    pages = ["-f", str(page_number), "-l", str(page_number)] if page_number else []
    output = subprocess.run(["pdftotext", *pages, str(path), "-"], check=True, capture_output=True, text=True)
    return output.stdout


def assert_a4(info: dict[str, str]) -> None:
    width, height = (float(n) for n in re.findall(r"[\d.]+", info["Page size"])[:2])
    assert abs(width - A4_POINTS[0]) < 2 and abs(height - A4_POINTS[1]) < 2, info["Page size"]


@pytest.mark.parametrize(
    ("scenario", "prefill", "count"),
    [
        ("02_kokuho_58_self_employed_spouse_child", OKUYAMI_SPOUSE_PREFILL, 5),
        ("01_koki_78_householder_pension", None, 4),
        ("01_tennyu_family_school_dog", HIKKOSHI_PREFILL, 3),
        ("01_first_child_kokuho", None, 2),
    ],
)
def test_a_cases_forms_print_one_a4_page_each(content, render, page, tmp_path, scenario, prefill, count):
    case, result = scenario_case(content, scenario, prefill)
    forms = forms_for(p.id for p in result.procedures)
    assert len(forms) == count
    html = render("print/forms.html", forms=forms, **form_context(case, result))
    pdf = print_pdf(page, html, tmp_path / "forms.pdf")
    info = pdf_info(pdf)
    assert int(info["Pages"]) == len(forms)
    assert_a4(info)
    name = case.prefill["applicant"]["name"]
    text = pdf_text(pdf)
    assert name in text
    assert PRINTED_CODE in text
    for number, form in enumerate(forms, start=1):  # each form on its own page, in order
        page_text = pdf_text(pdf, number)
        assert page_text.lstrip().startswith(form.title), (number, form.id)
        assert name in page_text, (number, form.id)


def test_every_form_fits_one_page_even_for_a_large_household(content, render, page, tmp_path):
    """Seven people moving (the applicant and six members, the most the prefill step takes), long addresses."""
    long_address = "東京都国立市東二丁目3番4号 グランドメゾン国立ステーションフロント北棟 1203号室（山田様方）"
    members = [
        {"name": f"佐藤 {given}", "name_kana": f"サトウ {kana}", "birth_date": born, "sex": sex, "relationship": rel}
        for given, kana, born, sex, rel in [
            ("美咲", "ミサキ", "1987-09-30", "female", "spouse"),
            ("陽翔", "ハルト", "2015-06-01", "male", "child"),
            ("結衣", "ユイ", "2012-12-24", "female", "child"),
            ("蓮", "レン", "2020-02-02", "male", "child"),
            ("茂", "シゲル", "1950-01-05", "male", "parent"),
            ("和子", "カズコ", "1952-03-08", "female", "parent"),
        ]
    ]
    prefill = {
        **HIKKOSHI_PREFILL,
        "applicant": {**HIKKOSHI_PREFILL["applicant"], "address": long_address},
        "move": {**HIKKOSHI_PREFILL["move"], "new_address": long_address},
        "members": members,
    }
    case, result = scenario_case(content, "06_tenshutsu_kokuho_child_allowance", prefill)
    html = render("print/forms.html", forms=list(FORMS), **form_context(case, result))
    pdf = print_pdf(page, html, tmp_path / "all.pdf")
    assert int(pdf_info(pdf)["Pages"]) == len(FORMS)
    text = pdf_text(pdf)
    for member in members:
        assert member["name"] in text


def test_a_form_printed_alone_is_one_page(content, render, page, tmp_path):
    case, result = scenario_case(content, "01_koki_78_householder_pension", {})  # no prefill: blank boxes
    context = form_context(case, result)
    for form in FORMS:
        pdf = print_pdf(page, render(form.template, **context), tmp_path / f"{form.id}.pdf")
        info = pdf_info(pdf)
        assert int(info["Pages"]) == 1, form.id
        assert_a4(info)
        assert "None" not in pdf_text(pdf)


APP_DEFAULT_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'"  # as kiosk.web.security sets


@pytest.mark.parametrize(("use_print_policy", "styled"), [(True, True), (False, False)])
def test_the_print_policy_lets_the_inline_styles_apply(content, render, page, tmp_path, use_print_policy, styled):
    """Served with the app's default policy the inline CSS is refused; with the print policy it applies."""
    case, result = scenario_case(content, "02_kokuho_58_self_employed_spouse_child", OKUYAMI_SPOUSE_PREFILL)
    forms = forms_for(p.id for p in result.procedures)
    html = render("print/forms.html", forms=forms, **form_context(case, result))
    policy = print_content_security_policy(html) if use_print_policy else APP_DEFAULT_POLICY
    assert "'unsafe-inline'" not in policy
    url = "https://print.invalid/forms"
    refused: list[str] = []

    def serve(route: Any) -> None:
        headers = {"Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": policy}
        route.fulfill(status=200, headers=headers, body=html)

    def on_console(message: Any) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    page.route(url, serve)
    page.on("console", on_console)
    try:
        page.goto(url)
        break_after = page.evaluate("getComputedStyle(document.querySelector('.form-page')).breakAfter")
        font = page.evaluate("getComputedStyle(document.documentElement).fontFamily")
        pdf = tmp_path / "served.pdf"
        page.pdf(path=str(pdf), prefer_css_page_size=True)
    finally:
        page.remove_listener("console", on_console)
        page.unroute(url)
    assert (break_after == "page") is styled
    assert ("IPAexGothic" in font) is styled
    assert bool(refused) is not styled
    if styled:
        assert int(pdf_info(pdf)["Pages"]) == len(forms)
