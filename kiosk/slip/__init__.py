"""The QR slip: what the resident takes to the counter.

Two modes, chosen by configuration (`config.SlipSettings`):
- `reference` (`reference.py`): a signed, expiring token with only a case id; the case stays in the database.
- `sealed` (`sealed.py`): the case itself, compressed and encrypted with AES-GCM, for separated networks.
Plus the typed reference code, QR rendering (`qr.py`) and one reader for the counter's scan field (`scan.py`).
No Flask here: the web layer calls these functions.
"""

from .case import SlipCase
from .errors import SlipError, SlipExpired, SlipGarbage, SlipMistyped, SlipTampered, SlipWrongKey
from .keys import KeyConfigError, Keyring, SlipKey, generate_key, key_from_secret, parse_keyring
from .reference import format_reference_code, issue_token, new_reference_code, open_token, parse_reference_code
from .scan import Scan, read_scan
from .sealed import open_sealed, seal

__all__ = [
    "KeyConfigError",
    "Keyring",
    "Scan",
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
    "parse_reference_code",
    "read_scan",
    "seal",
]
