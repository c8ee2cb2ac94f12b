"""Where read-aloud keeps what it works out once: audio clips (service) and remembered readings (readings)."""

from __future__ import annotations

import os
from pathlib import Path

from ..config import PROJECT_ROOT


def default_cache_dir() -> Path:
    """KIOSK_SPEECH_CACHE, or instance/speech beside the package (shared by every server process)."""
    configured = os.environ.get("KIOSK_SPEECH_CACHE")
    return Path(configured) if configured else PROJECT_ROOT / "instance" / "speech"
