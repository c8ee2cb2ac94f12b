"""The resident's state in the server-side session: answers per event, language, display preferences."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import current_app, session

from ..engine import AnswerValue, Content, Progress, Result
from ..engine.model import Flow
from ..i18n import Catalogue, Translator
from .memo import AnswersKey, EngineMemo, answers_key


def content() -> Content:
    """The validated content loaded at start-up."""
    loaded: Content = current_app.extensions["kiosk_content"]
    return loaded


def catalogue() -> Catalogue:
    """All translations loaded at start-up."""
    loaded: Catalogue = current_app.extensions["kiosk_catalogue"]
    return loaded


def today() -> date:
    """Today in Japan (tests may fix it with the TODAY setting)."""
    clock: Callable[[], date] = current_app.config["TODAY"]
    return clock()


def language_code() -> str:
    """The resident's chosen language, Japanese until they choose."""
    code = session.get("lang")
    return code if isinstance(code, str) and code in catalogue().languages else "ja"


def translator() -> Translator:
    """A translator for the resident's language."""
    return catalogue().translator(language_code())


def stored_answers_key(flow: Flow) -> AnswersKey:
    """The stored answers of one event as the engine memo's key, in one pass (every page needs it): sorted
    pairs, multiple-choice answers as tuples again, answers to questions the content no longer has left out."""
    stored = session.get("answers", {}).get(flow.id, {})
    questions = flow.question_map
    return tuple(sorted(
        (question_id, tuple(value) if isinstance(value, list) else value)
        for question_id, value in stored.items()
        if question_id in questions
    ))


def answers_for(flow: Flow) -> dict[str, AnswerValue]:
    """The stored answers of one event, with multiple-choice answers as tuples again."""
    return dict(stored_answers_key(flow))


def store_answers(flow: Flow, answers: dict[str, AnswerValue]) -> None:
    """Save the answers of one event (JSON: tuples become lists)."""
    all_answers: dict[str, Any] = dict(session.get("answers", {}))
    all_answers[flow.id] = {k: list(v) if isinstance(v, tuple) else v for k, v in answers.items()}
    session["answers"] = all_answers


def memo() -> EngineMemo:
    """The engine's walk and resolve, remembered per distinct answers."""
    remembered: EngineMemo = current_app.extensions["kiosk_memo"]
    return remembered


def progress(flow: Flow, answers: dict[str, AnswerValue] | None = None) -> Progress:
    """Where the resident is in the flow, from the stored answers (or the given ones)."""
    return memo().progress(flow.id, _key(flow, answers), today())


def result(flow: Flow, answers: dict[str, AnswerValue] | None = None) -> Result:
    """The one result every surface renders, from the stored answers (or the given ones)."""
    return memo().result(flow.id, _key(flow, answers), today())


def _key(flow: Flow, answers: dict[str, AnswerValue] | None) -> AnswersKey:
    return stored_answers_key(flow) if answers is None else answers_key(answers)


def checked_items(flow: Flow) -> set[str]:
    """Checklist items the resident has ticked."""
    return set(session.get("checked", {}).get(flow.id, []))


def set_checked(flow: Flow, item_id: str, checked: bool) -> None:
    """Tick or untick one checklist item."""
    ticks: dict[str, list[str]] = dict(session.get("checked", {}))
    current = set(ticks.get(flow.id, []))
    current = current | {item_id} if checked else current - {item_id}
    ticks[flow.id] = sorted(current)
    session["checked"] = ticks
