"""Server CPU per request in-process: whole おくやみ visits handed to the WSGI app directly, no server, no network.

    python -m tests.bench.profile                      # CPU ms per request over whole visits, and hello's (JSON)
    python -m tests.bench.profile --profile            # … and a cProfile of the same visits: top functions
    python -m tests.bench.profile --visits 10 --rounds 3 --events okuyami,hikkoshi

The app runs on a fresh SQLite database in a temporary folder with the production settings (home mode), and
what start-up built is frozen out of the garbage collector as in each gunicorn worker (gunicorn.conf.py). The
visits are the load's (tests/bench/visit.py: distinct residents, every page and form post, the clerk's scan, case
and forms); only the app's own work is timed: time.process_time() around werkzeug's run_wsgi_app for each
request, not the building of the request or the reading of the page. The bare Flask hello is timed the same
way. Each round gives the mean per request; the median of the rounds is reported.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import pstats
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.test import EnvironBuilder, run_wsgi_app

from .residents import Plan, Residents
from .visit import FlowError, Jar, Reply, Visit, check, clerk_login, local, resident_visit

STAFF = ("bench", "kumo-tsukue-hashiru-7391-sora")  # strong enough for kiosk.store.staff
STAFF_ACCESS = "127.0.0.1/32"  # the home guide opens /staff to the counter's network only (here: loopback)


def hello_app() -> Flask:
    from .hello import app

    return app


class InProcess:
    """Hands each Step of a visit to a WSGI app; sums the CPU time of the app's own calls, per page kind."""

    def __init__(self, app: Any, profiler: cProfile.Profile | None = None) -> None:
        self.app = app
        self.profiler = profiler
        self.cpu: dict[str, list[float]] = defaultdict(list)

    def call(self, method: str, path: str, cookie: str = "", form: dict[str, Any] | None = None
             ) -> tuple[Reply, float]:
        """The reply, and the process CPU seconds the app spent on it."""
        headers = [("Cookie", cookie)] if cookie else []
        environ = EnvironBuilder(path=path, method=method, headers=headers, data=form,
                                 base_url="http://127.0.0.1:8000",
                                 environ_base={"REMOTE_ADDR": "127.0.0.1"}).get_environ()
        profiler = self.profiler
        started = time.process_time()
        if profiler is not None:
            profiler.enable()
        body, status, response_headers = run_wsgi_app(self.app, environ, buffered=True)
        if profiler is not None:
            profiler.disable()
        spent = time.process_time() - started
        text = b"".join(body).decode("utf-8", "replace")
        location = local(response_headers.get("Location", ""))
        return Reply(int(status.split(" ", 1)[0]), location, text, response_headers.getlist("Set-Cookie")), spent

    def run(self, visit: Visit) -> None:
        try:
            step = next(visit)
            while True:
                reply, spent = self.call(step.method, step.path, step.jar.header(), step.form)
                self.cpu[step.kind].append(spent)
                check(step, reply)
                step = visit.send(reply)
        except StopIteration:
            return


def make_app(folder: Path) -> Any:
    from kiosk import create_app
    from kiosk.extensions import services

    app = create_app({"KIOSK_DATABASE_URL": f"sqlite:///{folder / 'kiosk.sqlite3'}",
                      "SECRET_KEY": "benchmark-secret-key-0123456789", "KIOSK_MODE": "home",
                      "KIOSK_STAFF_ACCESS": STAFF_ACCESS})
    services(app).staff.add(*STAFF, "staff")
    return app


def measure(visits: int, rounds: int, events: tuple[str, ...], today: date, profile: bool,
            hello_requests: int = 3000) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="kiosk-profile-") as folder:
        app = make_app(Path(folder))
        hello = hello_app()
        residents = Residents(today, events)
        clerk = Jar()
        driver = InProcess(app)
        driver.run(clerk_login(clerk, *STAFF))
        driver.run(resident_visit(residents.make(1)[0], clerk))  # warm-up: templates compiled, connections open
        hello_driver = InProcess(hello)
        for _ in range(50):
            hello_driver.call("GET", "/")
        gc.collect()
        gc.freeze()  # as gunicorn.conf.py's post_worker_init does in each worker
        plans: list[list[Plan]] = [residents.make(visits) for _ in range(rounds)]
        app_rounds, hello_rounds, kinds = [], [], defaultdict(list)
        for number in range(rounds):
            driver = InProcess(app)
            for plan in plans[number]:
                driver.run(resident_visit(plan, clerk))
            spent = [s for values in driver.cpu.values() for s in values]
            app_rounds.append(sum(spent) / len(spent) * 1000)
            for kind, values in driver.cpu.items():
                kinds[kind].extend(values)
            hello_spent = [hello_driver.call("GET", "/")[1] for _ in range(hello_requests)]
            hello_rounds.append(statistics.mean(hello_spent) * 1000)
        result: dict[str, Any] = {
            "app_ms": app_rounds, "hello_ms": hello_rounds,
            "requests_per_visit": sum(len(v) for v in kinds.values()) / (visits * rounds),
            "kinds": {kind: {"count": len(values) / (visits * rounds), "mean_ms": statistics.mean(values) * 1000,
                             "share": sum(values)} for kind, values in kinds.items()},
        }
        total = sum(k["share"] for k in result["kinds"].values())
        for kind in result["kinds"].values():
            kind["share"] /= total
        if profile:
            profiler = cProfile.Profile()
            driver = InProcess(app, profiler)
            for plan in residents.make(visits):
                driver.run(resident_visit(plan, clerk))
            result["profile"] = top_functions(profiler, 25)
            result["profile"]["parts"] = parts(profiler, sum(len(v) for v in driver.cpu.values()))
        return result


