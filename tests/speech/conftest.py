import ctypes.util
from pathlib import Path

import pytest

GOLD = Path(__file__).parent / "gold_readings.yaml"

HAS_ESPEAK = bool(ctypes.util.find_library("espeak-ng") or ctypes.util.find_library("espeak"))
# Skips without espeak-ng, but fails on CI (the espeak_ng fixture of tests/conftest.py).
needs_engine = pytest.mark.usefixtures("espeak_ng")
