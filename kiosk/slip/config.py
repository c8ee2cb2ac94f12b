"""The slip's mode, validity and keys, made from the app's typed settings (kiosk.config)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Literal

from .keys import KeyConfigError, Keyring, SealPublicKey, key_from_secret, parse_keyring, parse_public_key

if TYPE_CHECKING:
    from ..config import Settings

Mode = Literal["reference", "sealed"]


@dataclass(frozen=True)
class SlipSettings:
    mode: Mode
    valid_for: timedelta
    keyring: Keyring
    """Reference tokens are signed and checked with it; at a counter it holds the private keys of sealed slips."""
    seal_to: SealPublicKey | None = None
    """Sealed mode: the counter's public key new slips are sealed to."""

    @classmethod
    def from_settings(cls, settings: Settings, *, app_secret: str | bytes | None) -> SlipSettings:
        """KIOSK_SLIP_MODE, KIOSK_SLIP_VALID_DAYS, KIOSK_SEAL_KEYS / KIOSK_SEAL_ACTIVE_KEY (a counter's keys) and
        KIOSK_SEAL_PUBLIC_KEY (an issuer's). Without configured keys the keyring is derived from `app_secret`
        (the web app's SECRET_KEY): reference mode on one site, and an issuer of sealed slips, whose reference
        tokens are only for slips too large to seal. Raises KeyConfigError on bad keys."""
        if settings.seal_keys.strip():
            keyring = parse_keyring(settings.seal_keys, settings.seal_active_key)
        elif app_secret is None:
            raise KeyConfigError("reference モードには KIOSK_SEAL_KEYS か アプリの SECRET_KEY が必要です")
        else:
            keyring = Keyring.single(key_from_secret(app_secret))
        seal_to = None
        if settings.seal_public_key.strip():
            seal_to = parse_public_key(settings.seal_public_key)
        elif settings.slip_mode == "sealed" and settings.seal_keys.strip():
            seal_to = keyring.active.public_key  # a counter that also issues slips seals them to itself
        if settings.slip_mode == "sealed" and seal_to is None:
            raise KeyConfigError(
                "sealed モードには、発行側は KIOSK_SEAL_PUBLIC_KEY（窓口の公開鍵）、窓口側は KIOSK_SEAL_KEYS が"
                "必要です（`kiosk slip new-key` で作れます）"
            )
        return cls(settings.slip_mode, timedelta(days=settings.slip_valid_days), keyring, seal_to)
