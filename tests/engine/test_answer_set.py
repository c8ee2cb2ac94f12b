"""A resident's answers as one value, the same from the form to the staff screen: what JSON can hold as an answer
(a string, a whole number, a list of strings; never true/false), stored answers read back with anything else left
out, multiple choice kept as a list in JSON, an answer changed without touching the earlier value, the answers to
some questions only, and two sets of answers equal (and hashed alike) when the same answers were given in any
order."""

from __future__ import annotations

import pytest

from kiosk.engine.answer_set import Answers, is_answer_value


@pytest.mark.parametrize("value", ["yes", "", 78, 0, -1, ["pension", "insurance"], [], ("pension",)])
def test_strings_whole_numbers_and_lists_of_strings_are_answers(value):
    assert is_answer_value(value)


@pytest.mark.parametrize("value", [True, False, None, 1.5, ["pension", 1], [None], {"a": "b"}, b"yes"])
def test_anything_else_is_not_an_answer(value):
    assert not is_answer_value(value)


def test_stored_answers_are_read_back_and_what_cannot_be_an_answer_is_left_out():
    stored = {"age": 78, "benefits": ["pension"], "insured": True, "note": None, 3: "x", "name": "山田"}
    answers = Answers.from_json(stored)
    assert dict(answers) == {"age": 78, "benefits": ("pension",), "name": "山田"}
    assert list(answers) == ["age", "benefits", "name"]  # in the order they were given


@pytest.mark.parametrize("data", [None, [], "age=78", 78])
def test_something_that_is_not_a_set_of_answers_reads_as_no_answers(data):
    assert Answers.from_json(data) == Answers() and len(Answers.from_json(data)) == 0


def test_answers_read_back_from_answers_are_the_same_answers():
    answers = Answers({"age": 78})
    assert Answers.from_json(answers) is answers


def test_multiple_choice_goes_to_json_as_a_list_and_comes_back_the_same():
    answers = Answers({"benefits": ("pension", "insurance"), "age": 78})
    assert answers.to_json() == {"benefits": ["pension", "insurance"], "age": 78}
    assert Answers.from_json(answers.to_json()) == answers


def test_changing_one_answer_leaves_the_earlier_answers_as_they_were():
    before = Answers({"age": 78, "insurance": "kokuho"})
    after = before.with_answer("insurance", "other").with_answer("benefits", ["pension"])
    assert dict(after) == {"age": 78, "insurance": "other", "benefits": ("pension",)}
    assert dict(before) == {"age": 78, "insurance": "kokuho"}


def test_the_answers_to_some_questions_only():
    answers = Answers({"age": 78, "insurance": "kokuho", "gone": "x"})
    assert dict(answers.only({"age", "insurance"})) == {"age": 78, "insurance": "kokuho"}
    assert answers.only({"age", "insurance", "gone", "more"}) is answers  # nothing to leave out
    assert dict(answers.only(set())) == {}


def test_the_same_answers_in_any_order_are_equal_and_hash_alike():
    first = Answers({"age": 78, "benefits": ["pension"]})
    second = Answers([("benefits", ("pension",)), ("age", 78)])
    assert first == second and hash(first) == hash(second) and len({first, second}) == 1
    assert first == {"age": 78, "benefits": ("pension",)}  # and equal to a plain mapping of them
    assert first != Answers({"age": 79, "benefits": ["pension"]}) and first != {"age": 78}
    assert hash(first) != hash(Answers({"age": 79, "benefits": ["pension"]}))
    assert first != [("age", 78)] and first.__eq__("age") is NotImplemented


def test_answers_are_looked_up_by_question():
    answers = Answers({"age": 78})
    assert answers["age"] == 78 and "age" in answers and "insurance" not in answers and len(answers) == 1
    with pytest.raises(KeyError):
        answers["insurance"]
    assert repr(answers) == "Answers({'age': 78})"
