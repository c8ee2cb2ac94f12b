"""What the counter does with a sealed slip before it becomes a case: check every answer and personal detail again,
as strictly as if the resident had typed them at the counter.

A sealed slip is sealed to the counter's public key, and anyone holding that key can make one (HPKE base mode says
nothing about who sealed it). So nothing in a slip is trusted for being in a slip:
- answers: each one through the engine's `parse_answer` for its question, with the counter's today; answers to
  questions this counter's content does not have are dropped, invalid ones are dropped and reported;
- personal details: each field of the event's roles through `kiosk.prefill` (lengths, katakana, dates, no control or
  format characters …); invalid values are blanked and reported, fields and roles the forms do not have are dropped
  and reported, at most MAX_MEMBERS members are kept.
The notes tell the clerk what was removed (by question and field, never the removed values).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..engine.answer_set import Answers
from ..engine.answers import parse_answer
from ..engine.errors import AnswerError
from ..engine.model import Flow
from ..prefill.fields import FIELDS, MAX_MEMBERS
from ..prefill.validate import normalise_field
from .case import SlipCase

_MEMBER = re.compile(r"member([1-9][0-9]?)")


@dataclass(frozen=True)
class Note:
    """One thing the counter removed from a slip. `kind`: "answer" (question `where`, the engine's Japanese
    message), "detail" (`where` = role.field, `code` = prefill error key) or "unknown" (roles or fields the forms
    do not have)."""

    kind: str
    where: str
    code: str
    message: str = ""


@dataclass(frozen=True)
class Rechecked:
    """The case as the counter keeps it: answers as the engine reads them, personal details as the store keeps
    them (roles, with "members" as a list), and what was removed."""

    event: str
    answers: Answers
    prefill: dict[str, Any]
    notes: tuple[Note, ...]


def recheck(case: SlipCase, flow: Flow, today: date) -> Rechecked:
    """Check a sealed slip's content against this counter's questions and forms."""
    notes: list[Note] = []
    return Rechecked(flow.id, _answers(case, flow, today, notes), _prefill(case, today, notes), tuple(notes))


def _answers(case: SlipCase, flow: Flow, today: date, notes: list[Note]) -> Answers:
    kept: dict[str, Any] = {}
    for question_id, value in case.answers.items():
        question = flow.question_map.get(question_id)
        if question is None:
            continue  # a question this content does not have (or no longer has): nothing reads it
        try:
            kept[question_id] = parse_answer(question, list(value) if isinstance(value, tuple) else value, today)
        except AnswerError as error:
            notes.append(Note("answer", question_id, error.code, error.message))
    return Answers(kept)


def _prefill(case: SlipCase, today: date, notes: list[Note]) -> dict[str, Any]:
    specs = FIELDS.get(case.event, {})
    roles: dict[str, Any] = {}
    members: dict[int, dict[str, str]] = {}
    unknown = False
    for role, values in case.prefill.items():
        member = _MEMBER.fullmatch(role)
        spec_role = "member" if member else role
        if spec_role not in specs or (member and int(member[1]) > MAX_MEMBERS) or spec_role == "members":
            unknown = unknown or bool(values)
            continue
        checked: dict[str, str] = {}
        by_name = {spec.name: spec for spec in specs[spec_role]}
        for name, raw in values.items():
            spec = by_name.get(name)
            if spec is None:
                unknown = True
                continue
            try:
                checked[name] = normalise_field(spec, raw, today)
            except ValueError as error:
                checked[name] = ""
                if str(error) != "required":  # an empty field is simply empty
                    notes.append(Note("detail", f"{spec_role}.{name}", str(error)))
        if member:
            members[int(member[1])] = checked
        else:
            roles[role] = checked
    if members:
        roles["members"] = [members[index] for index in sorted(members)]
    if unknown:
        notes.append(Note("unknown", "", "unknown_field"))
    return roles
