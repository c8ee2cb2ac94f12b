"""gunicorn's settings for `kiosk serve` (and the benchmarks' reference app, so that both run alike).

`kiosk serve --host/--port/--workers/--threads` override bind, workers and threads. The file is also a plain
gunicorn config: `gunicorn -c kiosk/gunicorn.conf.py "kiosk:create_app()"` serves the same way, except that each
worker then migrates the database itself at start-up (`kiosk serve` migrates once, before the workers start).
"""

import gc
import os

bind = "127.0.0.1:8000"
# One worker process per core: the engine is CPU-bound and each worker serves several threads.
workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
threads = 4
worker_class = "gthread"
timeout = 30
graceful_timeout = 10
keepalive = 5

# No access log from gunicorn: the app writes it (kiosk.logs.AccessLog), as JSON lines with the route template that
# answered. gunicorn knows only the raw path, which holds the API's session ids (/api/v1/sessions/<id>/…) and
# whatever else a client puts there (%0A, decoded, split its lines).
accesslog = None
errorlog = "-"

# Opt-in (KIOSK_REUSE_PORT=1): each worker listens on its own socket (SO_REUSEPORT) and the kernel spreads new
# connections over them. With one shared socket, whichever worker wakes first may accept a whole burst of kept-alive
# connections (docs/benchmarks.md). Off by default because a second server on the same port then starts without an
# error and silently shares the traffic, and connections waiting in a worker that dies are reset.
reuse_port = os.environ.get("KIOSK_REUSE_PORT") == "1"


def post_worker_init(worker: object) -> None:
    """Keep what start-up built (content, templates, modules) out of the garbage collector's full collections.

    A full collection otherwise walks the ~140,000 objects the app holds for its whole life: 55–100 ms with the
    GIL held, which stalls every thread of the worker and showed as the p99 latency (docs/benchmarks.md)."""
    gc.collect()
    gc.freeze()

# gunicorn 27 opens a control socket at one fixed path per user: two servers on one machine (a test server beside
# a running one, the benchmark's two apps) would fight over it. Nothing here uses it.
control_socket_disable = True
