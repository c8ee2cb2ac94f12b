"""Settings from the environment (KIOSK_*), with safe defaults for one machine."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def content_dir() -> Path:
    """Where questionnaires/ lives: KIOSK_CONTENT_DIR, or the folder beside the package."""
    configured = os.environ.get("KIOSK_CONTENT_DIR")
    return Path(configured) if configured else PROJECT_ROOT / "questionnaires"


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in ("1", "true", "yes", "on")


def settings_from_environment(instance_path: Path) -> dict[str, Any]:
    """The app's configuration. Every value can be set with an environment variable of the same name."""
    return {
        # kiosk: a counter tablet (idle reset, read-aloud, call staff); home: residents' own devices.
        "KIOSK_MODE": os.environ.get("KIOSK_MODE", "home"),
        "KIOSK_DEVICE": os.environ.get("KIOSK_DEVICE", "kiosk-1"),
        "KIOSK_DATABASE_URL": os.environ.get("KIOSK_DATABASE_URL", f"sqlite:///{instance_path / 'kiosk.sqlite3'}"),
        "KIOSK_AUTO_MIGRATE": _bool("KIOSK_AUTO_MIGRATE", True),
        "KIOSK_CONTENT_DIR": str(content_dir()),
        "KIOSK_IDLE_SECONDS": _int("KIOSK_IDLE_SECONDS", 90),
        "KIOSK_IDLE_COUNTDOWN_SECONDS": _int("KIOSK_IDLE_COUNTDOWN_SECONDS", 60),
        "KIOSK_SESSION_MINUTES": _int("KIOSK_SESSION_MINUTES", 120),
        "KIOSK_RESUME_DAYS": _int("KIOSK_RESUME_DAYS", 14),
        # 0: use retention_days from municipality.yaml
        "KIOSK_RETENTION_DAYS": _int("KIOSK_RETENTION_DAYS", 0),
        "SESSION_COOKIE_NAME": "kiosk_session",
        "SESSION_COOKIE_SECURE": _bool("KIOSK_SECURE_COOKIES", False),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SECRET_KEY": os.environ.get("KIOSK_SECRET_KEY") or _instance_secret(instance_path),
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the server-side session
    }


SLIP_SETTINGS = ("KIOSK_SLIP_MODE", "KIOSK_SLIP_VALID_DAYS", "KIOSK_SEAL_KEYS", "KIOSK_SEAL_ACTIVE_KEY")
"""Read by kiosk.slip.config from the environment; the app config may override them (tests, embedding)."""


def _instance_secret(instance_path: Path) -> str:
    """A secret kept in the instance folder, so restarts and several processes share it."""
    path = instance_path / "secret_key"
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another server process created it first
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
    return path.read_text().strip()
