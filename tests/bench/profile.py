"""Profile one benchmarked request in-process with the Flask test client and cProfile.

    python -m tests.bench.profile question [--requests 200] [--sort cumulative] [--limit 40]
    python -m tests.bench.profile all --timing      # CPU ms per request of every endpoint, and of hello

Endpoints: question, answer, result, slip, staff (the same requests as tests/bench/run.py). The app runs on a
fresh SQLite database in a temporary folder; the session is prepared like the benchmark's. `--timing` reports
the median over 5 batches of the process CPU time per request (no profiler), which varies much less than
throughput on a shared machine: it is the floor under what a worker can serve.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask

from kiosk import create_app

from .run import ANSWER_QUESTION, ANSWER_VALUES, QUESTION_PAGE, SCENARIO, STAFF
from .sessions import MAX_STEPS, FlowError, form_fields, scenario_answers


class Client:
    """A resident or clerk on the Flask test client (same steps as sessions.Browser)."""

    def __init__(self, app: Any) -> None:
        self.client = app.test_client()
        self.page = ""

    def get(self, path: str, expect: int = 200) -> Any:
        response = self.client.get(path)
        if response.status_code != expect:
            raise FlowError(f"GET {path}: {response.status_code}")
        self.page = response.get_data(as_text=True)
        return response

    def csrf(self) -> str:
        match = re.search(r'name="csrf_token" value="([^"]+)"', self.page)
        if not match:
            raise FlowError("no CSRF token")
        return match.group(1)

    def post(self, path: str, data: dict[str, Any], expect: int = 302) -> Any:
        response = self.client.post(path, data={"csrf_token": self.csrf(), **data})
        if response.status_code != expect:
            raise FlowError(f"POST {path}: {response.status_code}")
        return response

    def follow(self, response: Any) -> Any:
        return self.get(response.headers["Location"])


def answer_all(client: Client, answers: dict[str, Any]) -> None:
    client.get("/okuyami/")
    client.follow(client.post("/okuyami/start", {}))
    for _ in range(MAX_STEPS):
        if 'class="summary-list"' in client.page:
            return
        match = re.search(r'action="/okuyami/questions/([a-z0-9_]+)"', client.page)
        if not match:
            raise FlowError("no question")
        client.follow(client.post(f"/okuyami/questions/{match.group(1)}", form_fields(answers[match.group(1)])))
    raise FlowError("the flow did not end")


ENDPOINTS = ("question", "answer", "result", "slip", "staff")


def cpu_ms(request: Callable[[int], object], requests: int) -> float:
    """Median over 5 batches of the process CPU time per request, in ms, after a warm-up."""
    for index in range(10):
        request(index)
    batches = []
    for _ in range(5):
        started = time.process_time()
        for index in range(requests):
            request(index)
        batches.append((time.process_time() - started) / requests * 1000)
    return statistics.median(batches)


def switch_off_caches(app: Any) -> None:
    """Nothing kept between requests: what the first view of a page costs."""
    import kiosk.web.slip
    from kiosk.web.memo import EngineMemo
    from kiosk.web.page_cache import PageCache

    app.extensions["kiosk_pages"] = PageCache(max_bytes=0)
    app.extensions["kiosk_memo"] = EngineMemo(app.extensions["kiosk_content"], paths=0, results=0)
    kiosk.web.slip.qr_svg = kiosk.web.slip.qr_svg.__wrapped__  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.profile")
    parser.add_argument("endpoint", choices=[*ENDPOINTS, "all"])
    parser.add_argument("--timing", action="store_true", help="time without the profiler instead")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--limit", type=int, default=40)
    parser.add_argument("--cold", action="store_true",
                        help="switch off the page cache, the engine memo and the QR cache: every request renders "
                             "and resolves from scratch (a resident's first view)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kiosk-profile-") as folder:
        app = create_app({"KIOSK_DATABASE_URL": f"sqlite:///{Path(folder) / 'kiosk.sqlite3'}",
                          "SECRET_KEY": "benchmark-secret-key-0123456789", "KIOSK_MODE": "home"})
        app.extensions["kiosk_staff"].add(*STAFF, "staff")
        if args.cold:
            switch_off_caches(app)
        resident = Client(app)
        answer_all(resident, scenario_answers(SCENARIO))
        resident.get("/okuyami/slip")
        clerk = Client(app)
        clerk.get("/staff/login")
        clerk.post("/staff/login", {"name": STAFF[0], "password": STAFF[1]})
        clerk.get("/staff/")
        case_id = max(int(found) for found in re.findall(r"/staff/cases/(\d+)", clerk.page))
        answer_path = f"/okuyami/questions/{ANSWER_QUESTION}"
        resident.get(answer_path)
        token = resident.csrf()

        def one(index: int, endpoint: str = args.endpoint) -> None:
            if endpoint == "question":
                resident.get(f"/okuyami/questions/{QUESTION_PAGE}")
            elif endpoint == "answer":
                resident.client.post(answer_path, data={"csrf_token": token,
                                                        "answer": ANSWER_VALUES[index % 2]})
            elif endpoint == "result":
                resident.get("/okuyami/result")
            elif endpoint == "slip":
                resident.get("/okuyami/slip")
            else:
                clerk.get(f"/staff/cases/{case_id}")

        if args.timing:
            for endpoint in ENDPOINTS if args.endpoint == "all" else [args.endpoint]:
                spent = cpu_ms(lambda i, e=endpoint: one(i, e), args.requests)
                print(f"{endpoint:<10} {spent:7.3f} ms CPU per request")
            hello = Flask("hello")
            hello.get("/")(lambda: "hello")
            client = hello.test_client()
            print(f"{'hello':<10} {cpu_ms(lambda i: client.get('/'), args.requests):7.3f} ms CPU per request")
            return
        if args.endpoint == "all":
            parser.error("profile one endpoint at a time")
        for index in range(10):  # warm-up: templates compiled, connections open
            one(index)
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for index in range(args.requests):
            one(index)
        profiler.disable()
        elapsed = time.perf_counter() - started
        print(f"{args.endpoint}: {args.requests} requests, {elapsed / args.requests * 1000:.2f} ms each "
              f"(with cProfile overhead)")
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.limit)


if __name__ == "__main__":
    main()
