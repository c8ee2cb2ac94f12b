"""The `sealed` mode: the QR code itself carries the case, encrypted and authenticated, for a home guide on
the internet side and a counter on a separated network (三層分離) with no connection between them.

Text:       "S" + base32( header | nonce (12) | AES-256-GCM ciphertext + tag (16) )
Header:     version 0x01 (1) | key fingerprint (4) | expiry, Unix seconds, big-endian (4)
            — authenticated as associated data together with the "S" prefix, so none of it can be changed
Plaintext:  raw deflate (level 9, preset dictionary `zdict.ZDICT_V1`) of compact UTF-8 JSON
            {"e": event, "i": issued-at (Unix seconds), "a": {question id: answer}, "p": {role: {field: text}}}

Nothing is readable on paper without the counter's key. A random 96-bit nonce per slip (AESGCM's own
recommendation; 2^32 slips per key keep the collision risk negligible — rotate keys long before).
Opening never raises anything but SlipError: `garbage` (not a slip / malformed), `wrong_key` (a key id this
counter does not hold: another system or a retired key), `tampered` (the key is known but authentication
fails: altered or damaged), `expired`.
"""

from __future__ import annotations

import json
import os
import struct
import zlib
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .case import SlipCase, utc_now, whole_seconds
from .codec import as_text, b32decode, b32encode, clean
from .errors import SlipExpired, SlipGarbage, SlipTampered, SlipWrongKey
from .keys import Keyring
from .zdict import ZDICT_V1

PREFIX = "S"
VERSION = 1
NONCE_BYTES = 12
TAG_BYTES = 16
HEADER = struct.Struct(">B4sI")
OVERHEAD = HEADER.size + NONCE_BYTES + TAG_BYTES
MAX_PLAINTEXT = 64 * 1024  # decompression limit: a QR code holds < 3 kB, so anything bigger is not ours
_DICTIONARIES = {1: ZDICT_V1}


def seal(case: SlipCase, keyring: Keyring) -> str:
    """The QR payload for `case`, sealed with the keyring's active key."""
    key = keyring.active
    header = HEADER.pack(VERSION, key.fingerprint, int(case.expires_at.timestamp()))
    nonce = os.urandom(NONCE_BYTES)
    plaintext = compress(encode_case(case))
    ciphertext = AESGCM(key.aead_key).encrypt(nonce, plaintext, _aad(header))
    return PREFIX + b32encode(header + nonce + ciphertext)


def open_sealed(text: str | bytes, keyring: Keyring, *, now: datetime | None = None) -> SlipCase:
    """The case in a scanned sealed slip, or a SlipError. Never raises anything else, whatever `text` is."""
    try:
        return _open(text, keyring, now)
    except (SlipGarbage, SlipWrongKey, SlipTampered, SlipExpired):
        raise
    except Exception:  # belt and braces: a reader at the counter must never crash on a scan
        raise SlipGarbage() from None


def _open(text: str | bytes, keyring: Keyring, now: datetime | None) -> SlipCase:
    cleaned = clean(as_text(text))
    if not cleaned.startswith(PREFIX):
        raise SlipGarbage()
    data = b32decode(cleaned[len(PREFIX) :])
    if len(data) < OVERHEAD + 1:
        raise SlipGarbage()
    header = data[: HEADER.size]
    version, fingerprint, expires_ts = HEADER.unpack(header)
    if version not in _DICTIONARIES:
        raise SlipGarbage()
    key = keyring.by_fingerprint(fingerprint)
    if key is None:
        raise SlipWrongKey()
    nonce = data[HEADER.size : HEADER.size + NONCE_BYTES]
    try:
        plaintext = AESGCM(key.aead_key).decrypt(nonce, data[HEADER.size + NONCE_BYTES :], _aad(header))
    except InvalidTag:
        raise SlipTampered() from None
    expires = datetime.fromtimestamp(expires_ts, UTC)
    if whole_seconds(now or utc_now()) >= expires:
        raise SlipExpired(expires)
    # Authenticated from here on: only a key holder's bug could make the rest fail.
    return decode_case(decompress(plaintext, _DICTIONARIES[version]), expires)


def _aad(header: bytes) -> bytes:
    return b"kiosk-slip/" + PREFIX.encode() + header


def encode_case(case: SlipCase) -> bytes:
    """Compact JSON with one-letter top-level keys; question ids and field names as they are (the preset
    dictionary makes them cheap)."""
    plain: dict[str, Any] = {
        "e": case.event,
        "i": int(case.issued_at.timestamp()),
        "a": case.answers.to_json(),
        "p": {role: dict(fields) for role, fields in case.prefill.items()},
    }
    return json.dumps(plain, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def decode_case(data: bytes, expires_at: datetime) -> SlipCase:
    try:
        plain = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise SlipGarbage() from None
    if not isinstance(plain, dict) or set(plain) != {"e", "i", "a", "p"}:
        raise SlipGarbage()
    event, issued, answers, prefill = plain["e"], plain["i"], plain["a"], plain["p"]
    if not isinstance(issued, int) or isinstance(issued, bool) or not isinstance(answers, dict):
        raise SlipGarbage()
    if not isinstance(prefill, dict) or not all(isinstance(fields, dict) for fields in prefill.values()):
        raise SlipGarbage()
    try:
        # Checked and frozen into Answers by SlipCase itself.
        return SlipCase(event, answers, prefill, datetime.fromtimestamp(issued, UTC), expires_at)  # type: ignore[arg-type]
    except (ValueError, TypeError, OverflowError, OSError):
        raise SlipGarbage() from None


def compress(data: bytes, zdict: bytes = ZDICT_V1) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, zdict)
    return compressor.compress(data) + compressor.flush()


def decompress(data: bytes, zdict: bytes = ZDICT_V1) -> bytes:
    decompressor = zlib.decompressobj(-15, zdict)
    try:
        out = decompressor.decompress(data, MAX_PLAINTEXT)
    except zlib.error:
        raise SlipGarbage() from None
    if decompressor.unconsumed_tail or not decompressor.eof or decompressor.unused_data:
        raise SlipGarbage()
    return out


def sealed_header(text: str) -> tuple[bytes, datetime] | None:
    """(key fingerprint, expiry) of a sealed slip without opening it (support tools), or None."""
    try:
        cleaned = clean(text)
        if not cleaned.startswith(PREFIX):
            return None
        data = b32decode(cleaned[len(PREFIX) :])
    except SlipGarbage:
        return None
    if len(data) < OVERHEAD + 1:
        return None
    version, fingerprint, expires_ts = HEADER.unpack_from(data)
    return (fingerprint, datetime.fromtimestamp(expires_ts, UTC)) if version in _DICTIONARIES else None
