import pytest

from kiosk.engine import AnswerError, parse_answer

from .conftest import TODAY


def q(toy, question_id):
    return toy.flows["toy"].question_map[question_id]


def test_choices_are_checked_against_the_options(toy):
    assert parse_answer(q(toy, "insurance"), "kokuho", TODAY) == "kokuho"
    with pytest.raises(AnswerError) as caught:
        parse_answer(q(toy, "insurance"), "shaho", TODAY)
    assert caught.value.message == "選択肢の中から1つ選んでください"


def test_nothing_chosen_asks_for_an_answer(toy):
    with pytest.raises(AnswerError) as caught:
        parse_answer(q(toy, "insurance"), "", TODAY)
    assert caught.value.message == "答えを1つ選んでください"


def test_wakaranai_only_where_offered(toy):
    assert parse_answer(q(toy, "insurance"), "unknown", TODAY) == "unknown"
    with pytest.raises(AnswerError) as caught:
        parse_answer(q(toy, "filed"), "unknown", TODAY)
    assert "わからない" in caught.value.message


def test_multiple_choice_keeps_content_order_and_refuses_exclusive_combinations(toy):
    assert parse_answer(q(toy, "benefits"), ["allowance", "pension"], TODAY) == ("pension", "allowance")
    with pytest.raises(AnswerError) as caught:
        parse_answer(q(toy, "benefits"), ["pension", "none"], TODAY)
    assert caught.value.message == "「どれもない」は、ほかの選択肢と一緒には選べません"
    assert parse_answer(q(toy, "benefits"), "unknown", TODAY) == ("unknown",)


def test_numbers_accept_full_width_digits_and_the_unit(toy):
    assert parse_answer(q(toy, "age"), "７８", TODAY) == 78
    assert parse_answer(q(toy, "age"), "78歳", TODAY) == 78
    with pytest.raises(AnswerError) as caught:
        parse_answer(q(toy, "age"), "140", TODAY)
    assert caught.value.message == "130歳以下の数を入力してください"
    with pytest.raises(AnswerError):
        parse_answer(q(toy, "age"), "七十八", TODAY)


def test_dates_must_exist_and_not_be_in_the_future(toy):
    assert parse_answer(q(toy, "death_date"), "令和8年6月12日", TODAY) == "2026-06-12"
    with pytest.raises(AnswerError) as caught:
        parse_answer(q(toy, "death_date"), "2026-02-30", TODAY)
    assert caught.value.code == "not_a_date"
    with pytest.raises(AnswerError) as caught:
        parse_answer(q(toy, "death_date"), "2026-06-16", TODAY)
    assert caught.value.message == "今日より後の日付は入力できません"


def test_yes_no_accepts_booleans_from_json(toy):
    assert parse_answer(q(toy, "filed"), True, TODAY) == "yes"
    assert parse_answer(q(toy, "filed"), "no", TODAY) == "no"


def test_an_invalid_answer_names_its_question_and_says_the_message_with_its_values():
    from kiosk.engine.model import Question

    age = Question.model_validate({"id": "age", "type": "number", "text": "年齢は", "min": 0, "max": 130})
    with pytest.raises(AnswerError) as caught:
        parse_answer(age, "131", TODAY)
    error = caught.value
    assert error.question_id == "age" and error.code and error.params
    assert error.message == "130以下の数を入力してください"
    assert str(error) == "age: 130以下の数を入力してください"
    yes_no = Question.model_validate({"id": "filed", "type": "yes_no", "text": "出しましたか"})
    with pytest.raises(AnswerError) as caught:
        parse_answer(yes_no, "maybe", TODAY)
    assert caught.value.params == {} and caught.value.message == caught.value.source  # no values to fill
