"""GET /health: does the database take reads and writes, is speech ready (and in which languages)? For load
balancers and monitoring."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import services
from .limits import HEALTH_LIMIT, limiter

bp = Blueprint("health", __name__)


@bp.get("/health")
@limiter.limit(HEALTH_LIMIT)
def health() -> Any:
    """200 when everything needed to serve residents works, 503 otherwise. No personal data."""
    checks: dict[str, Any] = {}
    database = services().database
    try:
        with database.read() as db:
            db.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except SQLAlchemyError as error:
        checks["database"] = f"unavailable ({type(error).__name__})"
    else:
        # Every answer a resident gives is a write: a database that reads but cannot write (a read-only file or
        # server, a full disk) fails residents at their first answer. A row updated and rolled back: cheap.
        try:
            database.check_writes()
            checks["database_writes"] = "ok"
        except SQLAlchemyError as error:
            checks["database_writes"] = f"unavailable ({type(error).__name__})"
    speech = services().speech
    if speech is not None:
        # Cheap on purpose (monitors poll this): is the audio cache usable? `kiosk speech check` synthesises.
        checks["speech"] = "ok" if speech.cache_writable() else "unavailable"
        # Per language: does this machine have its voice (espeak-ng's list, read at start-up)? "no_voice": the
        # pages in that language show no read-aloud and offer 「職員を呼ぶ」 instead.
        checks["speech_languages"] = {
            code: "ok" if speech.speaks(code) else "no_voice" for code in services().catalogue.languages
        }
    # Speech is optional: the guide works without it.
    healthy = checks["database"] == checks.get("database_writes") == "ok"
    return jsonify(status="ok" if healthy else "unavailable", checks=checks), 200 if healthy else 503
