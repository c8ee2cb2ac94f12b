import ctypes.util
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

from kiosk.config import content_dir
from kiosk.engine import Content, load_content

SCENARIOS = Path(__file__).parent / "scenarios"


@pytest.fixture(scope="session")
def content() -> Content:
    """The real content in questionnaires/."""
    return load_content(content_dir())


def on_ci() -> bool:
    """True when the CI variable is set (CI runs `bash .ci/run` with CI=true)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def missing(what: str, install: str) -> NoReturn:
    """A system tool a test needs is not installed: skip the test on a developer's machine, but fail it on CI,
    where a broken install must not turn into a green run of skipped tests."""
    message = f"{what} is not installed ({install})"
    if on_ci():
        pytest.fail(f"{message}; CI is set, so a missing tool fails the run instead of skipping it", pytrace=False)
    pytest.skip(message)


def require_program(*names: str, install: str) -> None:
    """Skip (fail on CI) unless every program in `names` is on PATH."""
    absent = [name for name in names if shutil.which(name) is None]
    if absent:
        missing("/".join(absent), install)


ESPEAK_INSTALL = "sh scripts/install-system-packages.sh as root"


def require_espeak() -> None:
    """Skip (fail on CI) unless the speech engine's library, espeak-ng, can be loaded."""
    if not (ctypes.util.find_library("espeak-ng") or ctypes.util.find_library("espeak")):
        missing("espeak-ng", ESPEAK_INSTALL)


@pytest.fixture(scope="session")
def espeak_ng() -> None:
    """The speech engine (tests that speak use it through `needs_engine`)."""
    require_espeak()


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


def require_chromium() -> None:
    """Skip (fail on CI) unless Debian's Chromium is installed."""
    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} (the browser tests need it)", "apt-get install chromium")


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's Chromium, headless, launched once for the whole session (Playwright's sync API allows only one)."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
