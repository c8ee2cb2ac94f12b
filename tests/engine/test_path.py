from kiosk.engine import walk

from .conftest import BASE_ANSWERS, TODAY


def ids(questions):
    return [q.id for q in questions]


def test_the_first_question_comes_first_and_the_path_skips_questions_that_cannot_matter(toy):
    progress = walk(toy.flows["toy"], {}, TODAY)
    assert progress.next_question.id == "death_date"
    progress = walk(toy.flows["toy"], {**BASE_ANSWERS, "insurance": "other"}, TODAY)
    assert "funeral_held" not in ids(progress.path)
    assert progress.complete


def test_a_question_whose_condition_is_unknown_is_asked_rather_than_skipped(toy):
    progress = walk(
        toy.flows["toy"], {"death_date": "2026-06-12", "known_later": "no", "age": 70, "insurance": "unknown"}, TODAY
    )
    assert progress.next_question.id == "funeral_held"


def test_changing_an_earlier_answer_drops_only_the_answers_that_no_longer_apply(toy):
    changed = {**BASE_ANSWERS, "insurance": "other"}
    progress = walk(toy.flows["toy"], changed, TODAY)
    assert set(progress.dropped) == {"funeral_held", "funeral_date"}
    assert progress.answers["benefits"] == ("pension",)
    assert progress.answers["age"] == 78


def test_the_same_answers_always_give_the_same_path(toy):
    first = walk(toy.flows["toy"], BASE_ANSWERS, TODAY)
    second = walk(toy.flows["toy"], dict(reversed(list(BASE_ANSWERS.items()))), TODAY)
    assert ids(first.path) == ids(second.path)


def test_back_and_position(toy):
    progress = walk(toy.flows["toy"], BASE_ANSWERS, TODAY)
    assert progress.previous_question("age").id == "known_later"
    assert progress.previous_question("death_date") is None
    assert progress.position("age") == (3, len(progress.path))
