"""The resident's state in the server-side session: answers per event, language, display preferences."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import current_app, session

from ..engine import Answers, Progress, Result
from ..engine.model import Flow
from ..extensions import services
from ..i18n import Translator
from .memo import EngineMemo


def today() -> date:
    """Today in Japan (tests may fix it with the TODAY setting)."""
    clock: Callable[[], date] = current_app.config["TODAY"]
    return clock()


def language_code() -> str:
    """The resident's chosen language, Japanese until they choose."""
    code = session.get("lang")
    return code if isinstance(code, str) and code in services().catalogue.languages else "ja"


def translator() -> Translator:
    """A translator for the resident's language."""
    return services().catalogue.translator(language_code())


def answers_for(flow: Flow) -> Answers:
    """The stored answers of one event (answers to questions the content no longer has are left out)."""
    stored = session.get("answers", {}).get(flow.id)
    return Answers.from_json(stored).only(flow.question_map)


def store_answers(flow: Flow, answers: Answers) -> None:
    """Save the answers of one event."""
    all_answers: dict[str, Any] = dict(session.get("answers", {}))
    all_answers[flow.id] = answers.to_json()
    session["answers"] = all_answers


def memo() -> EngineMemo:
    """The engine's walk and resolve, remembered per distinct answers."""
    remembered: EngineMemo = services().engine
    return remembered


def progress(flow: Flow, answers: Answers | None = None) -> Progress:
    """Where the resident is in the flow, from the stored answers (or the given ones)."""
    return memo().progress(flow.id, answers_for(flow) if answers is None else answers, today())


def result(flow: Flow, answers: Answers | None = None) -> Result:
    """The one result every surface renders, from the stored answers (or the given ones)."""
    return memo().result(flow.id, answers_for(flow) if answers is None else answers, today())


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
