"""Every numeric and date operator at its boundary: at it, one below and one above.

The content writes "a child aged 18 or under" (児童手当, 医療証) as `lte: [age, 18]` and "75 or over" (後期高齢者医療)
as `gte: [age, 75]`: turning `<=` into `<` or `>=` into `>` would drop the age-18 child or the 75-year-old, so each
table row is a resident the content would treat differently under a one-character slip.
"""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.engine.conditions import Env, parse_condition
from kiosk.engine.truth import Truth

TODAY = date(2026, 6, 15)
T, F = Truth.TRUE, Truth.FALSE


def truth(raw: dict[str, object], answers: dict[str, object]) -> Truth:
    env = Env(answers, set(answers), TODAY)  # type: ignore[arg-type]
    return parse_condition(raw).evaluate(env)


NUMERIC_TABLE = [
    # (operator, threshold, {answer: expected})
    ("lte", 18, {17: T, 18: T, 19: F}),
    ("lt", 18, {17: T, 18: F, 19: F}),
    ("gte", 75, {74: F, 75: T, 76: T}),
    ("gt", 75, {74: F, 75: F, 76: T}),
    ("gte", 65, {64: F, 65: T, 66: T}),
    ("lte", 0, {-1: T, 0: T, 1: F}),
]


@pytest.mark.parametrize(("op", "threshold", "table"), NUMERIC_TABLE)
def test_numeric_operator_at_just_below_and_just_above_the_threshold(op, threshold, table):
    for answer, expected in table.items():
        assert truth({op: ["age", threshold]}, {"age": answer}) is expected, (op, threshold, answer)


@pytest.mark.parametrize("op", ["gt", "gte", "lt", "lte"])
def test_numeric_operator_on_wakaranai_is_unknown_and_off_the_path_is_false(op):
    assert truth({op: ["age", 18]}, {"age": "unknown"}) is Truth.UNKNOWN
    env = Env({}, set(), TODAY)
    assert parse_condition({op: ["age", 18]}).evaluate(env) is Truth.FALSE
    on_path = Env({}, {"age"}, TODAY)
    assert parse_condition({op: ["age", 18]}).evaluate(on_path) is Truth.UNKNOWN


DATE_TABLE = [
    # (operator, {answer date: expected}) against the fixed date 2025-04-01
    ("date_before", {"2025-03-31": T, "2025-04-01": F, "2025-04-02": F}),
    ("date_on_or_before", {"2025-03-31": T, "2025-04-01": T, "2025-04-02": F}),
    ("date_after", {"2025-03-31": F, "2025-04-01": F, "2025-04-02": T}),
    ("date_on_or_after", {"2025-03-31": F, "2025-04-01": T, "2025-04-02": T}),
]


@pytest.mark.parametrize(("op", "table"), DATE_TABLE)
def test_date_operator_against_a_fixed_date(op, table):
    for answer, expected in table.items():
        assert truth({op: ["born", "2025-04-01"]}, {"born": answer}) is expected, (op, answer)


@pytest.mark.parametrize(("op", "table"), DATE_TABLE)
def test_date_operator_with_the_question_on_the_right(op, table):
    """The same comparison written the other way round: the fixed date on the left, the answer on the right."""
    mirrored = {"date_before": "date_after", "date_after": "date_before"}
    mirrored |= {"date_on_or_before": "date_on_or_after", "date_on_or_after": "date_on_or_before"}
    for answer, expected in table.items():
        assert truth({mirrored[op]: ["2025-04-01", "born"]}, {"born": answer}) is expected, (op, answer)


@pytest.mark.parametrize(
    ("op", "table"),
    [
        # Moved in on or before 14 days after moving out (転入届 within 14 days of 転出予定日)
        ("date_on_or_before", {"2026-05-14": T, "2026-05-15": T, "2026-05-16": F}),
        ("date_before", {"2026-05-14": T, "2026-05-15": F, "2026-05-16": F}),
        ("date_after", {"2026-05-14": F, "2026-05-15": F, "2026-05-16": T}),
        ("date_on_or_after", {"2026-05-14": F, "2026-05-15": T, "2026-05-16": T}),
    ],
)
def test_date_operator_with_days_added_to_another_answer(op, table):
    condition = {op: ["move_in", {"date": "move_out", "add": {"days": 14}}]}
    for answer, expected in table.items():
        assert truth(condition, {"move_in": answer, "move_out": "2026-05-01"}) is expected, (op, answer)


