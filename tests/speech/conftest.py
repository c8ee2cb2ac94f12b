import ctypes.util
from pathlib import Path

import pytest

GOLD = Path(__file__).parent / "gold_readings.yaml"

HAS_ESPEAK = bool(ctypes.util.find_library("espeak-ng") or ctypes.util.find_library("espeak"))
needs_engine = pytest.mark.skipif(
    not HAS_ESPEAK, reason="espeak-ng is not installed (sh scripts/install-system-packages.sh as root)"
)
