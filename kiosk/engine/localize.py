"""How the engine's words reach other languages without the engine knowing any language but Japanese.

The engine writes Japanese source text inline (like gettext's msgid) under a stable key. A Localizer maps
(key, Japanese source) to the resident's language; the default returns the Japanese source unchanged.
"""

from __future__ import annotations

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
        """An engine phrase by key with {placeholders} filled, or the Japanese source."""


class SourceLocalizer:
    """The Japanese source itself."""

    def content(self, key: str, source_text: str | None) -> str:
        return source_text or ""

    def phrase(self, key: str, source: str, **params: Any) -> str:
        return source.format(**params) if params else source


WEEKDAYS = [phrase(f"weekday.{i}", name) for i, name in enumerate("月火水木金土日")]
DATE_LONG = phrase("date.long", "{year}年{month}月{day}日（{weekday}）")


def format_date(day: date, localizer: Localizer) -> str:
    """A date as residents read it, in their language: 2026年5月7日（木） / Thu 7 May 2026."""
    weekday = localizer.phrase(*WEEKDAYS[day.weekday()])
    return localizer.phrase(*DATE_LONG, year=day.year, month=day.month, day=day.day, weekday=weekday)
