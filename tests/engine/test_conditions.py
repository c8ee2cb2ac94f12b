from datetime import date

import pytest

from kiosk.engine.conditions import ConditionSyntaxError, Env, parse_condition
from kiosk.engine.truth import Truth

TODAY = date(2026, 6, 15)


def truth(raw, answers, on_path=None):
    env = Env(answers, set(on_path if on_path is not None else answers), TODAY)
    return parse_condition(raw).evaluate(env)


def test_equals_reads_the_answer():
    assert truth({"equals": ["q", "a"]}, {"q": "a"}) is Truth.TRUE
    assert truth({"equals": ["q", "a"]}, {"q": "b"}) is Truth.FALSE


def test_a_wakaranai_answer_makes_the_condition_unknown_not_false():
    assert truth({"equals": ["q", "a"]}, {"q": "unknown"}) is Truth.UNKNOWN
    assert truth({"not": {"equals": ["q", "a"]}}, {"q": "unknown"}) is Truth.UNKNOWN


def test_an_unanswered_question_on_the_path_is_unknown_and_one_off_the_path_is_false():
    assert truth({"equals": ["q", "a"]}, {}, on_path={"q"}) is Truth.UNKNOWN
    assert truth({"equals": ["q", "a"]}, {}, on_path=set()) is Truth.FALSE


def test_explicit_test_for_wakaranai():
    assert truth({"equals": ["q", "unknown"]}, {"q": "unknown"}) is Truth.TRUE
    assert truth({"equals": ["q", "unknown"]}, {"q": "a"}) is Truth.FALSE


def test_kleene_all_and_any():
    answers = {"a": "yes", "b": "unknown", "c": "no"}
    assert truth({"all": [{"equals": ["a", "yes"]}, {"equals": ["b", "yes"]}]}, answers) is Truth.UNKNOWN
    assert truth({"all": [{"equals": ["c", "yes"]}, {"equals": ["b", "yes"]}]}, answers) is Truth.FALSE
    assert truth({"any": [{"equals": ["a", "yes"]}, {"equals": ["b", "yes"]}]}, answers) is Truth.TRUE
    assert truth({"any": [{"equals": ["c", "yes"]}, {"equals": ["b", "yes"]}]}, answers) is Truth.UNKNOWN


def test_in_includes_and_numbers():
    assert truth({"in": ["q", ["a", "b"]]}, {"q": "b"}) is Truth.TRUE
    assert truth({"includes": ["m", "x"]}, {"m": ("x", "y")}) is Truth.TRUE
    assert truth({"includes": ["m", "z"]}, {"m": ("x", "y")}) is Truth.FALSE
    assert truth({"gte": ["n", 65]}, {"n": 65}) is Truth.TRUE
    assert truth({"gt": ["n", 65]}, {"n": 65}) is Truth.FALSE
    assert truth({"lt": ["n", 65]}, {"n": "unknown"}) is Truth.UNKNOWN


def test_answered():
    assert truth({"answered": "q"}, {"q": "2026-01-01"}) is Truth.TRUE
    assert truth({"answered": "q"}, {"q": "unknown"}) is Truth.FALSE
    assert truth({"answered": "q"}, {}, on_path={"q"}) is Truth.UNKNOWN


def test_date_arithmetic_between_two_answers():
    within_30_days = {"date_on_or_before": ["move_in", {"date": "move_out", "add": {"days": 30}}]}
    assert truth(within_30_days, {"move_in": "2026-05-31", "move_out": "2026-05-01"}) is Truth.TRUE
    assert truth(within_30_days, {"move_in": "2026-06-01", "move_out": "2026-05-01"}) is Truth.FALSE
    assert truth(within_30_days, {"move_in": "2026-06-01", "move_out": "unknown"}) is Truth.UNKNOWN


def test_date_against_a_fixed_date_and_today():
    assert truth({"date_on_or_after": ["b", "2025-04-01"]}, {"b": "2025-04-01"}) is Truth.TRUE
    assert truth({"date_before": ["b", "2025-04-01"]}, {"b": "2025-04-01"}) is Truth.FALSE
    assert truth({"date_after": ["b", {"date": "today", "add": {"months": -3}}]}, {"b": "2026-03-16"}) is Truth.TRUE


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"equal": ["q", "a"]}, "知らない演算子「equal」"),
        ({"equals": ["q"]}, "[質問のid, 値] の2つ"),
        ({"equals": ["q", "a"], "in": ["q", ["a"]]}, "1組だけ"),
        ({"gte": ["n", "65"]}, "整数"),
        ({"all": []}, "条件のリスト"),
        ({"date_before": ["d", "2025-13-01"]}, "日付として読めません"),
        ({"equals": ["Q-1", "a"]}, "質問のidではありません"),
        ("__import__('os')", "1組だけ"),
    ],
)
def test_anything_outside_the_closed_operator_set_is_refused_with_a_message(raw, message):
    with pytest.raises(ConditionSyntaxError) as caught:
        parse_condition(raw)
    assert message in caught.value.message