# Where a request's time goes, by the cumulative time of one function each (they may nest: the shares overlap).
PARTS = (
    ("templates (render_template)", "flask/templating.py", "render_template"),
    ("session read (open_session)", "kiosk/web/session.py", "open_session"),
    ("session write (save_session)", "kiosk/web/session.py", "save_session"),
    ("database: every statement (Connection.execute)", "sqlalchemy/engine/base.py", "execute"),
    ("database: commits", "sqlalchemy/engine/base.py", "commit"),
    ("engine: the path (walk)", "kiosk/engine/path.py", "walk"),
    ("engine: the result (resolve)", "kiosk/engine/resolver.py", "resolve"),
    ("url_for", "flask/app.py", "url_for"),
    ("CSRF check (Flask-WTF protect)", "flask_wtf/csrf.py", "protect"),
    ("CSRF token (generate_csrf)", "flask_wtf/csrf.py", "generate_csrf"),
    ("staff: load the clerk (user_loader)", "kiosk/web/staff.py", "load"),
    ("audit entries", "kiosk/store/cases.py", "audit"),
    ("case saved (save_case)", "kiosk/store/cases.py", "save_case"),
    ("QR drawn (qr_svg)", "kiosk/web/qr_image.py", "qr_svg"),
    ("prefilled forms (form_context)", "kiosk/forms", "form_context"),
    ("security headers", "kiosk/web/security.py", ""),
)


def parts(profiler: cProfile.Profile, requests: int) -> list[list[Any]]:
    """PARTS: [name, ms per request, share of all time], largest first."""
    entries = pstats.Stats(profiler, stream=io.StringIO()).stats  # type: ignore[attr-defined]
    total = sum(tt for (_, _, tt, _, _) in entries.values())
    found = []
    for name, filename, function in PARTS:
        matching = [(ct, key) for key, (_, _, _, ct, _) in entries.items()
                    if filename in key[0] and (key[2] == function or not function)]
        if not function:  # a module: its functions' own time
            seconds = sum(entries[key][2] for _, key in matching)
        else:  # the outermost call: the largest cumulative time (recursion and nesting are not added twice)
            seconds = max((ct for ct, _ in matching), default=0.0)
        found.append([name, seconds * 1000 / requests, seconds / total if total else 0.0])
    return sorted(found, key=lambda part: -part[1])


def top_functions(profiler: cProfile.Profile, limit: int) -> dict[str, list[list[Any]]]:
    """The functions with the most own time and the most cumulative time (file:line(name), ms, share)."""
    stats = pstats.Stats(profiler, stream=io.StringIO())
    entries = stats.stats  # type: ignore[attr-defined]
    total = sum(tt for (_, _, tt, _, _) in entries.values())

    def name(key: tuple[str, int, str]) -> str:
        filename, line, function = key
        for marker in ("site-packages/", "/work/main/", "lib/python3"):
            if marker in filename:
                filename = filename.split(marker, 1)[1]
        return f"{filename}:{line}({function})" if line else function

    own = sorted(entries.items(), key=lambda item: item[1][2], reverse=True)[:limit]
    cumulative = sorted(entries.items(), key=lambda item: item[1][3], reverse=True)[:limit * 2]
    return {
        "total_ms": [[total * 1000]],
        "own": [[name(key), tt * 1000, tt / total] for key, (_, _, tt, _, _) in own],
        "cumulative": [[name(key), ct * 1000, ct / total] for key, (_, _, _, ct, _) in cumulative],
    }


def main(argv: list[str] | None = None) -> int:
    from kiosk.clock import today_in_japan

    parser = argparse.ArgumentParser(prog="python -m tests.bench.profile", description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=6, help="visits per round (default 6)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--events", default="okuyami")
    parser.add_argument("--profile", action="store_true", help="also a cProfile of the visits: top functions")
    parser.add_argument("--json", action="store_true", help="print JSON only")
    args = parser.parse_args(argv)
    try:
        result = measure(args.visits, args.rounds, tuple(args.events.split(",")), today_in_japan(), args.profile)
    except FlowError as error:
        print(f"the visit broke: {error}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(result))
        return 0
    app, hello = statistics.median(result["app_ms"]), statistics.median(result["hello_ms"])
    print(f"CPU per request over whole {args.events} visits: {app:.3f} ms (rounds {result['app_ms']}); "
          f"hello {hello:.4f} ms; ratio {app / hello:.1f}×; {result['requests_per_visit']:.0f} requests a visit")
    for kind, values in sorted(result["kinds"].items(), key=lambda item: -item[1]["share"]):
        print(f"  {kind:<22} {values['count']:5.1f} a visit  {values['mean_ms']:7.3f} ms  "
              f"{values['share'] * 100:5.1f} % of the visit's CPU")
    if args.profile:
        print("\nwhere the time goes (cumulative, overlapping):")
        for entry in result["profile"]["parts"]:
            print(f"  {entry[2] * 100:5.1f} %  ≈ {entry[2] * app:.3f} ms a request  {entry[0]}")
        print("\nown time (top):")
        for entry in result["profile"]["own"]:
            print(f"  {entry[1]:9.1f} ms {entry[2] * 100:5.1f} %  {entry[0]}")
        print("\ncumulative (top):")
        for entry in result["profile"]["cumulative"]:
            print(f"  {entry[1]:9.1f} ms {entry[2] * 100:5.1f} %  {entry[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
