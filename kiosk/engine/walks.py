"""Seeded random walks through a flow: how many screens (and questions) a resident meets, as a distribution.

Each walk starts from no answers, takes the next screen, gives each of its questions a random valid answer
(「わからない」 included where offered; dates within the question's window, near the event, re-drawn while a
cross-answer check fails) and goes on until the flow is complete. The same seed gives the same walks.
"""

from __future__ import annotations

import random
import statistics
from dataclasses import dataclass
from datetime import date, timedelta

from .analysis import ANALYSIS_TODAY
from .answer_set import Answers
from .checks import failed_checks
from .conditions import UNKNOWN, AnswerValue
from .dates import DEFAULT_NOT_AFTER, DEFAULT_NOT_BEFORE, bound_date, parse_iso
from .model import Flow, Question
from .path import walk

REDRAWS = 50
"""How often a screen's answers are drawn again while a check fails, before the walk takes them as they are."""
UNKNOWN_SHARE = 0.1
"""How often a date or number question that offers 「わからない」 gets it."""
NUMBER_SPAN = (0, 100)
"""The range of a number question without bounds of its own."""


@dataclass(frozen=True)
class WalkCount:
    """One walk: the screens and the questions met until the flow was complete."""

    screens: int
    questions: int


@dataclass(frozen=True)
class Spread:
    """The median and the 10th and 90th percentiles of a count."""

    median: float
    p10: float
    p90: float


@dataclass(frozen=True)
class WalkStats:
    """Screens and questions per path over many walks."""

    walks: int
    screens: Spread
    questions: Spread


def random_walk(flow: Flow, rng: random.Random, today: date = ANALYSIS_TODAY) -> WalkCount:
    """One walk through the flow with random valid answers."""
    answers: dict[str, AnswerValue] = {}
    questions = 0
    for screens in range(len(flow.questions) + 1):
        progress = walk(flow, answers, today)
        page = progress.next_screen
        if page is None:
            return WalkCount(screens, questions)
        asked = [q for q in page.questions if q.id not in progress.answers]
        for _attempt in range(REDRAWS):
            drawn = dict(progress.answers)
            for question in asked:
                drawn[question.id] = random_answer(flow, question, Answers(drawn), rng, today)
            if not failed_checks(walk(flow, drawn, today), touching=page.ids):
                break
        answers = drawn
        questions += len(asked)
    raise RuntimeError(f"{flow.id}: a walk did not end")  # every screen answers at least one question


def random_answer(flow: Flow, question: Question, answers: Answers, rng: random.Random, today: date) -> AnswerValue:
    """A random answer the question accepts."""
    if question.type in ("single", "yes_no"):
        return rng.choice(question.option_values)
    if question.type == "multiple":
        return _random_choices(question, rng)
    if question.unknown and rng.random() < UNKNOWN_SHARE:
        return UNKNOWN
    if question.type == "number":
        low = question.min if question.min is not None else NUMBER_SPAN[0]
        high = question.max if question.max is not None else max(low, NUMBER_SPAN[1])
        return rng.randint(low, high)
    return _random_date(flow, question, answers, rng, today).isoformat()


def _random_choices(question: Question, rng: random.Random) -> tuple[str, ...]:
    """A non-empty set of options: one exclusive option alone, or some of the others."""
    choices = question.choices
    first = rng.choice(choices)
    if first.exclusive:
        return (first.value,)
    others = [c.value for c in choices if not c.exclusive and c.value != first.value]
    wanted = max(question.min_choices or 1, 1)
    chosen = {first.value} | {value for value in others if rng.random() < 0.3}
    spare = [value for value in others if value not in chosen]
    rng.shuffle(spare)
    while len(chosen) < wanted and spare:
        chosen.add(spare.pop())
    return tuple(value for value in question.option_values if value in chosen)


def _random_date(flow: Flow, question: Question, answers: Answers, rng: random.Random, today: date) -> date:
    """A day within the question's window: the event within the last three months, other days near the event."""
    earliest = bound_date(question.not_before or DEFAULT_NOT_BEFORE, today) or date(1900, 1, 1)
    latest = bound_date(question.not_after or DEFAULT_NOT_AFTER, today) or today
    event = next(
        (day for qid in flow.date_questions("event") if (day := _answered_date(answers, qid)) is not None), None
    )
    if event is None or question.id in flow.date_questions("event"):
        day = today - timedelta(days=rng.randint(0, 90))
    else:
        day = event + timedelta(days=rng.randint(-10, 45))
    return min(max(day, earliest), latest)


def _answered_date(answers: Answers, question_id: str) -> date | None:
    value = answers.get(question_id)
    return parse_iso(value) if isinstance(value, str) else None


def walk_stats(flow: Flow, walks: int = 1000, seed: int = 0, today: date = ANALYSIS_TODAY) -> WalkStats:
    """Screens and questions per path over `walks` seeded random walks."""
    rng = random.Random(seed)
    counts = [random_walk(flow, rng, today) for _ in range(walks)]
    return WalkStats(walks, _spread([c.screens for c in counts]), _spread([c.questions for c in counts]))


def _spread(values: list[int]) -> Spread:
    if len(values) < 2:
        only = float(values[0]) if values else 0.0
        return Spread(only, only, only)
    deciles = statistics.quantiles(values, n=10, method="inclusive")
    return Spread(float(statistics.median(values)), deciles[0], deciles[-1])
