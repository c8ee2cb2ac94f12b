"""「戻る」 on each question goes to the question before it on the path: from the second question to the first (not
to the start page), and from the first to nowhere (the page shows the start page's link instead)."""

from __future__ import annotations

from itertools import pairwise

from kiosk.engine.path import walk

from .conftest import BASE_ANSWERS, TODAY


def test_every_question_goes_back_to_the_one_before_it(toy):
    progress = walk(toy.flows["toy"], BASE_ANSWERS, TODAY)
    ids = [question.id for question in progress.path]
    assert len(ids) >= 3
    assert progress.previous_question(ids[0]) is None
    for before, question_id in pairwise(ids):
        previous = progress.previous_question(question_id)
        assert previous is not None and previous.id == before, question_id
    assert progress.previous_question("not_on_the_path") is None
