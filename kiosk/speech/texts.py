"""Which texts can be read aloud, per language: content texts and fixed interface strings."""

from __future__ import annotations

import re
from typing import Any

from ..engine.texts import text_catalogue

PLACEHOLDER = "{"
STAFF_PREFIX = "staff."
_HAS_WORD = re.compile(r"\w")


def speech_texts(content: Any, catalogue: Any = None) -> dict[str, dict[str, str]]:
    """{language code: {text key: text}}; interface strings appear as `ui:<key>`.

    Without a catalogue (kiosk.i18n.Catalogue) only the Japanese content texts. Interface strings with
    {placeholders} are left out: they are filled in per request and cannot be prepared in advance. A content key
    missing from a translation is left out too: the web layer falls back to the Japanese text, which for a
    language spoken with the Japanese voice (やさしい日本語) is the Japanese clip."""
    # Content texts with {placeholders} (the outside-bodies notices) are filled per case and never read aloud.
    source = {key: text for key, text in text_catalogue(content).items() if PLACEHOLDER not in text}
    texts: dict[str, dict[str, str]] = {"ja": dict(source)}
    if catalogue is None:
        return texts
    for code in catalogue.languages:
        translated = catalogue.content.get(code, {}).items()
        own = dict(source) if code == "ja" else {k: v for k, v in translated if v and PLACEHOLDER not in v}
        for key, text in catalogue.ui.get(code, {}).items():
            if key.startswith(STAFF_PREFIX):
                continue  # staff screens are never read aloud
            if _HAS_WORD.search(text) and PLACEHOLDER not in text:  # not a bare separator such as 「、」
                own[f"ui:{key}"] = text
        texts[code] = own
    return texts


def voices_of(catalogue: Any) -> dict[str, str]:
    """{language code: voice language} from the catalogue (やさしい日本語 → ja); languages without a voice left out."""
    return {code: language.voice for code, language in catalogue.languages.items() if language.voice}
