"""Real-browser tests: the app served over HTTP on 127.0.0.1, driven by Debian's Chromium through Playwright.

One Chromium for the whole session, one app server per mode (home and kiosk) for the whole session, and a fresh
browser context (cookies, storage, cache) for every test. Playwright's own browser download is never used.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page
from werkzeug.serving import BaseWSGIServer, make_server

from kiosk import create_app
from kiosk.extensions import services

# The day the tests pretend it is: the 78-year-old scenario's death date (2026-05-10) must lie in the past.
TODAY = date(2026, 5, 14)
IDLE_SECONDS = 90
IDLE_COUNTDOWN_SECONDS = 60
TIMEOUT_MS = 10_000


@dataclass
class Site:
    """One running app: its Flask object and the base URL the browser uses."""

    app: Flask
    url: str
    mode: str

    def question_type(self, event: str, question_id: str) -> str:
        """The type of a question (single, multiple, yes_no, date, number) from the loaded content."""
        flow = services(self.app).content.flows[event]
        return str(flow.question_map[question_id].type)


def _serve(app: Flask) -> Iterator[str]:
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name=f"browser-test-server-{server.port}", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _make_site(tmp_path_factory: pytest.TempPathFactory, mode: str) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp(f"browser-{mode}")
    app = create_app(
        {
            "TESTING": True,
            "KIOSK_MODE": mode,
            "KIOSK_DATABASE_URL": f"sqlite:///{folder / 'kiosk.sqlite3'}",
            "KIOSK_IDLE_SECONDS": IDLE_SECONDS,
            "KIOSK_IDLE_COUNTDOWN_SECONDS": IDLE_COUNTDOWN_SECONDS,
            # The staff screens (off by default on a home server) for the browser on this machine only.
            "KIOSK_STAFF_ACCESS": "127.0.0.0/8,::1",
            "TODAY": lambda: TODAY,
            "SECRET_KEY": "browser-test-secret",
            # Let the browser keep /static/ files (as a deployment would) so each page costs one request, not five.
            "SEND_FILE_MAX_AGE_DEFAULT": 3600,
        }
    )
    for url in _serve(app):
        yield Site(app=app, url=url, mode=mode)


@pytest.fixture(scope="session")
def home_site(chromium: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The app in home mode (residents' own devices)."""
    yield from _make_site(tmp_path_factory, "home")


@pytest.fixture(scope="session")
def kiosk_site(chromium: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The app in kiosk mode (a counter tablet: idle reset, call staff, large text)."""
    yield from _make_site(tmp_path_factory, "kiosk")


NewContext = Callable[..., BrowserContext]


@pytest.fixture
def new_context(chromium: Browser) -> Iterator[NewContext]:
    """Make fresh browser contexts (closed after the test): new_context(site, **playwright_context_options)."""
    made: list[BrowserContext] = []

    def make(site: Site, **options: Any) -> BrowserContext:
        options.setdefault("viewport", {"width": 1280, "height": 800})
        options.setdefault("locale", "ja-JP")
        context = chromium.new_context(base_url=site.url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


@pytest.fixture
def home(home_site: Site, new_context: NewContext) -> Page:
    """A page in a fresh context on the home-mode site."""
    return new_context(home_site).new_page()


@pytest.fixture
def kiosk(kiosk_site: Site, new_context: NewContext) -> Page:
    """A page in a fresh context on the kiosk-mode site."""
    return new_context(kiosk_site).new_page()
