"""The reference: a bare Flask app answering "hello", served as `kiosk serve` serves the app — through
kiosk.serve.run_gunicorn, so with the same kiosk/gunicorn.conf.py (workers, threads, keep-alive, hooks), and with the
app's own access log (kiosk.logs), which the app writes instead of gunicorn.

    python -m tests.bench.hello --port 8001          # workers and threads as gunicorn.conf.py sets them
"""

from __future__ import annotations

import argparse

from flask import Flask

from kiosk.logs import init_app as init_access_log
from kiosk.serve import run_gunicorn

app = Flask(__name__)
init_access_log(app)


@app.get("/")
def hello() -> str:
    return "hello"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.hello")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=None, help="default: gunicorn.conf.py's")
    parser.add_argument("--threads", type=int, default=None, help="default: gunicorn.conf.py's")
    args = parser.parse_args()
    run_gunicorn(lambda: app, args.host, args.port, args.workers, args.threads)


if __name__ == "__main__":
    main()
