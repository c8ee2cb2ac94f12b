"""The path through a flow: which questions are asked, in what order, given the answers so far."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from .answer_set import Answers
from .conditions import AnswerValue, Env
from .model import Flow, Question
from .truth import Truth


@dataclass(frozen=True)
class Progress:
    """Where a resident is in a flow. Recomputed from the answers every time; nothing else is stored.
    Immutable, like everything the engine returns: one Progress may be shared by every caller."""

    flow: Flow
    path: tuple[Question, ...]
    answers: Answers
    dropped: tuple[str, ...]
    env: Env

    @property
    def next_question(self) -> Question | None:
        """The first question on the path without an answer, or None when the flow is complete."""
        for question in self.path:
            if question.id not in self.answers:
                return question
        return None

    @property
    def complete(self) -> bool:
        """True when every question on the path has an answer."""
        return self.next_question is None

    @property
    def unanswered(self) -> tuple[str, ...]:
        """Ids of the questions on the path still to answer."""
        return tuple(q.id for q in self.path if q.id not in self.answers)

    def asks(self, question_id: str) -> bool:
        """True when the question is on the path (compared by id: comparing models field by field is slow)."""
        return any(q.id == question_id for q in self.path)

    def previous_question(self, question_id: str) -> Question | None:
        """The question before `question_id` on the path (for the back link)."""
        ids = [q.id for q in self.path]
        if question_id not in ids:
            return None
        index = ids.index(question_id)
        return self.path[index - 1] if index > 0 else None

    def position(self, question_id: str) -> tuple[int, int]:
        """(number of this question on the path, 1-based; current path length)."""
        ids = [q.id for q in self.path]
        return ids.index(question_id) + 1, len(ids)


def walk(flow: Flow, answers: Mapping[str, AnswerValue], today: date) -> Progress:
    """Replay the answers through the flow.

    A question is on the path when its condition holds or may hold (unknown: better to ask than to miss a
    procedure). Answers to questions that are no longer on the path are dropped; the rest are kept, so
    changing an earlier answer loses only what no longer applies.
    """
    kept: dict[str, AnswerValue] = {}
    on_path: list[Question] = []
    on_path_ids: set[str] = set()
    env = Env(kept, on_path_ids, today)
    for question in flow.questions:
        if question.when is not None and question.when.evaluate(env) is Truth.FALSE:
            continue
        on_path.append(question)
        on_path_ids.add(question.id)
        if question.id in answers:
            kept[question.id] = answers[question.id]
    dropped = tuple(qid for qid in answers if qid not in kept)
    kept_answers = Answers(kept)
    return Progress(flow=flow, path=tuple(on_path), answers=kept_answers, dropped=dropped,
                    env=Env(kept_answers, frozenset(on_path_ids), today))
