"""The QR slip: what the resident takes to the counter.

Two modes, chosen by configuration (`config.SlipSettings`):
- `reference` (`reference.py`): a signed, expiring token with only a case id; the case stays in the database.
- `sealed` (`sealed.py`): the case itself, compressed and sealed to the counter's public key (HPKE), for separated
  networks; the counter checks its content again (`recheck.py`) before it becomes a case.
Plus the typed reference code, QR rendering (`qr.py`) and one reader for the counter's scan field (`scan.py`).
No Flask here: the web layer calls these functions.
"""

from .case import SlipCase
from .errors import SlipError, SlipExpired, SlipGarbage, SlipMistyped, SlipTampered, SlipWrongKey
from .keys import (
    KeyConfigError,
    Keyring,
    SealPublicKey,
    SlipKey,
    generate_key,
    key_from_secret,
    parse_keyring,
    parse_public_key,
)
from .reference import format_reference_code, issue_token, new_reference_code, open_token, parse_reference_code
from .scan import Scan, read_scan
from .sealed import open_sealed, seal

__all__ = [
    "KeyConfigError",
    "Keyring",
    "Scan",
    "SealPublicKey",
    "SlipCase",
    "SlipError",
    "SlipExpired",
    "SlipGarbage",
    "SlipKey",
    "SlipMistyped",
    "SlipTampered",
    "SlipWrongKey",
    "format_reference_code",
    "generate_key",
    "issue_token",
    "key_from_secret",
    "new_reference_code",
    "open_sealed",
    "open_token",
    "parse_keyring",
    "parse_public_key",
    "parse_reference_code",
    "read_scan",
    "seal",
]
