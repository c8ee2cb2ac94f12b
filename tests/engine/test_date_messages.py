"""What a resident is told about a date or an empty answer: a day that its month does not have is named
(「2月31日はありません」) in every way a date can be typed, while a text that is no date at all, or an impossible
month or day, gets the general message; an empty answer is asked for in the words of its question type."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.engine.answers import parse_answer
from kiosk.engine.dates import missing_day
from kiosk.engine.errors import AnswerError
from kiosk.engine.model import Question

TODAY = date(2026, 6, 15)


@pytest.mark.parametrize(
    ("typed", "missing"),
    [
        ("2026-02-29", (2, 29)),  # 2026 is not a leap year
        ("2026-02-30", (2, 30)),
        ("2026/2/31", (2, 31)),
        ("2026.4.31", (4, 31)),
        ("２０２６年６月３１日", (6, 31)),  # full-width digits
        ("2026年 9月 31日", (9, 31)),
        ("令和8年2月30日", (2, 30)),
        ("R8.11.31", (11, 31)),
        ("平成元年2月29日", (2, 29)),  # 1989
        ("平成4年2月30日", (2, 30)),  # 1992 is a leap year, but has no 30 February
        ("S60/2/29", (2, 29)),  # 1985
        ("大正3年4月31日", (4, 31)),
    ],
)
def test_a_day_the_month_does_not_have_is_named(typed, missing):
    assert missing_day(typed) == missing


@pytest.mark.parametrize(
    "typed",
    [
        "2024-02-29",  # a real leap day
        "平成4年2月29日",  # 1992, a leap year: the era's year is counted from its first year
        "令和2年2月29日",  # 2020
        "R2.2.29",
        "昭和元年12月31日",  # 1926: 元 is the first year
        "2026-02-28",
        "令和8年2月28日",
        "2026-02-32",  # no month has a 32nd: not a date at all
        "2026-13-31",
        "2026-00-31",
        "2026-02-28x",
        "明治5年2月30日",  # an era the reader does not know
        "0000-02-30",
        "きのう",
        "",
        "2026-2",
        "平成元年2月",
    ],
)
def test_real_dates_and_texts_that_are_no_date_name_no_missing_day(typed):
    assert missing_day(typed) is None


def test_the_boundary_days_29_and_31():
    assert missing_day("2026-04-30") is None and missing_day("2026-04-31") == (4, 31)
    assert missing_day("2026-02-28") is None and missing_day("2026-02-29") == (2, 29)
    assert missing_day("2026-03-31") is None and missing_day("2026-03-32") is None


def question(kind: str, **extra: object) -> Question:
    base: dict[str, object] = {"id": "q", "type": kind, "text": "質問"}
    if kind in ("single", "multiple"):
        base["options"] = [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]
    if kind == "number":
        base |= {"min": 0, "max": 130}
    return Question.model_validate(base | extra)


def test_a_date_answer_that_names_a_missing_day_says_so():
    with pytest.raises(AnswerError) as caught:
        parse_answer(question("date"), "2026年2月30日", TODAY)
    assert caught.value.code == "not_a_date" and caught.value.message == "2月30日はありません"
    with pytest.raises(AnswerError) as caught:
        parse_answer(question("date"), "2026年2月32日", TODAY)
    assert caught.value.message == "ある日付を入力してください（例: 2026年5月1日）"


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("date", "日付を入力してください"),
        ("number", "数字を入力してください"),
        ("multiple", "あてはまるものを選んでください"),
        ("single", "答えを1つ選んでください"),
        ("yes_no", "答えを1つ選んでください"),
    ],
)
def test_an_empty_answer_is_asked_for_in_the_words_of_its_type(kind, message):
    for empty in ("", "  ", None):
        with pytest.raises(AnswerError) as caught:
            parse_answer(question(kind, min_choices=1) if kind == "multiple" else question(kind), empty, TODAY)
        assert (caught.value.code, caught.value.message) == ("required", message)


# --- numbers and multiple choices: what is accepted, and what the resident is told -------------------------------


def age_question(**extra: object) -> Question:
    return question("number", unit="歳", **extra)


@pytest.mark.parametrize(
    ("typed", "value"),
    [("0", 0), ("130", 130), ("18", 18), ("１８", 18), (" 75 ", 75), ("75歳", 75), ("75 歳", 75),
     (18, 18), (0, 0)],
)
def test_numbers_as_residents_type_them(typed, value):
    assert parse_answer(age_question(), typed, TODAY) == value


@pytest.mark.parametrize(
    ("typed", "code", "message"),
    [
        ("-1", "too_small", "0歳以上の数を入力してください"),
        (-1, "too_small", "0歳以上の数を入力してください"),
        ("131", "too_large", "130歳以下の数を入力してください"),
        (131, "too_large", "130歳以下の数を入力してください"),
        ("七十五", "not_a_number", "数字で入力してください（例: 65）"),
        ("75.5", "not_a_number", "数字で入力してください（例: 65）"),
        ("75才", "not_a_number", "数字で入力してください（例: 65）"),
        ("᧚", "not_a_number", "数字で入力してください（例: 65）"),
        ("9" * 5000, "not_a_number", "数字で入力してください（例: 65）"),
        (True, "not_a_number", "数字で入力してください（例: 65）"),
        (75.0, "not_a_number", "数字で入力してください（例: 65）"),
        ("--5", "not_a_number", "数字で入力してください（例: 65）"),
    ],
)
def test_numbers_outside_the_range_or_not_numbers_are_refused_with_the_range(typed, code, message):
    with pytest.raises(AnswerError) as caught:
        parse_answer(age_question(), typed, TODAY)
    assert (caught.value.code, caught.value.message) == (code, message)


def test_a_number_without_a_unit_or_a_range():
    plain = Question.model_validate({"id": "n", "type": "number", "text": "数"})
    assert parse_answer(plain, "-5", TODAY) == -5
    assert parse_answer(plain, "100000", TODAY) == 100000
    assert parse_answer(plain, "１００,０００", TODAY) == 100000  # thousands separators are ignored
    bounded = Question.model_validate({"id": "n", "type": "number", "text": "数", "min": 1, "max": 3})
    with pytest.raises(AnswerError) as caught:
        parse_answer(bounded, "4", TODAY)
    assert caught.value.message == "3以下の数を入力してください"


def choices_question(**extra: object) -> Question:
    options = [{"value": "pension", "label": "年金"}, {"value": "allowance", "label": "手当"},
               {"value": "none", "label": "どれもない", "exclusive": True}]
    return Question.model_validate({"id": "m", "type": "multiple", "text": "受けていたもの", "options": options}
                                   | extra)


@pytest.mark.parametrize(
    ("typed", "value"),
    [(["allowance", "pension"], ("pension", "allowance")),  # in the content's order
     (["pension", "pension"], ("pension",)),  # no duplicates
     ("pension", ("pension",)),
     (("allowance",), ("allowance",)),
     (["none"], ("none",)),
     ([], ())],
)
def test_multiple_choices_come_back_in_the_contents_order(typed, value):
    assert parse_answer(choices_question(), typed, TODAY) == value


@pytest.mark.parametrize(
    ("typed", "code", "message"),
    [
        (["pension", "none"], "exclusive", "「どれもない」は、ほかの選択肢と一緒には選べません"),
        (["pension", "car"], "not_an_option", "選択肢の中から選んでください"),
        ([1], "not_an_option", "選択肢の中から選んでください"),
        ({"pension": 1}, "not_an_option", "選択肢の中から選んでください"),
    ],
)
def test_multiple_choices_that_cannot_be_taken(typed, code, message):
    with pytest.raises(AnswerError) as caught:
        parse_answer(choices_question(), typed, TODAY)
    assert (caught.value.code, caught.value.message) == (code, message)


def test_at_least_as_many_choices_as_the_question_asks_for():
    two = choices_question(min_choices=2)
    assert parse_answer(two, ["pension", "allowance"], TODAY) == ("pension", "allowance")
    with pytest.raises(AnswerError) as caught:
        parse_answer(two, ["pension"], TODAY)
    assert (caught.value.code, caught.value.message) == ("too_few", "2つ以上選んでください")
