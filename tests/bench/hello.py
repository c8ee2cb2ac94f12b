"""The reference: a bare Flask app answering "hello", served like the app (gunicorn gthread, 2 workers × 4 threads).

    gunicorn -w 2 -k gthread --threads 4 -b 127.0.0.1:8001 tests.bench.hello:app
"""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "hello"
