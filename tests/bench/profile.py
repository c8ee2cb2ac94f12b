"""Profile the benchmarked requests in-process: the WSGI app called directly, without a server.

    python -m tests.bench.profile question [--requests 200] [--sort cumulative] [--limit 40]
    python -m tests.bench.profile all --timing                # CPU ms per request of every endpoint, and of hello
    python -m tests.bench.profile all --timing --threads 2    # two threads at once, on any core
    python -m tests.bench.profile all --timing --threads 2 --one-core   # … kept to one core, as `kiosk serve` does

Endpoints: question, answer, result, slip, staff (the same requests as tests/bench/run.py). The app runs on a
fresh SQLite database in a temporary folder; the sessions are prepared like the benchmark's with Flask's test
client, then each request is a prepared WSGI environ handed to the app, and the objects start-up built are
frozen out of the garbage collector as in `kiosk serve`. `--timing` reports the process CPU time per request
(no profiler), lowest and median of 9 batches: it varies much less than throughput on a shared machine and is
the floor under what a worker can serve. `--threads N` runs N threads at once, as a worker's threads do.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import pstats
import re
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.test import EnvironBuilder, run_wsgi_app

from kiosk import create_app

from .run import ANSWER_QUESTION, ANSWER_VALUES, QUESTION_PAGE, SCENARIO, STAFF
from .sessions import COOKIE, MAX_STEPS, FlowError, form_fields, scenario_answers


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


class WsgiRequest:
    """One request, built once and handed to a WSGI app as often as wanted (no test client in the timing)."""

    def __init__(self, app: Any, path: str, cookie: str = "", form: dict[str, str] | None = None) -> None:
        self.app = app
        headers = [("Cookie", f"{COOKIE}={cookie}")] if cookie else []
        builder = EnvironBuilder(path=path, method="POST" if form else "GET", headers=headers, data=form)
        self.environ = builder.get_environ()
        self.body = self.environ["wsgi.input"].read()

    def __call__(self) -> str:
        _, status, _ = run_wsgi_app(self.app, {**self.environ, "wsgi.input": io.BytesIO(self.body)}, buffered=True)
        return status


def cpu_ms(request: Callable[[int], object], requests: int, threads: int = 1) -> tuple[float, float]:
    """Process CPU time per request in ms (lowest and median of 9 batches), `threads` threads at once."""
    for index in range(20):
        request(index)

    def work() -> None:
        for index in range(requests):
            request(index)

    batches = []
    for _ in range(9):
        workers = [threading.Thread(target=work) for _ in range(threads)]
        started = time.process_time()
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        batches.append((time.process_time() - started) / (requests * threads) * 1000)
    return min(batches), statistics.median(batches)


def switch_off_caches(app: Any) -> None:
    """Nothing kept between requests: what the first view of a page costs."""
    import kiosk.web.slip
    from kiosk.web.memo import EngineMemo
    from kiosk.web.page_cache import PageCache

    app.extensions["kiosk_pages"] = PageCache(max_bytes=0)
    app.extensions["kiosk_staff_pages"] = PageCache(max_bytes=0)
    app.extensions["kiosk_memo"] = EngineMemo(app.extensions["kiosk_content"], paths=0, results=0)
    kiosk.web.slip.qr_svg = kiosk.web.slip.qr_svg.__wrapped__  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.profile")
    parser.add_argument("endpoint", choices=[*ENDPOINTS, "all"])
    parser.add_argument("--timing", action="store_true", help="time without the profiler instead")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--limit", type=int, default=40)
    parser.add_argument("--threads", type=int, default=1, help="with --timing: threads at once (default 1)")
    parser.add_argument("--one-core", action="store_true",
                        help="keep the process to one core, as `kiosk serve` keeps each worker (Linux)")
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

        cookie = resident.client.get_cookie(COOKIE)
        clerk_cookie = clerk.client.get_cookie(COOKIE)
        assert cookie is not None and clerk_cookie is not None
        hello = Flask("hello")
        hello.get("/")(lambda: "hello")
        requests: dict[str, list[WsgiRequest]] = {
            "question": [WsgiRequest(app, f"/okuyami/questions/{QUESTION_PAGE}", cookie.value)],
            "answer": [WsgiRequest(app, answer_path, cookie.value, {"csrf_token": token, "answer": value})
                       for value in ANSWER_VALUES],
            "result": [WsgiRequest(app, "/okuyami/result", cookie.value)],
            "slip": [WsgiRequest(app, "/okuyami/slip", cookie.value)],
            "staff": [WsgiRequest(app, f"/staff/cases/{case_id}", clerk_cookie.value)],
            "hello": [WsgiRequest(hello, "/")],
        }
        for endpoint, built in requests.items():
            expected = "302" if endpoint == "answer" else "200"
            if not all(request().startswith(expected) for request in built):
                raise FlowError(f"{endpoint}: not {expected}")
        gc.collect()
        gc.freeze()  # as kiosk serve does in each worker
        if args.one_core:
            os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

        def one(index: int, endpoint: str = args.endpoint) -> None:
            built = requests[endpoint]
            built[index % len(built)]()

        if args.timing:
            where = "one core" if args.one_core else "any core"
            print(f"process CPU per request, {args.threads} thread(s) at once, {where} (lowest / median of 9)")
            for endpoint in [*ENDPOINTS, "hello"] if args.endpoint == "all" else [args.endpoint, "hello"]:
                low, median = cpu_ms(lambda i, e=endpoint: one(i, e), args.requests, args.threads)
                print(f"{endpoint:<10} {low:7.3f} / {median:7.3f} ms")
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
