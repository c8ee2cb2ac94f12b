"""The reference: a bare Flask app answering "hello", served exactly as `kiosk serve` serves the app (the same
gunicorn settings and hooks from kiosk.serve: gthread, a socket and a core per worker, the same access log).

    python -m tests.bench.hello --port 8001 --workers 2 --threads 4
"""

from __future__ import annotations

import argparse

from flask import Flask

from kiosk.serve import run_gunicorn

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "hello"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.hello")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, required=True)
    parser.add_argument("--threads", type=int, required=True)
    args = parser.parse_args()
    run_gunicorn(lambda: app, args.host, args.port, args.workers, args.threads)


if __name__ == "__main__":
    main()
