from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.config import content_dir
from kiosk.engine import Content, load_content

SCENARIOS = Path(__file__).parent / "scenarios"


@pytest.fixture(scope="session")
def content() -> Content:
    """The real content in questionnaires/."""
    return load_content(content_dir())


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's Chromium, headless, launched once for the whole session (Playwright's sync API allows only one)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium); the browser tests need it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
