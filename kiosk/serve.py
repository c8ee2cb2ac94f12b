"""Production serving: gunicorn with gunicorn.conf.py (beside this module) on Linux and macOS, waitress where
gunicorn cannot run (Windows).

The config file sits in the package, not at the project root, so that it is found from this module's own path
however the package is installed (editable or not) and whatever the working directory."""

from __future__ import annotations

import os
import runpy
import sys
from collections.abc import Callable
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from .extensions import services
from .logs import configure_logging

GUNICORN_CONFIG = Path(__file__).with_name("gunicorn.conf.py")


def serve(host: str, port: int, workers: int | None = None, threads: int | None = None) -> None:
    """Run the app until stopped; workers and threads default to gunicorn.conf.py's."""
    configure_logging(os.environ.get("KIOSK_LOG_LEVEL", "INFO"))
    if sys.platform != "win32" and find_spec("gunicorn") is not None:
        _migrate_once()
        run_gunicorn(_create_app, host, port, workers, threads)
        return
    from waitress import serve as waitress_serve

    settings = gunicorn_settings()
    app = _create_app()
    settings["post_worker_init"](None)  # start-up's objects frozen, as in each gunicorn worker
    every_thread = (workers or settings["workers"]) * (threads or settings["threads"])  # one process serves all
    waitress_serve(app, host=host, port=port, threads=every_thread)


def run_gunicorn(
    load: Callable[[], Any], host: str, port: int, workers: int | None = None, threads: int | None = None
) -> None:
    """Serve the WSGI app that `load` builds (once in each worker) under gunicorn with gunicorn.conf.py's settings.

    The benchmarks serve their reference app with this too, so that both run under the same configuration."""
    from gunicorn.app.base import BaseApplication

    overrides = {"bind": f"{host}:{port}", "workers": workers, "threads": threads}

    class Application(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            settings = {**gunicorn_settings(), **{key: value for key, value in overrides.items() if value is not None}}
            for key, value in settings.items():
                if key in self.cfg.settings:  # as gunicorn reads a config file: other names are the file's own
                    self.cfg.set(key, value)

        def load(self) -> Any:
            return load()

    Application().run()


def gunicorn_settings() -> dict[str, Any]:
    """The names gunicorn.conf.py defines (gunicorn settings and hooks, plus its imports)."""
    return runpy.run_path(str(GUNICORN_CONFIG))


def _create_app() -> Any:
    from . import create_app

    return create_app()


def _migrate_once() -> None:
    """Check the content and bring the schema up to date in the master process, before the workers start: workers
    that each migrate an empty database at the same moment fail with "table … already exists"."""
    services(_create_app()).database.engine.dispose()  # no connection is carried into the forks
