"""A real PC/SC stack for the card tests: Debian's pcscd with vsmartcard's virtual reader.

When the virtual reader is not listed already, the tests start `pcscd --foreground` themselves (as root, where the
binary exists; `make test` installs it through scripts/install-system-packages.sh) and stop it at the end. Under CI
(the CI variable set) a missing stack fails the tests instead of skipping them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator

import pytest

from .emulator import READER

PCSCD = shutil.which("pcscd") or "/usr/sbin/pcscd"
START_TIMEOUT = 15.0
START_ATTEMPTS = 4


class Unavailable(RuntimeError):
    """No PC/SC stack with the virtual reader, and none can be started here."""


def virtual_reader_listed() -> bool:
    try:
        from smartcard.System import readers
    except ImportError as exc:
        raise Unavailable("pyscard is not installed (pip install pyscard; it needs libpcsclite-dev and swig)") from exc
    try:
        return READER in [str(reader) for reader in readers()]
    except Exception:
        return False


def start_pcscd() -> subprocess.Popen[bytes] | None:
    """None when the virtual reader is there already; else the pcscd started here."""
    if virtual_reader_listed():
        return None
    if not os.path.exists(PCSCD):
        raise Unavailable("pcscd is not installed (apt-get install pcscd vsmartcard-vpcd)")
    if not os.path.exists("/usr/lib/pcsc/drivers/serial/libifdvpcd.so"):
        raise Unavailable("vsmartcard-vpcd is not installed (apt-get install vsmartcard-vpcd)")
    if os.geteuid() != 0:
        raise Unavailable("pcscd is not running, and only root can start it (sudo scripts/start-pcscd.sh)")
    # vpcd drops its reader when its ports are still held (a pcscd stopped moments ago leaves them in TIME_WAIT
    # for up to a minute): try again until they are free rather than fail the run.
    for _ in range(START_ATTEMPTS):
        process = subprocess.Popen([PCSCD, "--foreground"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if virtual_reader_listed():
                return process
            if process.poll() is not None:
                break
            time.sleep(0.2)
        process.terminate()
        process.wait(timeout=10)
        time.sleep(5)
    raise Unavailable("pcscd started but the virtual reader did not appear (ports 35963/35964 in use?)")


def pcscd_session() -> Iterator[None]:
    """The body of the session fixture: skip without a stack (fail under CI), stop what was started."""
    try:
        process = start_pcscd()
    except Unavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f"the PC/SC tests must run on CI: {exc}")
        pytest.skip(str(exc))
    try:
        yield
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_for_card(present: bool = True, timeout: float = 10.0) -> None:
    """Until the virtual reader reports a card (or none)."""
    from smartcard.scard import (
        SCARD_S_SUCCESS,
        SCARD_SCOPE_USER,
        SCARD_STATE_PRESENT,
        SCARD_STATE_UNAWARE,
        SCardEstablishContext,
        SCardGetStatusChange,
        SCardReleaseContext,
    )

    result, context = SCardEstablishContext(SCARD_SCOPE_USER)
    assert result == SCARD_S_SUCCESS
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result, states = SCardGetStatusChange(context, 0, [(READER, SCARD_STATE_UNAWARE)])
            if result == SCARD_S_SUCCESS and bool(states[0][1] & SCARD_STATE_PRESENT) == present:
                return
            time.sleep(0.1)
    finally:
        SCardReleaseContext(context)
    raise AssertionError(f"the virtual reader did not report the card {'placed' if present else 'removed'}")
