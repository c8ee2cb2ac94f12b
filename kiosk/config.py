"""Settings from the environment (KIOSK_*), with safe defaults for a single machine."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def content_dir() -> Path:
    """Where questionnaires/ lives: KIOSK_CONTENT_DIR, or the folder beside the package."""
    configured = os.environ.get("KIOSK_CONTENT_DIR")
    return Path(configured) if configured else PROJECT_ROOT / "questionnaires"
