"""How the engine's words reach other languages without the engine knowing any language but Japanese.

The engine writes Japanese source text inline (like gettext's msgid) under a stable key. A Localizer maps
(key, Japanese source) to the resident's language; the default returns the Japanese source unchanged.

A phrase's parameters may themselves be words or dates (an option's label, a unit, a date in a range error):
they are passed as ContentText, PhraseText or ShownDate, and every Localizer writes them in its own language,
so an English message never carries a Japanese label, unit or date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

PHRASES: dict[str, str] = {}
"""Every engine phrase key with its Japanese source, collected as they are declared (for translators)."""


def phrase(key: str, source: str) -> tuple[str, str]:
    """Declare an engine phrase; returns (key, source) for use with a Localizer."""
    PHRASES[key] = source
    return key, source


class Localizer(Protocol):
    """Translates content texts and engine phrases."""

    def content(self, key: str, source_text: str | None) -> str:
        """A content text by key (kiosk.engine.texts), or the Japanese source."""

    def phrase(self, key: str, source: str, **params: Any) -> str:
        """An engine phrase by key with {placeholders} filled (see localized_params), or the Japanese source."""


@dataclass(frozen=True)
class ContentText:
    """A content text inside a phrase (an option's label, a number's unit): its key in kiosk.engine.texts and
    its Japanese source. Formatted as it stands, it reads as the source."""

    key: str
    source: str

    def __format__(self, spec: str) -> str:
        return format(self.source, spec)


@dataclass(frozen=True)
class PhraseText:
    """An interface or engine phrase inside another phrase (the generated 「わからない」 option)."""

    key: str
    source: str

    def __format__(self, spec: str) -> str:
        return format(self.source, spec)


@dataclass(frozen=True)
class ShownDate:
    """A date inside a phrase, written in the phrase's language (2026年5月7日（木） / 2026/5/7 (Thu))."""

    day: date

    def __format__(self, spec: str) -> str:
        return format(format_date(self.day, SourceLocalizer()), spec)


def localized_params(params: Mapping[str, Any], localizer: Localizer) -> dict[str, Any]:
    """The parameters of a phrase with every word and date written in the localizer's language."""
    shown: dict[str, Any] = {}
    for name, value in params.items():
        if isinstance(value, ContentText):
            shown[name] = localizer.content(value.key, value.source)
        elif isinstance(value, PhraseText):
            shown[name] = localizer.phrase(value.key, value.source)
        elif isinstance(value, ShownDate):
            shown[name] = format_date(value.day, localizer)
        else:
            shown[name] = value
    return shown


class SourceLocalizer:
    """The Japanese source itself."""

    def content(self, key: str, source_text: str | None) -> str:
        return source_text or ""

    def phrase(self, key: str, source: str, **params: Any) -> str:
        return source.format(**localized_params(params, self)) if params else source


WEEKDAYS = [phrase(f"weekday.{i}", name) for i, name in enumerate("月火水木金土日")]
DATE_LONG = phrase("date.long", "{year}年{month}月{day}日（{weekday}）")


def format_date(day: date, localizer: Localizer) -> str:
    """A date as residents read it, in their language: 2026年5月7日（木） / Thu 7 May 2026."""
    weekday = localizer.phrase(*WEEKDAYS[day.weekday()])
    return localizer.phrase(*DATE_LONG, year=day.year, month=day.month, day=day.day, weekday=weekday)
