"""Read-aloud: kana readings for Japanese text and a speech service that turns known texts into cached audio.

    from kiosk.speech import SpeechService, reading_for
    reading_for("住民票の写しは1通300円です")   # "ジューミンヒョーノウツシワイッツーサンビャクエンデス"

No web framework here: the web layer maps a text key to a clip and SpeechBusy / SpeechUnavailable to HTTP 503.
"""

from .readings import Readings, ReadingsError, reading_for, reading_problems
from .service import (
    Clip,
    SpeechBusy,
    SpeechError,
    SpeechService,
    SpeechUnavailable,
    UnknownText,
    catalogue_lookup,
    default_cache_dir,
)

__all__ = [
    "Clip",
    "Readings",
    "ReadingsError",
    "SpeechBusy",
    "SpeechError",
    "SpeechService",
    "SpeechUnavailable",
    "UnknownText",
    "catalogue_lookup",
    "default_cache_dir",
    "reading_for",
    "reading_problems",
]
