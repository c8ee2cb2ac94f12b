"""What the app builds once at start-up, typed, in one place: settings, content, engine, stores, speech.

create_app() builds a Services and keeps it on the app; routes and commands reach it with services().
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

    from .config import Settings
    from .engine import Content
    from .i18n import Catalogue
    from .slip.config import SlipSettings
    from .speech.service import SpeechService
    from .store import Database, SessionStore
    from .store.cases import CaseStore
    from .store.staff import StaffStore
    from .store.throttle import ThrottleStore
    from .web.memo import EngineMemo

KEY = "kiosk"


@dataclass(frozen=True)
class Services:
    """The app's long-lived parts."""

    settings: Settings
    content: Content
    catalogue: Catalogue
    engine: EngineMemo
    slip: SlipSettings
    database: Database
    sessions: SessionStore
    cases: CaseStore
    staff: StaffStore
    throttle: ThrottleStore
    speech: SpeechService | None
    """None when read-aloud is switched off (KIOSK_SPEECH=0)."""


def init_app(app: Flask, built: Services) -> None:
    """Keep the services on the app."""
    app.extensions[KEY] = built


def services(app: Flask | None = None) -> Services:
    """The services of `app`, or of the app handling the current request."""
    from flask import current_app  # not at the top: `kiosk check` imports this module without needing Flask

    built: Services = (app or current_app).extensions[KEY]
    return built
