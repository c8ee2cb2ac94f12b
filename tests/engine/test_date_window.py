"""Every date answer lies in a window: the question's own `not_before` / `not_after` (a date, `today`, or an offset
from today such as `today+1y`), else 1900-01-01 … two years from today. And date arithmetic never overflows."""

from datetime import date

import pytest

from kiosk.engine import AnswerError, parse_answer, resolve
from kiosk.engine.dates import add_months, add_period, bound_date, bound_problem
from kiosk.engine.localize import PHRASES

from .conftest import BASE_ANSWERS, TODAY
from .test_loader import edit, only


def question(toy, question_id):
    return toy.flows["toy"].question_map[question_id]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", TODAY),
        ("today+2y", date(2028, 6, 15)),
        ("today-30d", date(2026, 5, 16)),
        ("today+6m", date(2026, 12, 15)),
        ("2026-01-31", date(2026, 1, 31)),
        ("tomorrow", None),
        ("today+2w", None),
        ("2026-02-30", None),
    ],
)
def test_window_ends(text, expected):
    assert bound_date(text, TODAY) == expected


def test_bound_problems():
    assert bound_problem("today+200y") is None
    assert bound_problem("today+201y") == "too_far"
    assert bound_problem("today-99999d") == "too_far"
    assert bound_problem("next week") == "not_a_bound"


def test_arithmetic_saturates_at_the_calendars_ends():
    assert add_period(date.max, days=1) == date.max
    assert add_period(date(9999, 12, 1), months=2) == date.max
    assert add_months(date.min, -1) == date.min
    assert add_period(date(2026, 1, 1), days=10**12) == date.max


def test_default_window_for_questions_without_one(toy):
    funeral = question(toy, "funeral_date")  # no not_before / not_after
    assert parse_answer(funeral, "1900-01-01", TODAY) == "1900-01-01"
    assert parse_answer(funeral, "2028-06-15", TODAY) == "2028-06-15"
    with pytest.raises(AnswerError) as late:
        parse_answer(funeral, "9999-12-31", TODAY)
    assert late.value.code == "too_late" and late.value.message.startswith("年をお確かめください")
    assert "2028年6月15日" in late.value.message
    with pytest.raises(AnswerError) as early:
        parse_answer(funeral, "0001-01-01", TODAY)
    assert early.value.code == "too_early" and "1900年1月1日" in early.value.message


def test_a_question_with_not_after_today_still_says_so_and_gets_the_default_lower_end(toy):
    death = question(toy, "death_date")
    with pytest.raises(AnswerError) as future:
        parse_answer(death, "9999-12-31", TODAY)
    assert future.value.code == "in_future"
    with pytest.raises(AnswerError):
        parse_answer(death, "1899-12-31", TODAY)


def test_the_new_messages_are_engine_phrases():
    assert {"answer_error.check_year_early", "answer_error.check_year_late"} <= set(PHRASES)


def test_content_sets_its_own_window_with_offsets(toy_copy):
    from kiosk.engine import load_content

    edit(toy_copy / "toy.yaml", "    not_after: today\n", "    not_before: today-1y\n    not_after: today+30d\n")
    death = load_content(toy_copy).flows["toy"].question_map["death_date"]
    assert parse_answer(death, "2026-07-15", TODAY) == "2026-07-15"
    with pytest.raises(AnswerError) as late:
        parse_answer(death, "2026-07-16", TODAY)
    assert late.value.code == "too_late" and late.value.message == "2026年7月15日（水）以前の日付を入力してください"
    with pytest.raises(AnswerError):
        parse_answer(death, "2025-06-14", TODAY)


@pytest.mark.parametrize(
    ("window", "fragment"),
    [
        ("    not_after: tomorrow\n", "日付ではありません"),
        ("    not_after: today+500y\n", "離れすぎています"),
        ("    not_before: today+1y\n    not_after: today\n", "答えられる日付がありません"),
        ("    not_before: 2030-01-01\n    not_after: 2029-12-31\n", "答えられる日付がありません"),
    ],
)
def test_bad_windows_are_refused_at_load(toy_copy, window, fragment):
    edit(toy_copy / "toy.yaml", "    not_after: today\n", window)
    problem = only(toy_copy)
    assert fragment in problem.message and problem.file.endswith("toy.yaml") and problem.line


def test_results_never_overflow_on_dates_at_the_calendars_end(toy):
    """Stored answers from before the window existed (or from anywhere else) still give a result."""
    for value in ("9999-12-31", "0001-01-01", "9999-12-01"):
        answers = {**BASE_ANSWERS, "death_date": value, "funeral_date": value}
        result = resolve(toy, "toy", answers, TODAY)
        assert result.procedures
        for procedure in result.procedures:
            shown = procedure.deadline.to_dict()
            deadline = procedure.deadline
            # A date far ahead is never overdue; one at the calendar's start is overdue wherever it gives a date.
            assert deadline.overdue is (deadline.date is not None and value.startswith("0001")), (value, procedure.id)
            assert shown["overdue"] is deadline.overdue
