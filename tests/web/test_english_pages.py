"""A resident who chose English reads English: the error messages of wrong answers (a number out of range with
its unit, a combination of choices that cannot go together, a date outside the window), the unit beside a number
box, and every main page of one walk per event (start, each question screen, check, result, print, slip) carry no
Japanese beyond what the allow-rule in tests/web/visible_text.py permits. Without a browser: the Flask test client
posts the forms as a browser without JavaScript does."""

from __future__ import annotations

import re

import pytest

from kiosk.config import content_dir
from kiosk.engine import load_content
from kiosk.engine.texts import text_catalogue
from kiosk.extensions import services
from kiosk.i18n import load_catalogue

from .conftest import Resident, make_app
from .visible_text import JAPANESE, japanese_leaks, visible_text, without_glossary_brackets

EVENTS = ("okuyami", "shussei", "hikkoshi")

ANSWERS = {
    # Answers that take each walk past the questions whose errors are tried below.
    "okuyami": {"deceased_age": 78, "death_date": "2026-05-10", "funeral_held": "yes", "funeral_date": "2026-05-11",
                "deceased_insurance": "shaho", "deceased_resident_here": "yes",
                "deceased_was_householder": "yes", "household_adults_remaining": 1, "surviving_spouse": "wife",
                "spouse_age": 75},
    "shussei": {"birth_date": "2026-05-01"},
    "hikkoshi": {"move_date": "2026-05-10"},
}

WRONG = {
    # question: (a wrong answer as the form sends it, what the English message must say)
    "okuyami": {
        "deceased_age": ("131", "Please enter 130 years or less."),
        "spouse_age": ("14", "Please enter 15 years or more."),
        "household_adults_remaining": ("21", "Please enter 20 people or less."),
        "deceased_dependants": (["spouse", "none"], "“No one”"),
        "deceased_used_services": (["fukushi", "unknown"], "“I don't know”"),
        "funeral_date": ("1899-12-31", "Dates before 1900/1/1 (Mon) cannot be entered."),
    },
    "hikkoshi": {
        "children_in_household": (["school_age", "none"], "together with other options"),
    },
}


def _start_in_english(resident: Resident, event: str) -> dict[str, str]:
    resident.get("/")
    resident.post("/language", {"lang": "en", "next": "/"})
    pages = {"menu": resident.get("/").get_data(as_text=True)}
    resident.get(f"/{event}/")
    pages["start"] = resident.page
    response = resident.post(f"/{event}/start")
    resident.get(response.headers["Location"])
    return pages


def _valid(app, event: str):
    flow = services(app).content.flows[event]

    def answer(question_id: str):
        if question_id in ANSWERS.get(event, {}):
            return ANSWERS[event][question_id]
        question = flow.question_map[question_id]
        if question.type == "date":
            return "2026-05-10"
        if question.type == "number":
            return question.min or 0
        plain = [option.value for option in question.choices if not option.exclusive]
        if question.type == "multiple":
            return plain[:1] or [question.choices[0].value]
        return question.choices[0].value

    return answer


def _messages(page: str) -> list[str]:
    """The error messages on a page: the summary's items."""
    summary = re.search(r'<ul class="error-summary__list">(.*?)</ul>', page, re.S)
    assert summary, page[:800]
    text, _ = visible_text(summary.group(1))
    return [line.strip() for line in text.splitlines() if line.strip()]


