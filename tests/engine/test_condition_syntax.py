"""What a content author is told about a condition that is not written in the closed operator set: where it is
(the path inside the condition), what is wrong and how to write it, word for word as `kiosk check` prints it; and
date arithmetic on a fixed date, which must keep that date."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.engine.conditions import ConditionSyntaxError, Env, parse_condition
from kiosk.engine.truth import Truth

FORM_FIX_START = ("例: {equals: [deceased_insurance, kokuho]}"
                  "（使える演算子: equals, in, includes, answered, all, any, not")
PAIR = "[質問のid, 値] の2つを書きます"
ID_FIX = "質問の id（英小文字とアンダースコア）を書きます"
OPERAND = "日付の計算は {date: 日付, add: {days: 数}} と書きます"
OPERAND_FIX = "例: {date: move_date, add: {days: 14}}"
ADD = "add には days・months・years を整数で書きます"
ADD_FIX = "例: add: {days: -30}"
DATE_FIX = '日付の質問の id、"YYYY-MM-DD"、today のどれかを書きます'


@pytest.mark.parametrize(
    ("raw", "path", "message", "fix"),
    [
        ({"equals": ["q"]}, ("c", "equals"), f"equals には {PAIR}", None),
        ({"gte": "age"}, ("c", "gte"), f"gte には {PAIR}", None),
        ({"equals": ["Q", "a"]}, ("c", "equals", 0), "質問のidではありません: 'Q'", ID_FIX),
        ({"answered": 3}, ("c", "answered"), "質問のidではありません: 3", ID_FIX),
        ({"equals": ["q", True]}, ("c", "equals", 1), "値は選択肢の値（英小文字）か数で書きます",
         '"yes" や kokuho のように書きます'),
        ({"in": ["q", []]}, ("c", "in", 1), "in の2つめには値のリストを書きます",
         "例: {in: [deceased_insurance, [kokuho, koki]]}"),
        ({"lte": ["age", 18.5]}, ("c", "lte", 1), "lte の2つめには整数を書きます", "例: {lte: [deceased_age, 65]}"),
        ({"any": {}}, ("c", "any"), "any には条件のリストを書きます", "例: {any: [条件1, 条件2]}"),
        ({"date_after": ["d"]}, ("c", "date_after"), "date_after には2つの日付を書きます",
         '例: {date_after: [birth_date, "2025-04-01"]}'),
        ({"date_after": ["d", {"add": {"days": 1}}]}, ("c", "date_after", 1), OPERAND, OPERAND_FIX),
        ({"date_after": ["d", {"date": "e", "plus": {"days": 1}}]}, ("c", "date_after", 1), OPERAND, OPERAND_FIX),
        ({"date_after": ["d", {"date": "e", "add": {"weeks": 1}}]}, ("c", "date_after", 1, "add"), ADD, ADD_FIX),
        ({"date_after": ["d", {"date": "e", "add": {"days": "1"}}]}, ("c", "date_after", 1, "add"), ADD, ADD_FIX),
        ({"date_after": ["d", {"date": "e", "add": {"days": True}}]}, ("c", "date_after", 1, "add"), ADD, ADD_FIX),
        ({"date_after": ["d", {"date": "e", "add": [1]}]}, ("c", "date_after", 1, "add"), ADD, ADD_FIX),
        ({"date_after": ["d", {"date": "E!", "add": {"days": 1}}]}, ("c", "date_after", 1, "date"),
         "日付として読めません: 'E!'", DATE_FIX),
        ({"date_before": ["2025-02-30", "d"]}, ("c", "date_before", 0), "日付として読めません: '2025-02-30'", DATE_FIX),
        ({"not": {"nope": 1}}, ("c", "not", "nope"), "知らない演算子「nope」です", None),
    ],
)
def test_each_mistake_is_reported_where_it_is_with_how_to_write_it(raw, path, message, fix):
    with pytest.raises(ConditionSyntaxError) as caught:
        parse_condition(raw, ("c",))
    error = caught.value
    assert (error.path, error.message, str(error)) == (path, message, message)
    if fix is None:  # the general form, with every operator listed
        assert error.fix.startswith(FORM_FIX_START) and error.fix.endswith("date_on_or_after）")
    else:
        assert error.fix == fix


def test_a_mistake_in_a_nested_condition_points_inside_it():
    with pytest.raises(ConditionSyntaxError) as caught:
        parse_condition({"all": [{"equals": ["a", "x"]}, {"any": [{"gte": ["b", "1"]}]}]})
    assert caught.value.path == ("all", 1, "any", 0, "gte", 1)


@pytest.mark.parametrize(
    ("left", "expected"),
    [("2025-04-10", Truth.FALSE), ("2025-04-11", Truth.TRUE), ("2026-06-15", Truth.TRUE)],
)
def test_days_added_to_a_fixed_date_count_from_that_date_not_from_today(left, expected):
    condition = parse_condition({"date_after": ["d", {"date": "2025-04-01", "add": {"days": 9}}]})
    assert condition.evaluate(Env({"d": left}, {"d"}, date(2026, 6, 15))) is expected


def test_an_add_without_periods_changes_nothing():
    condition = parse_condition({"date_on_or_after": ["d", {"date": "e"}]})
    env = Env({"d": "2026-01-01", "e": "2026-01-01"}, {"d", "e"}, date(2026, 6, 15))
    assert condition.evaluate(env) is Truth.TRUE
