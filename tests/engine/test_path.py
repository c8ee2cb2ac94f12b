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


# --- screens (issue 13) -------------------------------------------------------------------------------------------


def with_screens(flow, *groups):
    """The flow with content screens (each a list of question ids)."""
    from kiosk.engine.model import Screen

    screens = [Screen(id=f"s{index}", text=f"画面{index}", questions=list(group)) for index, group in enumerate(groups)]
    copy = flow.model_copy(update={"screens": screens})
    copy.__dict__.pop("screen_of", None)  # a cached view of the screens it had before
    return copy


def screen_ids(progress):
    return [page.ids for page in progress.screens]


def test_questions_of_one_screen_on_the_path_form_one_screen_and_the_others_are_screens_alone(toy):
    flow = with_screens(
        toy.flows["toy"], ["death_date", "known_later"], ["age", "insurance"], ["funeral_date", "benefits"]
    )
    progress = walk(flow, {}, TODAY)
    assert screen_ids(progress) == [
        ("death_date", "known_later"), ("known_date",), ("age", "insurance"), ("funeral_held",),
        ("funeral_date", "benefits"), ("filed",),
    ]
    assert progress.next_screen.ids == ("death_date", "known_later")
    assert progress.screens[0].grouped and not progress.screens[1].grouped
    assert progress.screens_left == 6


def test_a_screen_shows_only_its_questions_on_the_path(toy):
    flow = with_screens(toy.flows["toy"], ["death_date", "known_later"], ["funeral_date", "benefits"])
    progress = walk(flow, {**BASE_ANSWERS, "insurance": "other"}, TODAY)  # no funeral questions
    page = progress.screen_for("benefits")
    assert page.ids == ("benefits",) and not page.grouped  # one question left: shown as a one-question page
    assert progress.screen_for("funeral_date") is None


def test_next_previous_and_following_screens_and_the_screens_left(toy):
    flow = with_screens(toy.flows["toy"], ["death_date", "known_later"], ["age", "insurance"])
    progress = walk(flow, {"death_date": "2026-06-12", "known_later": "no"}, TODAY)
    assert progress.next_screen.ids == ("age", "insurance")
    assert progress.previous_screen("insurance").ids == ("death_date", "known_later")
    assert progress.previous_screen("death_date") is None
    assert progress.following_screen("age").ids == ("funeral_held",)
    assert progress.screen_index("insurance") == 1
    assert progress.screens_left == 5  # age+insurance, funeral_held, funeral_date, benefits, filed
    done = walk(flow, BASE_ANSWERS, TODAY)
    assert done.next_screen is None and done.screens_left == 0 and done.complete


def test_without_screens_every_question_is_a_screen(toy):
    progress = walk(toy.flows["toy"], BASE_ANSWERS, TODAY)
    assert [page.ids for page in progress.screens] == [(q.id,) for q in progress.path]
