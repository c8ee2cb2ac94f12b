"""Every answer message with a word or a date inside (a unit, an option's label, a date of the window) is written
whole in the resident's language: the engine passes those as localizable parameters and each language fills them
in its own words (kiosk.engine.localize)."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.config import content_dir
from kiosk.engine import AnswerError, parse_answer
from kiosk.engine.localize import ContentText, PhraseText, ShownDate, SourceLocalizer
from kiosk.engine.model import Question
from kiosk.i18n import Catalogue, load_catalogue

from ..web.visible_text import JAPANESE

TODAY = date(2026, 6, 15)


@pytest.fixture(scope="module")
def catalogue(content) -> Catalogue:
    return load_catalogue(content_dir(), content)


def told(catalogue: Catalogue, language: str, question: Question, raw: object) -> str:
    """The message a wrong answer gets on a page in `language`, as the page asks for it."""
    with pytest.raises(AnswerError) as caught:
        parse_answer(question, raw, TODAY)
    error = caught.value
    return catalogue.translator(language).phrase(error.key, error.source, **error.params)


def okuyami(content, question_id: str) -> Question:
    return content.flows["okuyami"].question_map[question_id]


@pytest.mark.parametrize(
    ("question_id", "raw", "ja", "easy", "en"),
    [
        ("deceased_age", "131", "130歳以下の数を入力してください", "130歳以下の 数を 入れて ください",
         "Please enter 130 years or less."),
        ("deceased_age", "-1", "0歳以上の数を入力してください", "0歳以上の 数を 入れて ください",
         "Please enter 0 years or more."),
        ("household_adults_remaining", "21", "20人以下の数を入力してください", "20人以下の 数を 入れて ください",
         "Please enter 20 people or less."),
        ("spouse_age", "14", "15歳以上の数を入力してください", "15歳以上の 数を 入れて ください",
         "Please enter 15 years or more."),
    ],
)
def test_a_number_out_of_range_names_its_unit_in_the_page_s_language(catalogue, content, question_id, raw, ja, easy,
                                                                     en):
    question = okuyami(content, question_id)
    assert told(catalogue, "ja", question, raw) == ja
    assert told(catalogue, "easy", question, raw) == easy
    assert told(catalogue, "en", question, raw) == en


def test_a_number_without_a_unit_reads_well_in_every_language(catalogue):
    plain = Question.model_validate({"id": "n", "type": "number", "text": "数", "min": 1, "max": 3})
    assert told(catalogue, "ja", plain, "4") == "3以下の数を入力してください"
    assert told(catalogue, "en", plain, "4") == "Please enter a number of 3 or less."
    assert told(catalogue, "en", plain, "0") == "Please enter a number of 1 or more."


def test_a_choice_that_cannot_go_with_others_is_named_by_its_translated_label(catalogue, content):
    question = okuyami(content, "deceased_dependants")
    assert told(catalogue, "ja", question, ["spouse", "none"]) == "「いない」は、ほかの選択肢と一緒には選べません"
    assert told(catalogue, "en", question, ["spouse", "none"]) == (
        "You cannot choose “No one” together with other options."
    )


def test_i_dont_know_with_another_choice_is_named_in_the_page_s_language(catalogue, content):
    question = okuyami(content, "deceased_used_services")
    assert told(catalogue, "en", question, ["fukushi", "unknown"]) == (
        "You cannot choose “I don't know” together with other options."
    )
    assert "「わからない」" in told(catalogue, "easy", question, ["fukushi", "unknown"])


@pytest.mark.parametrize(
    ("window", "raw", "en"),
    [
        ({}, "1899-12-31", "Please check the year. Dates before 1900/1/1 (Mon) cannot be entered."),
        ({}, "2028-06-16", "Please check the year. Dates after 2028/6/15 (Thu) cannot be entered."),
        ({"not_before": "2026-01-01"}, "2025-12-31", "Please enter a date on or after 2026/1/1 (Thu)."),
        ({"not_after": "2026-12-31"}, "2027-01-01", "Please enter a date on or before 2026/12/31 (Thu)."),
    ],
)
def test_a_date_outside_the_window_is_written_in_the_page_s_language(catalogue, window, raw, en):
    question = Question.model_validate({"id": "d", "type": "date", "text": "日付", **window})
    message = told(catalogue, "en", question, raw)
    assert message == en
    assert not JAPANESE.search(message)
    assert "年" in told(catalogue, "ja", question, raw)  # the Japanese page keeps 1900年1月1日（月）


def test_no_answer_message_on_an_english_page_carries_japanese(catalogue, content):
    """Every question of every flow, with every kind of wrong answer it can get."""
    wrong: list[object] = ["", "unknown", "x", ["x"], "-99999", "99999", "1800-01-01", "2099-01-01", "2026-02-30"]
    seen = 0
    for flow in content.flows.values():
        for question in flow.questions:
            tries = list(wrong)
            exclusive = [option.value for option in question.choices if option.exclusive]
            plain = [option.value for option in question.choices if not option.exclusive]
            if exclusive and plain:
                tries.append([plain[0], exclusive[0]])
            for raw in tries:
                try:
                    parse_answer(question, raw, TODAY)
                except AnswerError as error:
                    seen += 1
                    message = catalogue.translator("en").phrase(error.key, error.source, **error.params)
                    assert not JAPANESE.search(message), (flow.id, question.id, raw, message)
    assert seen > 300


def test_parameters_read_as_the_japanese_source_where_no_language_is_asked():
    localizer = SourceLocalizer()
    params = {"a": ContentText("x", "配偶者"), "b": PhraseText("choice.unknown", "わからない"),
              "c": ShownDate(date(2026, 5, 7))}
    assert localizer.phrase("k", "{a}と{b}（{c}）", **params) == "配偶者とわからない（2026年5月7日（木））"
    error = AnswerError("q", "too_early", ("k", "{date}以降"), date=ShownDate(date(2026, 5, 7)))
    assert error.message == "2026年5月7日（木）以降"  # the Japanese text the API and the CLI show
