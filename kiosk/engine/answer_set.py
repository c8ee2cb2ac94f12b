"""Answers: a resident's answers to one flow as one frozen, hashable value, from the form to the staff screen.

Stored and sent as JSON (multiple-choice answers become lists there); everywhere else, in the engine, the
session, the slip and the staff screens, they are this one type, so they never change shape on the way.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Iterator, Mapping
from typing import Any

from .conditions import AnswerValue

JsonAnswer = str | int | list[str]


def _frozen(value: Any) -> AnswerValue:
    """A multiple-choice answer as a tuple; a string or a number as it is."""
    if isinstance(value, list | tuple):
        return tuple(str(item) for item in value)
    return value  # type: ignore[no-any-return]


def is_answer_value(value: Any) -> bool:
    """What an answer can be in JSON: a string, an integer (not a boolean) or a list of strings."""
    if isinstance(value, bool):
        return False
    if isinstance(value, str | int):
        return True
    return isinstance(value, list | tuple) and all(isinstance(item, str) for item in value)


class Answers(Mapping[str, AnswerValue]):
    """Question id → answer. Immutable and hashable; equal when the same answers were given, in any order.

    Iterates in the order the answers were added (the engine adds them in flow order)."""

    __slots__ = ("_by_id", "_hash", "_items")

    def __init__(self, values: Mapping[str, AnswerValue] | Iterable[tuple[str, AnswerValue]] = ()) -> None:
        pairs = values.items() if isinstance(values, Mapping) else values
        self._by_id: dict[str, AnswerValue] = {key: _frozen(value) for key, value in pairs}
        self._items = tuple(sorted(self._by_id.items(), key=lambda pair: pair[0]))
        self._hash: int | None = None

    @classmethod
    def from_json(cls, data: Any) -> Answers:
        """Answers as stored or sent (lists for multiple choice). Entries that cannot be answers are left out."""
        if isinstance(data, Answers):
            return data
        if not isinstance(data, Mapping):
            return cls()
        return cls((key, value) for key, value in data.items() if isinstance(key, str) and is_answer_value(value))

    def to_json(self) -> dict[str, JsonAnswer]:
        """The answers as JSON values: multiple-choice answers as lists."""
        return {key: list(value) if isinstance(value, tuple) else value for key, value in self._by_id.items()}

    def with_answer(self, question_id: str, value: AnswerValue) -> Answers:
        """These answers with one answer given or replaced."""
        return Answers({**self._by_id, question_id: value})

    def only(self, question_ids: Container[str]) -> Answers:
        """The answers to these questions only (for example, those the content still has)."""
        if all(key in question_ids for key in self._by_id):
            return self
        return Answers((key, value) for key, value in self._by_id.items() if key in question_ids)

    def __getitem__(self, question_id: str) -> AnswerValue:
        return self._by_id[question_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_id)

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, question_id: object) -> bool:
        return question_id in self._by_id

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(self._items)
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Answers):
            return self._items == other._items
        if isinstance(other, Mapping):
            return self._by_id == dict(other.items())
        return NotImplemented

    def __repr__(self) -> str:
        return f"Answers({self._by_id!r})"
