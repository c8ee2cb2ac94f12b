"""A proposed フリガナ for a name read from the card (the card has none), from the read-aloud dictionary.

The same analysis as ふりがな and read-aloud (kiosk.speech.readings: pyopenjtalk-plus with its bundled dictionary),
taking each word's reading (ヤマダ タロウ, not the pronunciation タロー). Names have many readings: the resident
always sees the proposal and corrects it.
"""

from __future__ import annotations

import re
import unicodedata

_KATAKANA = re.compile(r"^[\u30A1-\u30FA\u30FC]+$")
_JAPANESE = re.compile(r"^[\u3041-\u3096\u30A1-\u30FA\u30FC\u3005\u3006\u30F6\u3400-\u9FFF\uF900-\uFAFF]+$")
"""Kanji and kana only: a name in the Latin alphabet (a foreign resident's) gets no proposal."""


def propose_kana(name: str) -> str:
    """The katakana reading of each part of `name` (separated as written), or "" when a part has none."""
    parts = unicodedata.normalize("NFKC", name).split()
    if not parts or not all(_JAPANESE.match(part) for part in parts):
        return ""
    try:
        from ..speech.readings import frontend_nodes

        readings = ["".join(str(node.get("read", "")) for node in frontend_nodes(part)) for part in parts]
    except Exception:  # no dictionary: the resident types the reading
        return ""
    if not all(_KATAKANA.match(reading) for reading in readings):
        return ""
    return " ".join(readings)
