"""Production serving: gunicorn (threads) on Linux and macOS, waitress where gunicorn cannot run (Windows)."""

from __future__ import annotations

import gc
import os
import sys
from typing import Any

from .logs import configure_logging

# Paths only, never query strings (a query may hold a code); no user agent, no referrer.
ACCESS_LOG_FORMAT = '{"remote": "%(h)s", "request": "%(m)s %(U)s", "status": %(s)s, "bytes": "%(B)s", "ms": %(M)s}'


def default_workers() -> int:
    """One worker process per core: the engine is CPU-bound and each worker serves several threads."""
    return max(1, os.cpu_count() or 1)


def _long_lived(app: Any) -> Any:
    """Keep what start-up built (content, templates, modules) out of the garbage collector's full collections.

    A full collection otherwise walks the ~140,000 objects the app holds for its whole life: 55–100 ms with the
    GIL held, which stalls every thread of the worker and showed as the p99 latency (docs/benchmarks.md)."""
    gc.collect()
    gc.freeze()
    return app


def serve(host: str, port: int, workers: int, threads: int) -> None:
    """Run the app until stopped."""
    configure_logging(os.environ.get("KIOSK_LOG_LEVEL", "INFO"))
    if sys.platform != "win32":
        try:
            from gunicorn.app.base import BaseApplication
        except ImportError:
            pass
        else:
            _migrate_once()
            _Gunicorn(BaseApplication, host, port, workers, threads).run()
            return
    from waitress import serve as waitress_serve

    from . import create_app

    waitress_serve(_long_lived(create_app()), host=host, port=port, threads=workers * threads)


def _migrate_once() -> None:
    """Check the content and bring the schema up to date in the master process, before the workers start: workers
    that each migrate an empty database at the same moment fail with "table … already exists"."""
    from . import create_app

    create_app().extensions["kiosk_database"].engine.dispose()  # no connection is carried into the forks


def _Gunicorn(base: type, host: str, port: int, workers: int, threads: int) -> Any:
    """A gunicorn application that builds the Flask app in each worker (no shared connections across forks)."""

    class Application(base):  # type: ignore[misc,valid-type]
        def load_config(self) -> None:
            settings = {
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
                "accesslog": "-",
                "access_log_format": ACCESS_LOG_FORMAT,
                "errorlog": "-",
                "timeout": 30,
                "graceful_timeout": 10,
                "keepalive": 5,
                # Each worker listens on its own socket (SO_REUSEPORT) and the kernel spreads new connections
                # over them. With one shared socket, whichever worker wakes first accepts a whole burst of
                # connections: kept alive, 32 connections stayed 32/0 on one worker as often as not, and that
                # worker's core did all the work while the other idled (docs/benchmarks.md).
                "reuse_port": True,
            }
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from . import create_app

            return _long_lived(create_app())

    return Application()
