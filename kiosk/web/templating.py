"""What every template can use: the translator, the mode, languages, and helpers to show answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Flask, current_app, request, session
from markupsafe import Markup

from ..clock import JAPAN
from ..engine.conditions import UNKNOWN, AnswerValue
from ..engine.localize import format_date
from ..engine.model import Flow, Option, Question
from ..engine.resolver import GROUP_LABELS
from ..extensions import services
from ..prefill.validate import RELATIONSHIPS
from . import state


def option_label(flow: Flow, question: Question, option: Option) -> str:
    """An option's label in the resident's language (generated はい・いいえ・わからない come from the interface)."""
    t = state.translator()
    if option.value == UNKNOWN:
        return t.ui("choice.unknown")
    if question.type == "yes_no":
        return t.ui(f"choice.{option.value}")
    return t.content(f"flow.{flow.id}.q.{question.id}.option.{option.value}", option.label)


def answer_text(flow: Flow, question: Question, value: AnswerValue) -> str:
    """An answer as the resident reads it on the check page."""
    t = state.translator()
    if value == UNKNOWN or value == (UNKNOWN,):
        return t.ui("choice.unknown")
    if question.type == "date" and isinstance(value, str):
        return format_date(date.fromisoformat(value), t)
    if question.type == "number":
        if not question.unit:
            return str(value)
        unit = t.content(question.text_key("unit"), question.unit)
        if value == 1:  # a language with a singular gives it as `….unit_one` (1 person, 1 year); others keep the unit
            unit = t.content(question.text_key("unit") + "_one", unit)
        return t.ui("punctuation.number_with_unit", number=value, unit=unit)  # 78歳 / 78 years
    values = value if isinstance(value, tuple) else (value,)
    if not values:
        return t.ui("choice.none_selected")
    labels = {option.value: option_label(flow, question, option) for option in question.choices}
    return t.ui("list.separator").join(labels.get(str(v), str(v)) for v in values)


def furigana_shown() -> bool:
    """Whether ふりがな are on: the resident's choice for this visit, else their language's default (`furigana:` in
    its `language:` metadata: true for やさしい日本語, as 「在留支援のためのやさしい日本語ガイドライン」 asks).
    Only pages written in Japanese (html_lang ja) carry ruby."""
    language = state.translator().language
    if not language.written_in_japanese:
        return False
    choice = session.get("furigana")
    return choice if isinstance(choice, bool) else language.furigana


def voice_missing() -> bool:
    """Whether read-aloud is on but the resident's language has no voice on this machine (the page says so and
    offers 「職員を呼ぶ」 where the read-aloud controls would be)."""
    speech = services().speech
    return speech is not None and not speech.speaks(state.translator().language.code)


def furigana(text: str | None) -> str | Markup:
    """The text with ふりがな over its kanji when they are on (Japanese screens only)."""
    if not text:
        return ""
    if not furigana_shown():
        return text
    try:
        from ..speech.furigana import ruby_html
    except ImportError:  # read-aloud is not installed: plain text
        return text
    return Markup(ruby_html(text))


def init_app(app: Flask) -> None:
    """Register the template context."""

    @app.context_processor
    def inject() -> dict[str, Any]:
        t = state.translator()
        catalogue = services().catalogue
        return {
            "t": t,
            "ui": t.ui,
            "ct": t.content,
            "lang": t.language,
            "languages": list(catalogue.languages.values()),
            "mode": current_app.config["KIOSK_MODE"],
            "large_text": bool(session.get("large_text")),
            "municipality": services().content.municipality,
            "idle_seconds": current_app.config["KIOSK_IDLE_SECONDS"],
            "idle_countdown": current_app.config["KIOSK_IDLE_COUNTDOWN_SECONDS"],
            "resume_days": current_app.config["KIOSK_RESUME_DAYS"],
            "current_path": request.full_path.rstrip("?"),
            "option_label": option_label,
            "answer_text": answer_text,
            "date_text": lambda day: format_date(day, t),
            "datetime_text": lambda iso: format_date(datetime.fromisoformat(iso).date(), t),
            "group_label": lambda group: t.phrase(*GROUP_LABELS[group]),
            "relationships": RELATIONSHIPS,
            "fg": furigana,
            "furigana_on": furigana_shown(),
            "voice_missing": voice_missing(),
            "japan": JAPAN,
        }
