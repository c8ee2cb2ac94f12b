import shutil
from datetime import date
from pathlib import Path

import pytest

from kiosk.engine import Content, load_content

TOY = Path(__file__).parent / "fixtures" / "toy"
TODAY = date(2026, 6, 15)


@pytest.fixture(scope="session")
def toy() -> Content:
    """A small flow that exercises every operator and deadline rule, independent of the real content."""
    return load_content(TOY)


@pytest.fixture
def toy_copy(tmp_path: Path) -> Path:
    """A writable copy of the toy content, for tests that break it on purpose."""
    target = tmp_path / "questionnaires"
    shutil.copytree(TOY, target)
    return target


BASE_ANSWERS = {
    "death_date": "2026-06-12",
    "known_later": "no",
    "age": 78,
    "insurance": "kokuho",
    "funeral_held": "yes",
    "funeral_date": "2026-06-14",
    "benefits": ("pension",),
    "filed": "no",
}
