"""Read-aloud on resident screens: the server hands out clip URLs for the texts of the page just shown.

Each page view stores its utterances (sentence-sized, never personal data) in the server-side session; the
browser asks for clip N of that list. Clients never send text to the synthesiser.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any, cast

from flask import Blueprint, Flask, abort, current_app, jsonify, request, send_file, session
from flask.blueprints import BlueprintSetupState
from werkzeug.wrappers import Response

from ..extensions import services
from ..speech.service import SpeechBusy, SpeechError, SpeechService, SpeechUnavailable
from ..store.models import StaffCall
from ..store.sessions import now
from . import state
from .limits import SPEECH_REPORT_LIMIT, kiosk_only, limiter, not_on_a_kiosk

bp = Blueprint("speech", __name__)
log = logging.getLogger("kiosk.speech")
MAX_UTTERANCES = 120
MAX_UTTERANCE_CHARS = 400


@bp.record_once
def speak_the_catalogue_languages(setup: BlueprintSetupState) -> None:
    """At start-up, give the speech service each language's `voice:` (questionnaires/translations/<lang>/ui.yaml),
    so a new language is spoken, or not, by its data alone."""
    built = services(cast(Flask, setup.app))
    if built.speech is not None:
        built.speech.use_languages({code: language.voice for code, language in built.catalogue.languages.items()})


def speech_service() -> SpeechService | None:
    """The app's speech service, or None when read-aloud is switched off."""
    return services().speech


def page_utterances(texts: list[str]) -> list[dict[str, Any]] | None:
    """Remember this page's utterances and return what the template needs: index, text, a version tag. None
    when the resident's language has no voice here: the page then shows no read-aloud controls."""
    service = speech_service()
    if service is None or not service.speaks(state.language_code()):
        if "speech" in session:  # clips of an earlier page in a language that spoke are no longer offered
            del session["speech"]
        return None
    cleaned = [" ".join(text.split())[:MAX_UTTERANCE_CHARS] for text in texts if text and text.strip()]
    cleaned = cleaned[:MAX_UTTERANCES]
    remembered = {"lang": state.language_code(), "texts": cleaned}
    if session.get("speech") != remembered:  # reading the same page again writes nothing
        session["speech"] = remembered
    return [
        {"index": index, "text": text, "tag": hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]}
        for index, text in enumerate(cleaned)
    ]


@bp.get("/clip/<int:index>")
def clip(index: int) -> Any:
    """Clip `index` of the current page's utterances, as Ogg Vorbis (or WAV)."""
    service = speech_service()
    stored = session.get("speech") or {}
    texts = stored.get("texts", [])
    if service is None:
        return _unavailable("speech is switched off")
    if not 0 <= index < len(texts):
        abort(404)
    rate = "slow" if request.args.get("rate") == "slow" else "normal"
    try:
        found = service.clip_for_text(texts[index], stored.get("lang", "ja"), rate)
    except SpeechBusy:
        response = jsonify(error="busy", message="読み上げが混み合っています。少し待ってからもう一度押してください。")
        response.status_code = 503
        response.headers["Retry-After"] = "2"
        return response
    except (SpeechUnavailable, SpeechError) as error:
        return _unavailable(type(error).__name__)
    response = send_file(found.path, mimetype=found.media_type, conditional=True, max_age=3600)
    return response


def _unavailable(reason: str) -> tuple[Response, int]:
    log.warning("speech unavailable reason=%s", reason)
    response = jsonify(error="speech_unavailable", message="読み上げを使えません。職員にお声がけください。")
    return response, 503


@bp.get("/status")
def status() -> Response:
    """Whether server speech can be used at all (the browser falls back to speechSynthesis otherwise)."""
    service = speech_service()
    return jsonify(server=service is not None)


@bp.post("/unavailable")
@limiter.limit(SPEECH_REPORT_LIMIT, exempt_when=not_on_a_kiosk)
def unavailable() -> Response:
    """The tablet has no way to speak: tell staff, as with 「職員を呼ぶ」 (counter tablets only)."""
    kiosk_only()
    database = services().database
    with database.session() as db:
        db.add(StaffCall(device=current_app.config["KIOSK_DEVICE"], event=session.get("event"),
                         page="読み上げが使えません", created_at=now()))
    return jsonify(recorded=True)
