"""The engine's walk and resolve, remembered per flow, answers and day.

One request often needs the path more than once, and the result page, the printable checklist, the calendar
file and the slip resolve the same answers; resolving a large おくやみ case takes milliseconds. The engine's
inputs (Answers, a date) and outputs (Progress, Result) are immutable values, so one result can be handed to
every caller. Nothing rendered and no personal details are kept here: only answers and what follows from them.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from ..engine import Answers, Content, Progress, Result, resolve, walk


class EngineMemo:
    """walk and resolve for one loaded content, remembering the most recent distinct answers."""

    def __init__(self, content: Content, paths: int = 256, results: int = 32) -> None:
        # A path is a few kilobytes, a large result a few hundred: well under ten megabytes per worker.
        @lru_cache(maxsize=paths)
        def progress(flow_id: str, answers: Answers, today: date) -> Progress:
            return walk(content.flows[flow_id], answers, today)

        @lru_cache(maxsize=results)
        def result(flow_id: str, answers: Answers, today: date) -> Result:
            return resolve(content, flow_id, answers, today)

        self.progress = progress
        self.result = result
