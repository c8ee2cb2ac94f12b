from pathlib import Path

import pytest

from kiosk.config import content_dir
from kiosk.engine import Content, load_content

SCENARIOS = Path(__file__).parent / "scenarios"


@pytest.fixture(scope="session")
def content() -> Content:
    """The real content in questionnaires/."""
    return load_content(content_dir())
