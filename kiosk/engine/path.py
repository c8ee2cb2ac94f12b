"""The path through a flow: which questions are asked, in what order, given the answers so far."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from .answer_set import Answers
from .conditions import AnswerValue, Env
from .model import Flow, Question, Screen
from .truth import Truth


@dataclass(frozen=True)
class PathScreen:
    """One page of the path: the on-path questions of one content screen, or one question that is in no screen."""

    questions: tuple[Question, ...]
    screen: Screen | None = None

    @property
    def first(self) -> Question:
        """The first question: its id is the screen's address."""
        return self.questions[0]

    @property
    def ids(self) -> tuple[str, ...]:
        """The ids of the questions shown."""
        return tuple(q.id for q in self.questions)

    @property
    def grouped(self) -> bool:
        """True when the page shows a content screen (its heading is the screen's text, each question a group);
        a screen with one question left on the path is shown as that one question."""
        return self.screen is not None and len(self.questions) > 1


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

    @cached_property
    def screens(self) -> tuple[PathScreen, ...]:
        """The path's questions grouped into pages: the on-path questions of one screen form one page (they are
        consecutive: the loader checks it); a question in no screen is a page alone."""
        pages: list[PathScreen] = []
        screen_of = self.flow.screen_of
        for question in self.path:
            screen = screen_of.get(question.id)
            if screen is not None and pages and pages[-1].screen is not None and pages[-1].screen.id == screen.id:
                pages[-1] = PathScreen(pages[-1].questions + (question,), screen)
            else:
                pages.append(PathScreen((question,), screen))
        return tuple(pages)

    def screen_index(self, question_id: str) -> int | None:
        """The index of the page showing the question, or None when it is not on the path."""
        for index, page in enumerate(self.screens):
            if question_id in page.ids:
                return index
        return None

    def screen_for(self, question_id: str) -> PathScreen | None:
        """The page showing the question, or None when it is not on the path."""
        index = self.screen_index(question_id)
        return None if index is None else self.screens[index]

    @property
    def next_screen(self) -> PathScreen | None:
        """The first page with a question still to answer, or None when the flow is complete."""
        for page in self.screens:
            if any(question_id not in self.answers for question_id in page.ids):
                return page
        return None

    def previous_screen(self, question_id: str) -> PathScreen | None:
        """The page before the one showing `question_id` (for the back link)."""
        index = self.screen_index(question_id)
        return self.screens[index - 1] if index else None

    def following_screen(self, question_id: str) -> PathScreen | None:
        """The page after the one showing `question_id`."""
        index = self.screen_index(question_id)
        if index is None or index + 1 >= len(self.screens):
            return None
        return self.screens[index + 1]

    @property
    def screens_left(self) -> int:
        """The pages with a question still to answer (an estimate: later answers can take questions away)."""
        return sum(1 for page in self.screens if any(qid not in self.answers for qid in page.ids))


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
