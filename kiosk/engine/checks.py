"""Cross-answer checks: answers that cannot all be right together (a funeral before the death, an arrival
before the birth). Pure: the answers in, the failed checks out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .model import Check
from .path import Progress
from .truth import Truth


@dataclass(frozen=True)
class CheckFailure:
    """A check whose condition holds: the questions its message names, and the message."""

    check: Check

    @property
    def id(self) -> str:
        """The check's id (its message's translation key is flow.<event>.check.<id>.message)."""
        return self.check.id

    @property
    def questions(self) -> tuple[str, ...]:
        """The questions the message names (the page marks each of them)."""
        return tuple(self.check.questions)

    @property
    def message(self) -> str:
        """The message in Japanese, naming both answers."""
        return self.check.message


def failed_checks(progress: Progress, touching: Iterable[str] | None = None) -> tuple[CheckFailure, ...]:
    """The flow's checks that fail for the progress's answers (only those that are certain: an unanswered or
    「わからない」 date never fails a check). With `touching`, only the checks naming one of those questions."""
    wanted = None if touching is None else set(touching)
    failures = []
    for check in progress.flow.checks:
        if wanted is not None and not wanted & set(check.questions):
            continue
        if check.when is not None and check.when.evaluate(progress.env) is Truth.TRUE:
            failures.append(CheckFailure(check))
    return tuple(failures)
