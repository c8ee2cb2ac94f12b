"""Every setting in one typed place: KIOSK_* environment variables, with safe defaults for one machine.

Tests and embedding pass the same names to create_app (`{"KIOSK_MODE": "kiosk"}`); they win over the
environment. Bad values stop start-up with the variable's name.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PREFIX = "KIOSK_"


def content_dir() -> Path:
    """Where questionnaires/ lives: KIOSK_CONTENT_DIR, or the folder beside the package."""
    configured = os.environ.get("KIOSK_CONTENT_DIR")
    return Path(configured) if configured else PROJECT_ROOT / "questionnaires"


class SettingsError(ValueError):
    """A setting with a value the app cannot use; the message names the variable."""


class Settings(BaseSettings):
    """The app's settings. Each field is read from the environment variable KIOSK_<FIELD NAME>."""

    model_config = SettingsConfigDict(env_prefix=PREFIX, extra="ignore", frozen=True)

    mode: Literal["kiosk", "home"] = "home"
    """kiosk: a counter tablet (idle reset, read-aloud, call staff); home: residents' own devices."""
    device: str = "kiosk-1"
    database_url: str = ""
    """Empty: SQLite in the instance folder."""
    auto_migrate: bool = True
    content_dir: Path = Field(default_factory=content_dir)
    idle_seconds: int = Field(90, ge=1)
    idle_countdown_seconds: int = Field(60, ge=1)
    session_minutes: int = Field(120, ge=1)
    resume_days: int = Field(14, ge=1, le=365)
    retention_days: int = Field(0, ge=0)
    """0: the retention_days of municipality.yaml."""
    secure_cookies: bool = False
    secret_key: str = ""
    """Empty: a secret generated once and kept in the instance folder."""
    slip_mode: Literal["reference", "sealed"] = "reference"
    slip_valid_days: int = Field(14, ge=1, le=365)
    seal_keys: str = ""
    seal_active_key: str = ""
    speech: bool = True
    speech_cache: Path | None = None
    speech_timeout: float = Field(10.0, gt=0)

    @classmethod
    def load(cls, overrides: Mapping[str, Any] | None = None) -> Settings:
        """The environment, with `overrides` (KIOSK_* names) on top."""
        given = {
            name.removeprefix(PREFIX).lower(): value
            for name, value in (overrides or {}).items()
            if name.startswith(PREFIX) and name.removeprefix(PREFIX).lower() in cls.model_fields
        }
        try:
            return cls(**given)
        except ValidationError as error:
            problems = "; ".join(
                f"{PREFIX}{'.'.join(str(part) for part in problem['loc']).upper()}: {problem['msg']}"
                for problem in error.errors()
            )
            raise SettingsError(f"設定が正しくありません: {problems}") from None

    def database_url_for(self, instance_path: Path) -> str:
        """KIOSK_DATABASE_URL, or SQLite in the instance folder."""
        return self.database_url or f"sqlite:///{instance_path / 'kiosk.sqlite3'}"

    def flask_config(self, instance_path: Path) -> dict[str, Any]:
        """What Flask and its extensions read from app.config, and the settings under their variable names
        (templates show some of them)."""
        values = {f"{PREFIX}{name.upper()}": getattr(self, name) for name in type(self).model_fields}
        values["KIOSK_DATABASE_URL"] = self.database_url_for(instance_path)
        values.update({
            "SESSION_COOKIE_NAME": "kiosk_session",
            "SESSION_COOKIE_SECURE": self.secure_cookies,
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "SECRET_KEY": self.secret_key or instance_secret(instance_path),
            "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the server-side session
        })
        return values


def instance_secret(instance_path: Path) -> str:
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
