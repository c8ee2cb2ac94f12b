"""A per-app memo of the engine's pure functions: the same answers on the same day give the same result.

One resident's request often needs the path more than once, and the result page, the printable checklist,
the calendar file and the slip all resolve the same answers; resolving a large おくやみ case takes
milliseconds. The engine is pure (content, answers and today in; frozen dataclasses out), so results can
be shared. Callers must treat what they get as read-only, as they already must for the engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import lru_cache

from ..engine import AnswerValue, Content, Progress, Result, resolve, walk

AnswersKey = tuple[tuple[str, AnswerValue], ...]


def answers_key(answers: Mapping[str, AnswerValue]) -> AnswersKey:
    """A hashable, order-independent form of the answers."""
    return tuple(sorted(answers.items()))


class EngineMemo:
    """walk and resolve for one loaded content, remembering the most recent distinct answers."""

    def __init__(self, content: Content, paths: int = 512, results: int = 32) -> None:
        # Sizes: a path is a few kilobytes, a large result a few hundred; both stay well under a megabyte
        # or ten per worker.
        @lru_cache(maxsize=paths)
        def progress(flow_id: str, key: AnswersKey, today: date) -> Progress:
            return walk(content.flows[flow_id], dict(key), today)

        @lru_cache(maxsize=results)
        def result(flow_id: str, key: AnswersKey, today: date) -> Result:
            return resolve(content, flow_id, dict(key), today)

        # Both take the answers in key form (answers_key): state.py builds it once per request.
        self.progress = progress
        self.result = result
