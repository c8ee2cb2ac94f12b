"""Production serving: gunicorn (threads) on Linux and macOS, waitress where gunicorn cannot run (Windows)."""

from __future__ import annotations

import gc
import os
import sys
from collections import Counter
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from .logs import configure_logging

_SERVER_CPUS = "KIOSK_SERVER_CPUS"  # the cores a worker could use before it was kept to one
# Paths only, never query strings (a query may hold a code); no user agent, no referrer. "worker" is the
# process id (gunicorn writes it as <1234>).
ACCESS_LOG_FORMAT = (
    '{"remote": "%(h)s", "request": "%(m)s %(U)s", "status": %(s)s, "bytes": "%(B)s", "ms": %(M)s, "worker": "%(p)s"}'
)


def default_workers() -> int:
    """One worker process per core: the engine is CPU-bound and each worker serves several threads."""
    return max(1, len(_cpus()) or os.cpu_count() or 1)


def serve(host: str, port: int, workers: int, threads: int) -> None:
    """Run the app until stopped."""
    configure_logging(os.environ.get("KIOSK_LOG_LEVEL", "INFO"))
    if sys.platform != "win32":
        try:
            import gunicorn  # noqa: F401
        except ImportError:
            pass
        else:
            _migrate_once()
            run_gunicorn(_create_app, host, port, workers, threads)
            return
    from waitress import serve as waitress_serve

    waitress_serve(_long_lived(_create_app()), host=host, port=port, threads=workers * threads)


def run_gunicorn(load: Callable[[], Any], host: str, port: int, workers: int, threads: int) -> None:
    """Serve the WSGI app that `load` builds (once in each worker) under gunicorn with the settings below.

    The benchmarks serve their reference app with this too, so that both run under the same configuration."""
    from gunicorn.app.base import BaseApplication

    class Application(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in gunicorn_settings(host, port, workers, threads).items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return _long_lived(load())

    Application().run()


def gunicorn_settings(host: str, port: int, workers: int, threads: int) -> dict[str, Any]:
    """gunicorn's settings for the app: gthread workers, JSON access log, a socket and a core per worker."""
    return {
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
        # Each worker listens on its own socket (SO_REUSEPORT) and the kernel spreads new connections over
        # them. With one shared socket, whichever worker wakes first accepts a whole burst of connections:
        # kept alive, 32 connections stayed 32/0 on one worker as often as not, and that worker's core did all
        # the work while the other idled (docs/benchmarks.md). Side effects, in the README: a second server
        # of the same user on the same port starts too and shares the traffic, and connections still waiting
        # in a worker that dies are reset. KIOSK_REUSE_PORT=0 goes back to one shared socket.
        "reuse_port": os.environ.get("KIOSK_REUSE_PORT", "1") != "0",
        "pre_fork": _choose_cpu,
        "post_fork": _keep_to_cpu,
    }


def pinning_enabled() -> bool:
    """Whether each worker is kept to one core (KIOSK_PIN_WORKERS, on unless set to 0)."""
    return os.environ.get("KIOSK_PIN_WORKERS", "1") != "0" and hasattr(os, "sched_setaffinity")


def _cpus() -> list[int]:
    """The cores this process may run on (a container or systemd may allow fewer than the machine has)."""
    return sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []


def _choose_cpu(server: Any, worker: Any) -> None:
    """In the master, before a worker starts: the core its siblings use least (a restarted worker takes the
    core its predecessor left).

    Why one core per worker: a worker's threads hand the GIL and the write lock to each other several times per
    request. Between threads on different cores each hand-over wakes the other core, which on virtual machines
    costs more than the request's own work: an answer took twice the CPU with two threads as with one, and the
    same with the threads kept on one core (docs/benchmarks.md). A worker uses one core at a time anyway."""
    cpus = _cpus()
    worker.kiosk_cpu = None
    if not pinning_enabled() or len(cpus) < 2:
        return
    used = Counter(getattr(sibling, "kiosk_cpu", None) for sibling in server.WORKERS.values())
    worker.kiosk_cpu = min(cpus, key=lambda cpu: (used[cpu], cpu))


def _keep_to_cpu(server: Any, worker: Any) -> None:
    """In the new worker: run its threads on the chosen core only."""
    cpu = getattr(worker, "kiosk_cpu", None)
    if cpu is None:
        return
    # Helper processes the worker starts (the speech engine) get all the server's cores back: release_cores().
    os.environ[_SERVER_CPUS] = ",".join(str(core) for core in _cpus())
    try:
        os.sched_setaffinity(0, {cpu})
    except OSError as error:  # the core went away since the master chose it (a cpuset changed): run unpinned
        server.log.warning("worker %s not kept to core %s: %s", worker.pid, cpu, error)


def release_cores() -> None:
    """In a process started by a worker kept to one core: run on every core the server may use again."""
    cores = os.environ.get(_SERVER_CPUS, "")
    if cores and hasattr(os, "sched_setaffinity"):
        with suppress(OSError, ValueError):
            os.sched_setaffinity(0, {int(core) for core in cores.split(",")})


def _long_lived(app: Any) -> Any:
    """Keep what start-up built (content, templates, modules) out of the garbage collector's full collections.

    A full collection otherwise walks the ~140,000 objects the app holds for its whole life: 55–100 ms with the
    GIL held, which stalls every thread of the worker and showed as the p99 latency (docs/benchmarks.md)."""
    gc.collect()
    gc.freeze()
    return app


def _create_app() -> Any:
    from . import create_app

    return create_app()


def _migrate_once() -> None:
    """Check the content and bring the schema up to date in the master process, before the workers start: workers
    that each migrate an empty database at the same moment fail with "table … already exists"."""
    _create_app().extensions["kiosk_database"].engine.dispose()  # no connection is carried into the forks
