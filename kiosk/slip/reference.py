"""The `reference` mode: the QR code carries a signed, expiring token with only a case id; the case stays
in the database the kiosk and the counter share. Plus the human-readable reference code for typing.

Token (text):  "R" + base32( 0x01 | key fingerprint (4) | expiry, Unix seconds (4, big-endian)
                             | case id (ASCII, 1–64 bytes) | HMAC-SHA256 over everything before it, first 16 bytes )

The token is signed, not encrypted: the case id can be read by anyone who decodes it, so it must be an
identifier only, never personal data, and not one that can be counted through: the app passes the case's random
public id (22 characters), never its row id. HMAC is computed with the standard library (`hmac`, constant-time
comparison) under a key derived for this purpose only. Such a token is 77 characters → QR version 4 (level M).

Why not itsdangerous: its tokens are base64url (lower case, `_`), which a keyboard-wedge scanner types wrongly
when Caps Lock is on or when the scanner's keyboard layout (US) differs from the PC's (JIS: Shift+`-` is `=`).
Base32 has neither problem and uses the denser alphanumeric QR mode.

Reference code: 10 characters of Crockford base32, shown as `K7Q2-9XMD-4T`: 9 random characters (45 bits)
and a check character (Damm's algorithm over GF(32)) that catches every single wrong character and every
swap of two neighbours before any lookup. Reading is case-insensitive, O is read as 0, I and L as 1, and
hyphens, spaces and full-width characters are ignored.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import struct
import unicodedata
from datetime import UTC, datetime, timedelta

from .case import DEFAULT_VALID_FOR, utc_now, whole_seconds
from .codec import as_text, b32decode, b32encode, clean
from .errors import SlipExpired, SlipGarbage, SlipMistyped, SlipTampered, SlipWrongKey
from .keys import Keyring

PREFIX = "R"
VERSION = 1
MAC_BYTES = 16
_HEADER = struct.Struct(">B4sI")
_CASE_ID = re.compile(r"[!-~]{1,64}")


def issue_token(
    case_id: str, keyring: Keyring, *, valid_for: timedelta = DEFAULT_VALID_FOR, now: datetime | None = None
) -> str:
    """A token for the QR code. `case_id` is printable ASCII without spaces, at most 64 characters."""
    if not _CASE_ID.fullmatch(case_id):
        raise ValueError("case id must be 1–64 printable ASCII characters without spaces")
    key = keyring.active
    expires = whole_seconds(now or utc_now()) + valid_for
    body = _HEADER.pack(VERSION, key.fingerprint, int(expires.timestamp())) + case_id.encode("ascii")
    return PREFIX + b32encode(body + _mac(key.mac_key, body))


def open_token(text: str | bytes, keyring: Keyring, *, now: datetime | None = None) -> str:
    """The case id in a scanned token, or SlipGarbage / SlipWrongKey / SlipTampered / SlipExpired.
    Never raises anything else, whatever `text` is."""
    try:
        return _open(text, keyring, now)
    except (SlipGarbage, SlipWrongKey, SlipTampered, SlipExpired):
        raise
    except Exception:  # belt and braces: a reader at the counter must never crash on a scan
        raise SlipGarbage() from None


def _open(text: str | bytes, keyring: Keyring, now: datetime | None) -> str:
    cleaned = clean(as_text(text))
    if not cleaned.startswith(PREFIX):
        raise SlipGarbage()
    data = b32decode(cleaned[len(PREFIX) :])
    if len(data) < _HEADER.size + 1 + MAC_BYTES:
        raise SlipGarbage()
    version, fingerprint, expires_ts = _HEADER.unpack_from(data)
    if version != VERSION:
        raise SlipGarbage()
    key = keyring.by_fingerprint(fingerprint)
    if key is None:
        raise SlipWrongKey()
    body, mac = data[:-MAC_BYTES], data[-MAC_BYTES:]
    if not hmac.compare_digest(mac, _mac(key.mac_key, body)):
        raise SlipTampered()
    expires = datetime.fromtimestamp(expires_ts, UTC)
    if whole_seconds(now or utc_now()) >= expires:
        raise SlipExpired(expires)
    case_id = body[_HEADER.size :].decode("ascii", errors="replace")
    if not _CASE_ID.fullmatch(case_id):  # signed by us, so only a bug could get here
        raise SlipGarbage()
    return case_id


def _mac(key: bytes, body: bytes) -> bytes:
    return hmac.new(key, b"kiosk-slip/" + PREFIX.encode() + body, hashlib.sha256).digest()[:MAC_BYTES]


def token_header(text: str) -> tuple[bytes, datetime] | None:
    """(key fingerprint, expiry) of a token without verifying it (support tools), or None."""
    try:
        cleaned = clean(text)
        data = b32decode(cleaned[len(PREFIX) :]) if cleaned.startswith(PREFIX) else b""
    except SlipGarbage:
        return None
    if len(data) < _HEADER.size + 1 + MAC_BYTES:
        return None
    version, fingerprint, expires_ts = _HEADER.unpack_from(data)
    return (fingerprint, datetime.fromtimestamp(expires_ts, UTC)) if version == VERSION else None


# --- reference codes ------------------------------------------------------------------------------------

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_VALUE = {char: index for index, char in enumerate(CROCKFORD)}
_VALUE.update({"O": 0, "I": 1, "L": 1})
CODE_LENGTH = 10
_DASHES = re.compile(r"[\s\-‐‑‒–—―−ーｰ_/.]")


def _times_x(value: int) -> int:
    """Multiply by x in GF(2^5) modulo the primitive polynomial x^5 + x^2 + 1."""
    value <<= 1
    return value ^ 0b100101 if value & 0b100000 else value


def _damm(values: list[int]) -> int:
    # The quasigroup a∘b = x·a + b over GF(32) is totally anti-symmetric, so Damm's check detects all
    # single substitutions and all adjacent transpositions.
    interim = 0
    for value in values:
        interim = _times_x(interim) ^ value
    return interim


def new_reference_code() -> str:
    """A fresh random code in canonical form (10 characters, no hyphens). The caller ensures uniqueness."""
    values = [secrets.randbelow(32) for _ in range(CODE_LENGTH - 1)]
    values.append(_times_x(_damm(values)))
    return "".join(CROCKFORD[value] for value in values)


def format_reference_code(code: str) -> str:
    """`K7Q29XMD4T` → `K7Q2-9XMD-4T`, for printing."""
    canonical = parse_reference_code(code)
    return f"{canonical[:4]}-{canonical[4:8]}-{canonical[8:]}"


def parse_reference_code(text: str) -> str:
    """The canonical code for what a clerk typed, or SlipMistyped (wrong length, letter or check character)."""
    if len(text) > 100:
        raise SlipMistyped()
    typed = _DASHES.sub("", unicodedata.normalize("NFKC", text)).upper()
    if len(typed) != CODE_LENGTH or any(char not in _VALUE for char in typed):
        raise SlipMistyped()
    values = [_VALUE[char] for char in typed]
    if _damm(values) != 0:
        raise SlipMistyped()
    return "".join(CROCKFORD[value] for value in values)


def looks_like_reference_code(text: str) -> bool:
    """True if the text has the shape of a typed reference code (whatever its check character)."""
    if len(text) > 100:
        return False
    typed = _DASHES.sub("", unicodedata.normalize("NFKC", text)).upper()
    return len(typed) == CODE_LENGTH and all(char in _VALUE for char in typed)
