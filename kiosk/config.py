"""Every setting in one typed place: KIOSK_* environment variables, with safe defaults for one machine.

Tests and embedding pass the same names to create_app (`{"KIOSK_MODE": "kiosk"}`); they win over the
environment. Bad values stop start-up with the variable's name.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PREFIX = "KIOSK_"
MAX_REQUEST_BYTES = 64 * 1024
"""The largest request body (forms, JSON): the biggest real one, a full prefill form, is a few kilobytes."""


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
    receipt_printer: bool = False
    """A receipt printer (80 mm roll paper) is the tablet's default printer: the hand-off page offers
    「番号を印刷する」 (kiosk mode; Chromium started with --kiosk-printing prints without a dialog)."""
    database_url: str = ""
    """Empty: SQLite in the instance folder."""
    auto_migrate: bool = True
    content_dir: Path = Field(default_factory=content_dir)
    idle_seconds: int = Field(90, ge=1)
    idle_countdown_seconds: int = Field(60, ge=1)
    session_minutes: int = Field(120, ge=1)
    resume_days: int = Field(14, ge=1, le=365)
    retention_days: int | None = Field(None, ge=0)
    """Days a counter case is kept after it was last saved; unset: the retention_days of municipality.yaml.
    Applied by `kiosk purge` when it runs (0: every case goes at the next purge)."""
    audit_retention_days: int | None = Field(None, ge=1)
    """Days an audit entry is kept; unset: the audit_retention_days of municipality.yaml."""
    secure_cookies: bool = False
    proxy_hops: int = Field(0, ge=0, le=5)
    """Reverse proxies in front of the app (0: none). Behind one, set 1: werkzeug's ProxyFix then takes the client
    address, scheme and host from the X-Forwarded-For, -Proto and -Host headers the proxy must set (overwrite);
    without it every resident seems to come from the proxy's address, so the limits per address would block
    everyone at once."""
    trusted_hosts: str = ""
    """Comma list of the host names the app answers to (Flask's TRUSTED_HOSTS, without ports; `.example.jp` also
    matches its subdomains); other Host headers get 400. Empty: any host."""
    public_url: str = Field("", pattern=r"^(https?://[^/?#\s]+(/[^?#\s]*)?)?$")
    """Where residents reach the home guide, e.g. `https://guide.city.example.jp`: the resume QR points there.
    Empty: the request's host when it is a trusted host (KIOSK_TRUSTED_HOSTS) or loopback, else no QR."""
    rate_limit_storage: str = "memory://"
    """Where Flask-Limiter counts anonymous writes per address: `memory://` (each server process on its own) or
    e.g. `redis://127.0.0.1:6379` (shared by every process and server)."""
    secret_key: str = ""
    """Empty: a secret generated once and kept in the instance folder."""
    slip_mode: Literal["reference", "sealed"] = "reference"
    slip_valid_days: int = Field(14, ge=1, le=365)
    seal_keys: str = ""
    seal_active_key: str = ""
    seal_public_key: str = ""
    """`name:BASE64`: the counter's public key an issuer seals slips to (`kiosk slip new-key`)."""
    speech: bool = True
    speech_cache: Path | None = None
    speech_timeout: float = Field(10.0, gt=0)
    staff_access: str = ""
    """The staff screens (/staff): `on`, `off` (404), or a comma list of client networks (CIDR, e.g.
    `10.1.2.0/24,192.168.0.5`) that may reach them (403 for other addresses). Empty: `on` in kiosk mode,
    `off` in home mode (a home server faces the internet)."""
    card: bool = False
    """Offer 「マイナンバーカードで入力する」 for the applicant's details (kiosk mode only, with a PC/SC reader
    attached; docs/card-reading.md)."""
    card_reader: str = ""
    """The PC/SC reader's name (or its beginning). Empty: the first reader that is not a virtual one."""
    card_jlis_certificate: Path | None = None
    """J-LIS's certificate (PEM or DER) the card's certificate must be signed by. Unset: only the card's own."""

    @field_validator("card_jlis_certificate")
    @classmethod
    def _jlis_certificate_loads(cls, value: Path | None) -> Path | None:
        if value is not None:
            from .card.verify import load_trusted_keys

            load_trusted_keys(value)  # raises ValueError naming the problem
        return value

    @field_validator("staff_access")
    @classmethod
    def _staff_access_is_on_off_or_networks(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in ("", "on", "off"):
            _staff_networks(value)  # raises ValueError naming the bad entry
        return value

    def staff_access_rule(self) -> Literal["on", "off"] | tuple[IPNetwork, ...]:
        """Whether /staff answers: on, off, or only to clients in these networks."""
        if self.staff_access in ("on", "off"):
            return "on" if self.staff_access == "on" else "off"
        if not self.staff_access:
            return "on" if self.mode == "kiosk" else "off"
        return _staff_networks(self.staff_access)

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
            "TRUSTED_HOSTS": [host.strip() for host in self.trusted_hosts.split(",") if host.strip()] or None,
            "MAX_CONTENT_LENGTH": MAX_REQUEST_BYTES,  # larger requests get 413 before anything reads them
        })
        return values


IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def _staff_networks(text: str) -> tuple[IPNetwork, ...]:
    networks = []
    for entry in (part.strip() for part in text.split(",")):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(f"on・off か、ネットワーク（CIDR、例 10.1.2.0/24）をカンマで区切って書きます: {entry!r}"
                             ) from None
    if not networks:
        raise ValueError("on・off か、ネットワーク（CIDR）をカンマで区切って書きます")
    return tuple(networks)


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
