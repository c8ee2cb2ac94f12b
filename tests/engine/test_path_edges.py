"""The ends of the path, where a page counter or a 「次へ」 goes wrong first: the page after the last one is none,
the page after the one before last is the last, a question that is not on the path has no next page, and only
questions on the path are asked. A 和暦 year of an era the guide does not know gives no date."""

from __future__ import annotations

from itertools import pairwise

from kiosk.engine import walk
from kiosk.engine.dates import era_date

from .conftest import BASE_ANSWERS, TODAY
from .test_path import with_screens


def test_the_page_after_each_page_is_the_next_one_and_after_the_last_there_is_none(toy):
    flow = with_screens(toy.flows["toy"], ["death_date", "known_later"], ["age", "insurance"])
    progress = walk(flow, BASE_ANSWERS, TODAY)
    pages = progress.screens
    assert len(pages) >= 3
    for page, following in pairwise(pages):
        assert progress.following_screen(page.first.id) == following
    assert progress.following_screen(pages[-2].ids[-1]) == pages[-1]
    assert progress.following_screen(pages[-1].first.id) is None


def test_a_question_not_on_the_path_has_no_next_page_and_is_not_asked(toy):
    progress = walk(toy.flows["toy"], {**BASE_ANSWERS, "insurance": "other"}, TODAY)  # no funeral questions
    assert progress.following_screen("funeral_held") is None
    assert progress.following_screen("no_such_question") is None
    assert not progress.asks("funeral_held") and not progress.asks("no_such_question")
    assert all(progress.asks(question.id) for question in progress.path)


def test_a_year_of_an_era_the_guide_does_not_know_gives_no_date():
    assert era_date("明治", 45, 7, 29) is None
    assert era_date("慶応", 1, 1, 1) is None
    assert era_date("令和", 0, 5, 1) is None and era_date("令和", -1, 5, 1) is None
