"""100 simulated kiosks for 60 seconds against `kiosk serve` (gunicorn, the production defaults) on 127.0.0.1:
every kiosk walks the おくやみ flow over and over (start, one question per page, answer, follow the redirect,
check answers, result, 最初からやり直す). Every reply that is not 2xx/3xx, and every failed connection, is an error;
there must be none.

The database is a temporary SQLite file, or the PostgreSQL database of KIOSK_TEST_DATABASE_URL when it is set.
"""

import re
import statistics
import threading
import time

import pytest

from ..web.conftest import database_url_for_tests
from ..web.test_resident_flow import OKUYAMI_78
from .helpers import Server
from .web_client import Browser, HttpError, answer_flow

KIOSKS = 100
SECONDS = 60
RESULT_MARK = "後期高齢者医療"  # a procedure the 78-year-old's case must list

pytestmark = pytest.mark.load


class Kiosk(threading.Thread):
    def __init__(self, base: str, deadline: float) -> None:
        super().__init__(daemon=True)
        self.browser = Browser(base)
        self.deadline = deadline
        self.flows = 0
        self.answers = 0
        self.errors: list[str] = []

    def run(self) -> None:
        while time.monotonic() < self.deadline:
            try:
                self.walk()
            except _TimeUp:
                return
            except HttpError as error:
                self.errors.append(str(error))
                self.browser.cookie = None  # start again as a fresh kiosk

    def walk(self) -> None:
        def on_answer(browser, index):
            if time.monotonic() >= self.deadline:
                raise _TimeUp
            self.answers += 1

        answer_flow(self.browser, "okuyami", OKUYAMI_78, on_answer=on_answer)
        self.browser.follow("/okuyami/result")
        if RESULT_MARK not in self.browser.page:
            raise HttpError("the result page does not list the expected procedure")
        self.browser.follow(self.browser.post("/reset", {}))
        self.flows += 1


class _TimeUp(Exception):
    pass


def test_100_kiosks_for_60_seconds_without_an_error(tmp_path, capsys):
    url = database_url_for_tests(tmp_path / "db")
    with Server(tmp_path / "server", url, KIOSK_MODE="kiosk") as server:
        deadline = time.monotonic() + SECONDS
        kiosks = [Kiosk(server.base, deadline) for _ in range(KIOSKS)]
        started = time.monotonic()
        for kiosk in kiosks:
            kiosk.start()
        for kiosk in kiosks:
            kiosk.join(SECONDS + 60)
        elapsed = time.monotonic() - started
        assert not any(kiosk.is_alive() for kiosk in kiosks), "a kiosk is still waiting for a reply"
        server_log = server.log_path.read_text(errors="replace")
    errors = [error for kiosk in kiosks for error in kiosk.errors]
    requests = sum(kiosk.browser.requests for kiosk in kiosks)
    latencies = sorted(latency for kiosk in kiosks for latency in kiosk.browser.latencies)
    flows = sum(kiosk.flows for kiosk in kiosks)
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    with capsys.disabled():  # shown in every run's log, not only on failure
        print(
            f"\nload: {KIOSKS} kiosks, {elapsed:.0f} s, {requests} requests ({requests / elapsed:.0f}/s), "
            f"{flows} flows completed, {sum(k.answers for k in kiosks)} answers, {len(errors)} errors, "
            f"latency p50 {statistics.median(latencies) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms"
        )
    assert not errors, f"{len(errors)} errors, the first: {errors[:5]}\n{server_log[-4000:]}"
    assert all(kiosk.answers > 0 for kiosk in kiosks), "a kiosk never got to answer a question"
    assert flows >= KIOSKS // 5, f"only {flows} flows completed in {SECONDS} s"
    assert " [ERROR] " not in server_log and "Traceback" not in server_log, server_log[-4000:]
    assert not re.search(r'"status": [45]\d\d', server_log)  # the server's own access log agrees
