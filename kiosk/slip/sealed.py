"""The `sealed` mode: the QR code itself carries the case, encrypted to the counter's public key, for a home guide
on the internet side and a counter on a separated network (三層分離) with no connection between them.

Text:       "S" + base32( header | HPKE encapsulated key (32) | HPKE ciphertext + tag (16) )
Header:     version 0x02 (1) | key id of the counter's public key (4) | expiry, Unix seconds, big-endian (4)
            — bound into the HPKE key schedule (`info`) together with the "S" prefix, so none of it can be changed
Sealing:    HPKE (RFC 9180) base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM
Plaintext:  raw deflate (level 9, preset dictionary `zdict.ZDICT_V1`) of compact UTF-8 JSON
            {"e": event, "i": issued-at (Unix seconds), "a": {question id: answer}, "p": {role: {field: text}}}

The issuer holds only the public key: nothing on the internet-facing server opens a slip, and a fresh ephemeral
key per slip means two slips never share a key. Base mode does not say who made a slip: anyone with the public
key can make one, so the counter checks every answer and personal detail again when it opens a slip
(`recheck.py`) and never trusts a slip more than what a resident could type. The encapsulated key is unique per
slip and cannot be reused for other content without the counter's private key, so it is the slip's identity: a
rescan opens the same case (`SlipCase.nonce`).

Opening never raises anything but SlipError: `garbage` (not a slip / malformed), `wrong_key` (a key id this
counter does not hold: another system, a retired key, or a slip of format 1, sealed with the symmetric key the
issuer used to hold), `tampered` (the key is known but authentication fails: altered or damaged), `expired`.
"""

from __future__ import annotations

import hashlib
import json
import struct
import zlib
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke

from .case import SlipCase, utc_now, whole_seconds
from .codec import as_text, b32decode, b32encode, clean
from .errors import SlipExpired, SlipGarbage, SlipTampered, SlipWrongKey
from .keys import Keyring, SealPublicKey
from .zdict import ZDICT_V1

PREFIX = "S"
VERSION = 2
RETIRED_VERSIONS = frozenset({1})  # format 1: AES-GCM with a key the issuer held too; no longer opened
SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
ENC_BYTES = hpke.KEM.X25519.enc_length()
TAG_BYTES = 16
HEADER = struct.Struct(">B4sI")
OVERHEAD = HEADER.size + ENC_BYTES + TAG_BYTES
MAX_PLAINTEXT = 64 * 1024  # decompression limit: a QR code holds < 3 kB, so anything bigger is not ours
_DICTIONARIES = {2: ZDICT_V1}


def seal(case: SlipCase, recipient: SealPublicKey | Keyring) -> str:
    """The QR payload for `case`, sealed to the counter's public key (or to a keyring's active key's)."""
    public = recipient.active.public_key if isinstance(recipient, Keyring) else recipient
    header = HEADER.pack(VERSION, public.fingerprint, int(case.expires_at.timestamp()))
    sealed = SUITE.encrypt(compress(encode_case(case)), public.key, info=_info(header))
    return PREFIX + b32encode(header + sealed)


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
    if version in RETIRED_VERSIONS:
        raise SlipWrongKey()
    if version not in _DICTIONARIES:
        raise SlipGarbage()
    key = keyring.by_sealed_fingerprint(fingerprint)
    if key is None:
        raise SlipWrongKey()
    sealed = data[HEADER.size :]
    try:
        plaintext = SUITE.decrypt(sealed, key.private_key, info=_info(header))
    except InvalidTag:
        raise SlipTampered() from None
    expires = datetime.fromtimestamp(expires_ts, UTC)
    if whole_seconds(now or utc_now()) >= expires:
        raise SlipExpired(expires)
    # Authentic from here on in the sense that it was sealed to our key: by anyone holding the public key, so
    # the content is checked as strictly here as anything typed, and again against the questions at the counter.
    case = decode_case(decompress(plaintext, _DICTIONARIES[version]), expires)
    return case.with_nonce(slip_nonce(sealed[:ENC_BYTES]))


def slip_nonce(encapsulated_key: bytes) -> str:
    """The slip's identity for de-duplication at the counter (64 hex characters): a hash of its HPKE
    encapsulated key, which is fresh for every slip and bound to its content."""
    return hashlib.sha256(b"kiosk-slip/sealed/nonce/v2" + encapsulated_key).hexdigest()


def _info(header: bytes) -> bytes:
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
    known = version in _DICTIONARIES or version in RETIRED_VERSIONS
    return (fingerprint, datetime.fromtimestamp(expires_ts, UTC)) if known else None
