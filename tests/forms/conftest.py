"""Prefilled print forms: cases built from the content scenarios plus realistic prefill data."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, render_template

from kiosk import create_app
from kiosk.engine import Content, Result, parse_answer, resolve
from kiosk.engine.yamlsource import load_yaml

from ..conftest import SCENARIOS

SECRET = "forms-test-secret-0123456789abcdef"  # create_app refuses keys shorter than 16 bytes
# A valid reference code (its check character matches): every form's header prints it as on the slip.
REFERENCE_CODE = "K7Q29XMD42"
PRINTED_CODE = "K7Q2-9XMD-42"


@dataclass
class Case:
    """A CaseLike: what the counter has for a case."""

    event: str
    answers: dict[str, Any]
    prefill: dict[str, Any] = field(default_factory=dict)
    reference_code: str = ""


OKUYAMI_PREFILL: dict[str, Any] = {
    "applicant": {
        "name": "山田 花子",
        "name_kana": "ヤマダ ハナコ",
        "birth_date": "1975-08-20",
        "postal_code": "186-0004",
        "address": "東京都国立市中一丁目1番地の1",
        "phone": "042-576-0101",
        "relationship": "child",
    },
    "subject": {
        "name": "山田 太郎",
        "name_kana": "ヤマダ タロウ",
        "birth_date": "1947-11-03",
        "sex": "male",
        "postal_code": "186-0004",
        "address": "東京都国立市中一丁目1番地の1",
    },
}
# 02: the applicant is the wife of the deceased (applicant_relation: spouse, surviving_spouse: wife).
OKUYAMI_SPOUSE_PREFILL: dict[str, Any] = {
    "applicant": {
        "name": "高橋 洋子",
        "name_kana": "タカハシ ヨウコ",
        "birth_date": "1973-06-15",
        "postal_code": "186-0011",
        "address": "東京都国立市谷保5丁目12番3号",
        "phone": "090-3456-7890",
        "relationship": "spouse",
    },
    "subject": {
        "name": "高橋 誠",
        "name_kana": "タカハシ マコト",
        "birth_date": "1967-12-01",
        "sex": "male",
        "postal_code": "186-0011",
        "address": "東京都国立市谷保5丁目12番3号",
    },
}
SHUSSEI_PREFILL: dict[str, Any] = {
    "applicant": {
        "name": "鈴木 翔太",
        "name_kana": "スズキ ショウタ",
        "birth_date": "1992-02-29",
        "postal_code": "186-0003",
        "address": "東京都国立市富士見台三丁目5番6号",
        "phone": "080-2222-3333",
        "relationship": "parent",
    },
    "subject": {"name": "鈴木 さくら", "name_kana": "スズキ サクラ", "sex": "female"},
}
HIKKOSHI_PREFILL: dict[str, Any] = {
    "applicant": {
        "name": "佐藤 健一",
        "name_kana": "サトウ ケンイチ",
        "birth_date": "1985-04-12",
        "postal_code": "186-0002",
        "address": "東京都国立市東二丁目3番4号",
        "phone": "090-1234-5678",
        "relationship": "self",
    },
    "move": {
        "old_postal_code": "530-0001",
        "old_address": "大阪府大阪市北区梅田一丁目2番3号",
        "new_postal_code": "186-0002",
        "new_address": "東京都国立市東二丁目3番4号 コーポ国立201",
    },
    "members": [
        {
            "name": "佐藤 美咲",
            "name_kana": "サトウ ミサキ",
            "birth_date": "1987-09-30",
            "sex": "female",
            "relationship": "spouse",
        },
        {
            "name": "佐藤 陽翔",
            "name_kana": "サトウ ハルト",
            "birth_date": "2015-06-01",
            "sex": "male",
            "relationship": "child",
        },
        {
            "name": "佐藤 結衣",
            "name_kana": "サトウ ユイ",
            "birth_date": "2012-12-24",
            "sex": "female",
            "relationship": "child",
        },
    ],
}
# An elderly couple leaving the city (hikkoshi 07: 65歳以上・要介護認定).
HIKKOSHI_ELDERLY_PREFILL: dict[str, Any] = {
    "applicant": {
        "name": "伊藤 正人",
        "name_kana": "イトウ マサト",
        "birth_date": "1970-03-03",
        "postal_code": "186-0005",
        "address": "東京都国立市西一丁目8番9号",
        "phone": "042-577-1234",
        "relationship": "child",
    },
    "move": {
        "old_postal_code": "186-0005",
        "old_address": "東京都国立市西一丁目8番9号",
        "new_postal_code": "380-0803",
        "new_address": "長野県長野市三輪一丁目2番3号",
    },
    "members": [
        {
            "name": "伊藤 茂",
            "name_kana": "イトウ シゲル",
            "birth_date": "1944-10-10",
            "sex": "male",
            "relationship": "parent",
        },
        {
            "name": "伊藤 和子",
            "name_kana": "イトウ カズコ",
            "birth_date": "1947-01-20",
            "sex": "female",
            "relationship": "parent",
        },
    ],
}
PREFILLS = {"okuyami": OKUYAMI_PREFILL, "shussei": SHUSSEI_PREFILL, "hikkoshi": HIKKOSHI_PREFILL}
SCENARIO_FILES = sorted(SCENARIOS.glob("*/*.yaml"))


def scenario_case(
    content: Content, name: str, prefill: dict[str, Any] | None = None, reference_code: str = REFERENCE_CODE
) -> tuple[Case, Result]:
    """A case from tests/scenarios/<event>/<name>.yaml: answers parsed with the engine, resolved on its day."""
    path = next(SCENARIOS.glob(f"*/{name}*.yaml")) if not Path(name).suffix else Path(name)
    data, _ = load_yaml(path)
    event = path.parent.name
    today = date.fromisoformat(str(data["today"]))
    flow = content.flows[event]
    answers = {q: parse_answer(flow.question_map[q], raw, today) for q, raw in data["answers"].items()}
    stored = {q: list(v) if isinstance(v, tuple) else v for q, v in answers.items()}  # as a case stores them
    case = Case(event, stored, PREFILLS[event] if prefill is None else prefill, reference_code)
    return case, resolve(content, event, answers, today)


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    tmp_path = tmp_path_factory.mktemp("forms-app")
    return create_app({"TESTING": True, "KIOSK_DATABASE_URL": f"sqlite:///{tmp_path}/k.sqlite3", "SECRET_KEY": SECRET})


@pytest.fixture
def render(app: Flask) -> Iterator[Any]:
    """render(template, **context) → HTML, inside a request context like the staff route."""

    def _render(template: str, **context: Any) -> str:
        with app.test_request_context():
            return render_template(template, **context)

    yield _render


_TICKED = re.compile(r'<span class="opt is-on">■ ([^<]+)</span>')
_UNTICKED = re.compile(r'<span class="opt">□ ([^<]+)</span>')


def ticked(html: str) -> set[str]:
    """The labels of the ticked boxes (■) in rendered HTML."""
    return set(_TICKED.findall(html))


def unticked(html: str) -> set[str]:
    """The labels of the empty boxes (□) in rendered HTML."""
    return set(_UNTICKED.findall(html))


def text_of(html: str) -> str:
    """The visible text, tags removed and whitespace collapsed (for looking up names and dates)."""
    body = html.split("<body>", 1)[-1]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))
