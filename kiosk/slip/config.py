"""Slip settings from the environment (KIOSK_SLIP_*, KIOSK_SEAL_*)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Literal

from .keys import KeyConfigError, Keyring, key_from_secret, keyring_from_env

if TYPE_CHECKING:
    from ..config import Settings

Mode = Literal["reference", "sealed"]


@dataclass(frozen=True)
class SlipSettings:
    mode: Mode
    valid_for: timedelta
    keyring: Keyring

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, app_secret: str | bytes | None = None
    ) -> SlipSettings:
        """KIOSK_SLIP_MODE (reference | sealed, default reference), KIOSK_SLIP_VALID_DAYS (default 14),
        KIOSK_SEAL_KEYS / KIOSK_SEAL_ACTIVE_KEY. In reference mode without configured keys, the key is
        derived from `app_secret` (the web app's SECRET_KEY). Raises KeyConfigError on bad settings."""
        env = os.environ if environ is None else environ
        mode = env.get("KIOSK_SLIP_MODE", "reference").strip() or "reference"
        if mode not in ("reference", "sealed"):
            raise KeyConfigError(f"KIOSK_SLIP_MODE は reference か sealed です（「{mode[:20]}」）")
        days_text = env.get("KIOSK_SLIP_VALID_DAYS", "14").strip() or "14"
        if not days_text.isdigit() or not 1 <= int(days_text) <= 365:
            raise KeyConfigError("KIOSK_SLIP_VALID_DAYS は 1 から 365 までの日数です")
        keyring = keyring_from_env(env)
        if keyring is None:
            if mode == "sealed":
                raise KeyConfigError("sealed モードには KIOSK_SEAL_KEYS が必要です（`kiosk slip new-key` で作れます）")
            if app_secret is None:
                raise KeyConfigError("reference モードには KIOSK_SEAL_KEYS か アプリの SECRET_KEY が必要です")
            keyring = Keyring.single(key_from_secret(app_secret))
        return cls("sealed" if mode == "sealed" else "reference", timedelta(days=int(days_text)), keyring)

    @classmethod
    def from_settings(cls, settings: Settings, *, app_secret: str | bytes) -> SlipSettings:
        """The slip settings of the app's typed settings (kiosk.config)."""
        return cls.from_env(
            {
                "KIOSK_SLIP_MODE": settings.slip_mode,
                "KIOSK_SLIP_VALID_DAYS": str(settings.slip_valid_days),
                "KIOSK_SEAL_KEYS": settings.seal_keys,
                "KIOSK_SEAL_ACTIVE_KEY": settings.seal_active_key,
            },
            app_secret=app_secret,
        )
