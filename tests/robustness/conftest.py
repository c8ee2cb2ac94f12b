from collections.abc import Iterator
from contextlib import contextmanager

from kiosk.extensions import services

from ..web.conftest import make_app


@contextmanager
def app_for_tests(tmp_path, reset: bool = True, **config) -> Iterator:
    """make_app, with the database connections closed and the speech workers stopped afterwards (an open psycopg
    connection left to the garbage collector is a ResourceWarning, which this suite turns into an error)."""
    app = make_app(tmp_path, reset, **config)
    try:
        yield app
    finally:
        services(app).database.engine.dispose()
        speech = services(app).speech
        if speech is not None:
            speech.close()
