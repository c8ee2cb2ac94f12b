"""The slip's mode, validity and keys, made from the app's typed settings (kiosk.config)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Literal

from .keys import KeyConfigError, Keyring, key_from_secret, parse_keyring

if TYPE_CHECKING:
    from ..config import Settings

Mode = Literal["reference", "sealed"]


@dataclass(frozen=True)
class SlipSettings:
    mode: Mode
    valid_for: timedelta
    keyring: Keyring

    @classmethod
    def from_settings(cls, settings: Settings, *, app_secret: str | bytes | None) -> SlipSettings:
        """KIOSK_SLIP_MODE, KIOSK_SLIP_VALID_DAYS and KIOSK_SEAL_KEYS / KIOSK_SEAL_ACTIVE_KEY. In reference mode
        without configured keys, the key is derived from `app_secret` (the web app's SECRET_KEY). Raises
        KeyConfigError on bad keys."""
        if settings.seal_keys.strip():
            keyring = parse_keyring(settings.seal_keys, settings.seal_active_key)
        elif settings.slip_mode == "sealed":
            raise KeyConfigError("sealed モードには KIOSK_SEAL_KEYS が必要です（`kiosk slip new-key` で作れます）")
        elif app_secret is None:
            raise KeyConfigError("reference モードには KIOSK_SEAL_KEYS か アプリの SECRET_KEY が必要です")
        else:
            keyring = Keyring.single(key_from_secret(app_secret))
        return cls(settings.slip_mode, timedelta(days=settings.slip_valid_days), keyring)
