"""One entry point for what arrives in the counter's scan field: a scanned QR payload (either mode) or a
reference code typed by a clerk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from . import reference, sealed
from .case import SlipCase
from .codec import as_text, clean
from .errors import SlipError, SlipGarbage, SlipMistyped
from .keys import Keyring

Kind = Literal["reference_token", "sealed", "reference_code"]
_MIN_TOKEN = 30  # shorter than any token or sealed slip, longer than any reference code


@dataclass(frozen=True)
class Scan:
    kind: Kind
    case_id: str | None = None  # reference_token: look the case up by id
    reference_code: str | None = None  # reference_code: look the case up by code (canonical form)
    case: SlipCase | None = None  # sealed: the case itself


def kind_of(text: str | bytes) -> Kind | None:
    """What the text looks like, without checking it."""
    try:
        cleaned = clean(as_text(text))
    except SlipError:
        return None
    if len(cleaned) >= _MIN_TOKEN and cleaned.startswith(sealed.PREFIX):
        return "sealed"
    if len(cleaned) >= _MIN_TOKEN and cleaned.startswith(reference.PREFIX):
        return "reference_token"
    if isinstance(text, str) and reference.looks_like_reference_code(text):
        return "reference_code"
    return None


def read_scan(text: str | bytes, keyring: Keyring, *, now: datetime | None = None) -> Scan:
    """Verify and decode; raises only SlipError (garbage, tampered, wrong_key, expired, mistyped)."""
    kind = kind_of(text)
    if kind == "sealed":
        return Scan(kind, case=sealed.open_sealed(text, keyring, now=now))
    if kind == "reference_token":
        return Scan(kind, case_id=reference.open_token(text, keyring, now=now))
    if kind == "reference_code" and isinstance(text, str):
        return Scan(kind, reference_code=reference.parse_reference_code(text))
    if isinstance(text, str) and 0 < len(text.strip()) <= 20:
        raise SlipMistyped()  # a short typed entry: most likely a mistyped reference code
    raise SlipGarbage()


def inspect(text: str) -> dict[str, str]:
    """Facts about a payload for support staff, without keys and without revealing any content."""
    kind = kind_of(text)
    facts: dict[str, str] = {"kind": kind or "unknown", "characters": str(len(clean(text)) if kind else len(text))}
    header = None
    if kind == "sealed":
        header = sealed.sealed_header(text)
    elif kind == "reference_token":
        header = reference.token_header(text)
    if header:
        facts["key_fingerprint"] = header[0].hex()
        facts["expires_at"] = header[1].isoformat()
    return facts
