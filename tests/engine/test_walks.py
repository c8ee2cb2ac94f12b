"""Seeded random walks over a flow (`kiosk stats`): valid answers, complete paths, the same walks for a seed."""

import random

import pytest

from kiosk.engine import parse_answer, walk
from kiosk.engine.checks import failed_checks
from kiosk.engine.walks import random_answer, random_walk, walk_stats

from .conftest import TODAY
from .test_path import with_screens


def test_the_same_seed_gives_the_same_walks(toy):
    flow = toy.flows["toy"]
    assert walk_stats(flow, walks=50, seed=7, today=TODAY) == walk_stats(flow, walks=50, seed=7, today=TODAY)


def test_screens_count_pages_not_questions(toy):
    flow = toy.flows["toy"]
    alone = walk_stats(flow, walks=100, seed=1, today=TODAY)
    grouped = walk_stats(with_screens(flow, ["death_date", "known_later"], ["age", "insurance"]), walks=100, seed=1,
                         today=TODAY)
    assert alone.screens == alone.questions  # without screens, one question per screen
    assert grouped.screens.median <= alone.screens.median - 2
    assert grouped.questions == alone.questions  # the same walks: grouping changes the pages, not the questions


@pytest.mark.parametrize("event", ["okuyami", "shussei", "hikkoshi"])
def test_every_random_answer_is_valid_and_no_check_fails_at_the_end(content, event):
    flow = content.flows[event]
    rng = random.Random(3)
    for question in flow.questions:
        for _ in range(20):
            value = random_answer(flow, question, walk(flow, {}, TODAY).answers, rng, TODAY)
            raw = list(value) if isinstance(value, tuple) else value
            assert parse_answer(question, raw, TODAY) == value, question.id
    for _ in range(30):
        count = random_walk(flow, rng, TODAY)
        assert count.screens <= count.questions


@pytest.mark.parametrize(("event", "target"), [("okuyami", 12), ("shussei", 8), ("hikkoshi", 8)])
def test_the_screen_targets_of_issue_13(content, event, target):
    stats = walk_stats(content.flows[event], walks=300, seed=0)
    assert stats.screens.median <= target, stats
    assert stats.screens.p10 <= stats.screens.median <= stats.screens.p90


def test_a_walk_ends_with_answers_no_check_refuses(content):
    from kiosk.engine import walks as walks_module

    flow = content.flows["shussei"]
    rng = random.Random(5)
    answers = {}
    for _ in range(len(flow.questions) + 1):
        progress = walk(flow, answers, TODAY)
        page = progress.next_screen
        if page is None:
            break
        for question in page.questions:
            answers[question.id] = walks_module.random_answer(flow, question, progress.answers, rng, TODAY)
        if failed_checks(walk(flow, answers, TODAY), touching=page.ids):
            for question in page.questions:
                answers.pop(question.id)
    assert walk(flow, answers, TODAY).complete
