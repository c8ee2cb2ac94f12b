"""Check and normalise prefill input: full- and half-width characters, katakana, real dates, postal codes.

Characters: a value is refused (`bad_characters`) when it contains a control character (Unicode category Cc: NUL,
ESC, DEL, C1 controls) or a format character (Cf: the bidirectional overrides, embeddings, isolates and marks such
as U+202E, which would make 「山田<U+202E>郎太」 print as 山田太郎 on an official form; zero-width spaces and
joiners; soft hyphens; byte-order marks; tag characters). The resident registry (住民基本台帳) records names in
characters of 住基ネット統一文字 and foreign residents' names in the Latin alphabet, and needs none of them.
Variation selectors (U+FE00–FE0F and the ideographic variation sequences U+E0100–E01EF) are category Mn, not Cf,
and are kept: they select the 異体字 of a name (e.g. 葛 + U+E0100). Tabs and line breaks are whitespace and become one
space. The counter applies the same checks to the details in a sealed slip (kiosk.slip.recheck).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from ..engine.dates import DEFAULT_NOT_BEFORE, parse_iso, parse_resident_date
from .fields import FIELDS, FieldSpec

_KATAKANA = re.compile(r"^[\u30A1-\u30FA\u30FC\u30FD\u30FE]+(?:[ ・][\u30A1-\u30FA\u30FC\u30FD\u30FE]+)*$")
"""Katakana words separated by a space or by 「・」, as a foreign resident's name is often written (ジョン・スミス)."""
_POSTAL = re.compile(r"^(\d{3})-?(\d{4})$")
_PHONE = re.compile(r"^[0-9-]{10,13}$")
SEXES = ("male", "female")
RELATIONSHIPS = ("self", "spouse", "child", "parent", "grandchild", "grandparent", "sibling", "other_relative", "other")
REFUSED_CATEGORIES = frozenset({"Cc", "Cf"})
EARLIEST_DATE = parse_iso(DEFAULT_NOT_BEFORE)


def has_refused_characters(text: str) -> bool:
    """True when `text` holds a control (Cc) or format (Cf) character."""
    return any(unicodedata.category(char) in REFUSED_CATEGORIES for char in text)


@dataclass
class PrefillErrors(Exception):
    """Field name → error key (interface string `prefill.error.<key>`), in field order."""

    errors: dict[str, str] = field(default_factory=dict)


def hiragana_to_katakana(text: str) -> str:
    """ひらがな → カタカナ, so a resident who types the reading in hiragana is not refused."""
    return "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in text)


def normalise_field(spec: FieldSpec, raw: str, today: date) -> str:
    """The normalised value, or raise ValueError(error key)."""
    text = unicodedata.normalize("NFKC", raw or "").strip()
    text = re.sub(r"\s+", " ", text)
    if not text:
        if spec.required:
            raise ValueError("required")
        return ""
    if len(text) > spec.max_length:
        raise ValueError("too_long")
    if has_refused_characters(text):
        raise ValueError("bad_characters")
    if spec.kind == "kana":
        kana = hiragana_to_katakana(text)
        if not _KATAKANA.match(kana):
            raise ValueError("not_katakana")
        return kana
    if spec.kind == "date":
        parsed = parse_resident_date(text)
        if parsed is None:
            raise ValueError("not_a_date")
        if parsed > today:
            raise ValueError("in_future")
        if EARLIEST_DATE is not None and parsed < EARLIEST_DATE:
            raise ValueError("too_early")
        return parsed.isoformat()
    if spec.kind == "postal":
        match = _POSTAL.match(text.replace("ー", "-").replace("〒", "").strip())
        if not match:
            raise ValueError("not_postal")
        return f"{match[1]}-{match[2]}"
    if spec.kind == "phone":
        phone = text.replace("ー", "-").replace("(", "-").replace(")", "-").replace(" ", "")
        # 「(042) 576-2111」: the bracket round the area code is no hyphen on the form (not 「-042-576-2111」)
        phone = re.sub("-{2,}", "-", phone).strip("-")
        if not _PHONE.match(phone) or not 10 <= sum(c.isdigit() for c in phone) <= 11:
            raise ValueError("not_phone")
        return phone
    if spec.kind == "sex":
        if text not in SEXES:
            raise ValueError("not_an_option")
        return text
    if spec.kind == "relationship":
        if text not in RELATIONSHIPS:
            raise ValueError("not_an_option")
        return text
    return text


def normalise_role(event: str, role: str, raw: Mapping[str, str], today: date) -> dict[str, str]:
    """Normalise every field of one role; raise PrefillErrors listing every problem at once."""
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    for spec in FIELDS[event][role]:
        try:
            values[spec.name] = normalise_field(spec, raw.get(spec.name, ""), today)
        except ValueError as exc:
            errors[spec.name] = str(exc)
    if errors:
        raise PrefillErrors(errors)
    return values