def _walk(app, event: str, wrong: dict[str, tuple[object, str]]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """One English walk to the slip; on the screen of each question in `wrong`, its wrong answer first.
    Returns the pages by name and the messages shown for each wrong answer."""
    resident = Resident(app.test_client())
    pages = _start_in_english(resident, event)
    valid = _valid(app, event)
    told: dict[str, list[str]] = {}
    for number in range(80):
        if 'class="summary-list"' in resident.page:
            break
        ids = resident.screen_questions()
        pages[f"screen {number + 1} ({ids[0]})"] = resident.page
        for question_id in ids:
            if question_id in wrong and question_id not in told:
                values = {qid: valid(qid) for qid in ids} | {question_id: wrong[question_id][0]}
                response = resident.answer_screen(event, values)
                assert response.status_code == 422, (question_id, resident.page[:500])
                told[question_id] = _messages(resident.page)
        response = resident.answer_screen(event, {qid: valid(qid) for qid in ids})
        assert response.status_code == 302, resident.page[:800]
    else:
        raise AssertionError("the walk did not end")
    pages["check"] = resident.page
    for name, url in (("result", f"/{event}/result"), ("print", f"/{event}/result/print")):
        resident.get(url)
        pages[name] = resident.page
    resident.make_slip(event)
    pages["slip"] = resident.page
    return pages, told


@pytest.fixture(scope="module")
def walks(tmp_path_factory) -> dict[str, tuple[dict[str, str], dict[str, list[str]]]]:
    """One English walk per event (made once for this module's tests)."""
    app = make_app(tmp_path_factory.mktemp("english"))
    return {event: _walk(app, event, WRONG.get(event, {})) for event in EVENTS}


@pytest.mark.parametrize(("event", "question_id"), [(e, q) for e, wrong in WRONG.items() for q in wrong])
def test_a_wrong_answer_on_an_english_page_is_told_in_english(walks, event, question_id):
    _, told = walks[event]
    assert question_id in told, f"the walk never showed {question_id}"
    messages = told[question_id]
    expected = WRONG[event][question_id][1]
    assert any(expected in message for message in messages), messages
    assert not [message for message in messages if JAPANESE.search(message)], messages


UNIT = re.compile(r'<span class="input-with-unit__unit">([^<]*)</span>')


def test_the_unit_beside_a_number_box_is_in_the_page_s_language(walks):
    pages, _ = walks["okuyami"]
    units = sorted(unit for page in pages.values() for unit in UNIT.findall(page))
    assert units == ["people", "years", "years"]  # 何歳でしたか, 何人ですか, the spouse's 何歳ですか
    assert re.findall(r"\b\d+ ?(?:years?|people|person)\b", pages["check"]) == ["78 years", "1 person", "75 years"]


def _content_leak_lines() -> set[str]:
    """The lines with Japanese that the English content itself holds (its translations, and the Japanese of texts
    not yet translated): a leak found on a page is the content's when it contains one of them."""
    root = content_dir()
    content = load_content(root)
    catalogue = load_catalogue(root, content)
    english = catalogue.content.get("en", {})
    texts = [english.get(key) or source for key, source in text_catalogue(content).items()]
    return {
        _squeeze(line)
        for text in texts
        for line in without_glossary_brackets(text).splitlines()
        if JAPANESE.search(line)
    }


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def _leaks(walks, owned_by_content: bool) -> list[str]:
    content_lines = _content_leak_lines()
    found = []
    for event, (pages, _) in walks.items():
        for name, page in pages.items():
            for leak in japanese_leaks(page):
                from_content = any(line in _squeeze(leak) for line in content_lines)
                if from_content == owned_by_content:
                    found.append(f"{event} {name}: {leak}")
    return sorted(set(found))


def test_english_pages_show_no_japanese_from_the_code_or_the_templates(walks):
    assert len(walks["okuyami"][0]) > 8  # menu, start, the screens, check, result, print, slip
    assert _leaks(walks, owned_by_content=False) == []


def test_english_pages_show_no_japanese_from_the_content(walks):
    """A leak whose line is the English content's own text: the translation (questionnaires/translations/en/) is
    missing, or quotes a Japanese word without the English gloss that rule 2 asks for."""
    assert _leaks(walks, owned_by_content=True) == []


def test_the_allow_rule_allows_only_glossary_brackets_official_names_and_marked_japanese():
    page = """<html lang="en"><head><title>Result | City</title></head><body>
      <form class="language"><button lang="ja">日本語</button><button lang="ja">やさしい日本語</button></form>
      <p>Relationship (続柄)</p><p>身体障害者手帳 (physical disability)</p>
      <textarea class="outside__letter" lang="ja">お知らせいたします</textarea>
      <p>Name: ＿＿＿＿</p></body></html>"""
    assert japanese_leaks(page) == []
    leaking = [
        "<p>You cannot choose “いない” together with other options.</p>",
        "<p>Please enter a number of 130歳 or less.</p>",
        "<p>Pension（if applicable）</p>",
        "<title>Result｜City</title>",
        "<p>1st floor　Window 1</p>",
        '<p lang="ja">いない</p>',
        '<p aria-label="閉じる">Close</p>',
    ]
    for html in leaking:
        assert japanese_leaks(f'<html lang="en"><body>{html}</body></html>'), html


def test_the_content_leak_lines_come_from_the_content(walks):
    """The split between the two page-wide tests is sound: a Japanese option label inside an engine message is
    not taken for the content's own text."""
    lines = _content_leak_lines()
    assert not any(line in "You cannot choose “いない” together with other options." for line in lines)
