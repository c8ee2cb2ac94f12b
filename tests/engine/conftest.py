import shutil
from datetime import date
from pathlib import Path

import pytest

from kiosk.engine import Content, ContentError, load_content

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


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first `old` in a content file by `new` (the fixture must still contain `old`)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems_shown(root: Path) -> list[str]:
    """Each problem that refuses the content, as `kiosk check` prints it, with paths from questionnaires/."""
    with pytest.raises(ContentError) as raised:
        load_content(root)
    return [str(problem).replace(f"{root.parent}/", "") for problem in raised.value.problems]


TOY_PACK = """\
title: 市役所の外
intro: 外の手続きです。
letter: |
  {title}
  {to} 御中
  {request}
  {reference}
bodies:
  - id: nenkin
    place: nenkin
    notice: {title: お知らせ, request: 止めてください。, reference: 番号}
"""


def write_pack(root: Path, text: str, name: str = "toy") -> None:
    """An outside-bodies pack for the flow `name` in the content at `root`."""
    (root / "outside").mkdir(exist_ok=True)
    (root / "outside" / f"{name}.yaml").write_text(text, encoding="utf-8")


def problem_text(file: str, where: str, message: str, fix: str = "") -> str:
    """A problem as the editor reads it: the file, line and key, the message, and the fix when there is one."""
    return f"questionnaires/{file}:{where}: {message}" + (f"\n    直し方: {fix}" if fix else "")