@pytest.mark.parametrize(
    ("add", "at"),
    [
        ({"months": -3}, "2026-03-15"),
        ({"years": -18}, "2008-06-15"),
        ({"days": -30}, "2026-05-16"),
        ({"years": 1, "months": 1, "days": 1}, "2027-07-16"),
    ],
)
def test_today_plus_a_period_is_the_boundary_date(add, at):
    at_date = date.fromisoformat(at)
    below = date.fromordinal(at_date.toordinal() - 1).isoformat()
    above = date.fromordinal(at_date.toordinal() + 1).isoformat()
    condition = {"date_on_or_after": ["d", {"date": "today", "add": add}]}
    assert truth(condition, {"d": below}) is F
    assert truth(condition, {"d": at}) is T
    assert truth(condition, {"d": above}) is T
    strictly = {"date_after": ["d", {"date": "today", "add": add}]}
    assert truth(strictly, {"d": at}) is F
    assert truth(strictly, {"d": above}) is T


def test_a_month_end_offset_lands_on_the_last_day_of_the_shorter_month():
    """2026-03-31 minus one month is 2026-02-28 (民法143条2項), not 3 March."""
    condition = {"date_on_or_after": ["d", {"date": "ref", "add": {"months": -1}}]}
    answers = {"ref": "2026-03-31"}
    assert truth(condition, answers | {"d": "2026-02-27"}) is F
    assert truth(condition, answers | {"d": "2026-02-28"}) is T


@pytest.mark.parametrize("op", ["date_before", "date_on_or_before", "date_after", "date_on_or_after"])
def test_date_operator_on_wakaranai_is_unknown_and_off_the_path_is_false(op):
    assert truth({op: ["d", "2025-04-01"]}, {"d": "unknown"}) is Truth.UNKNOWN
    assert parse_condition({op: ["d", "2025-04-01"]}).evaluate(Env({}, set(), TODAY)) is Truth.FALSE
    assert parse_condition({op: ["d", "2025-04-01"]}).evaluate(Env({}, {"d"}, TODAY)) is Truth.UNKNOWN
    # An answer that is not a date reads as unknown, never as a comparison with garbage.
    assert truth({op: ["d", "2025-04-01"]}, {"d": "not-a-date"}) is Truth.UNKNOWN
    # Either side off the path makes the whole comparison false, even if the other is unknown.
    both = {op: ["d", "e"]}
    assert parse_condition(both).evaluate(Env({"d": "unknown"}, {"d"}, TODAY)) is Truth.FALSE


@pytest.mark.parametrize(
    ("raw", "answers", "expected"),
    [
        ({"equals": ["n", 18]}, {"n": 18}, T),
        ({"equals": ["n", 18]}, {"n": 19}, F),
        ({"in": ["q", ["a", "unknown"]]}, {"q": "unknown"}, T),
        ({"in": ["q", ["a", "b"]]}, {"q": "unknown"}, Truth.UNKNOWN),
        ({"in": ["q", ["a", "b"]]}, {"q": "c"}, F),
        ({"includes": ["m", "x"]}, {"m": ("unknown",)}, Truth.UNKNOWN),
        ({"answered": "q"}, {"q": ("unknown",)}, F),
        ({"answered": "q"}, {"q": ("x",)}, T),
        ({"not": {"equals": ["q", "a"]}}, {"q": "b"}, T),
        ({"not": {"equals": ["q", "a"]}}, {"q": "a"}, F),
    ],
)
def test_the_other_operators_each_way(raw, answers, expected):
    assert truth(raw, answers) is expected


@pytest.mark.parametrize("op", ["equals", "in", "includes", "answered"])
def test_a_question_off_the_path_is_false_for_every_operator(op):
    raw = {"answered": "q"} if op == "answered" else {op: ["q", ["a"] if op == "in" else "a"]}
    assert parse_condition(raw).evaluate(Env({}, set(), TODAY)) is Truth.FALSE


def test_questions_lists_every_question_a_condition_reads():
    raw = {
        "all": [
            {"equals": ["a", "x"]},
            {"any": [{"gte": ["b", 1]}, {"not": {"answered": "c"}}]},
            {"date_before": ["d", {"date": "e", "add": {"days": 1}}]},
            {"date_after": ["today", "2025-01-01"]},
        ]
    }
    assert parse_condition(raw).questions() == {"a", "b", "c", "d", "e"}
