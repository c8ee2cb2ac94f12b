"""Text forms that survive a keyboard-wedge scanner: RFC 4648 base32 without padding (A–Z, 2–7).

Only capital letters and the digits 2–7 are used, so the payload is typed identically whatever the PC's
keyboard layout (JIS or US), with Caps Lock on or off, and it is stored in a QR code's alphanumeric mode.
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata

from .errors import SlipGarbage

_B32 = re.compile(r"[A-Z2-7]*")
_VALID_TAIL = {0, 2, 4, 5, 7}  # unpadded base32 lengths mod 8 that a whole number of bytes can give
_SPACE = re.compile(r"\s+")

# The longest text any reader accepts. A version-40 QR code holds 4,296 alphanumeric characters.
MAX_TEXT = 4_400


def as_text(data: str | bytes) -> str:
    """Scanner output as text; bytes that are not ASCII cannot be one of our payloads."""
    if isinstance(data, str):
        return data
    if isinstance(data, bytes | bytearray):
        try:
            return bytes(data[: MAX_TEXT * 4]).decode("ascii")
        except UnicodeDecodeError:
            raise SlipGarbage() from None
    raise SlipGarbage()


def clean(text: str) -> str:
    """What a scanner or a clerk typed, normalised: full-width to half-width, no whitespace, upper case."""
    if len(text) > MAX_TEXT * 4:
        raise SlipGarbage()
    return _SPACE.sub("", unicodedata.normalize("NFKC", text)).upper()


def b32encode(data: bytes) -> str:
    return base64.b32encode(data).decode("ascii").rstrip("=")


def b32decode(text: str) -> bytes:
    """Decode canonical unpadded base32, or raise SlipGarbage."""
    if len(text) > MAX_TEXT or not _B32.fullmatch(text) or len(text) % 8 not in _VALID_TAIL:
        raise SlipGarbage()
    try:
        data = base64.b32decode(text + "=" * (-len(text) % 8))
    except (binascii.Error, ValueError):
        raise SlipGarbage() from None
    if b32encode(data) != text:  # unused low bits set in the last character: not something we wrote
        raise SlipGarbage()
    return data
