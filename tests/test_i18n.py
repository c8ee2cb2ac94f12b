"""`kiosk check` on the translations: for every language, every interface string, every engine phrase and every
content text has the Japanese source's {placeholders} and fills without an error, and a language that does not
write in Han characters carries no Japanese unit after a number."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.cli import main
from kiosk.config import content_dir
from kiosk.engine import load_content
from kiosk.i18n import Language, format_problem, japanese_units, load_catalogue


@pytest.fixture
def questionnaires(tmp_path: Path) -> Path:
    """A writable copy of the real content, to break a translation on purpose."""
    target = tmp_path / "questionnaires"
    shutil.copytree(content_dir(), target)
    return target


def replace_line(path: Path, start: str, line: str) -> None:
    """Replace the line of `path` that starts with `start` (it must be there)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    index = next(i for i, text in enumerate(lines) if text.startswith(start))
    lines[index] = line
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def problems(root: Path) -> list[str]:
    return [str(problem) for problem in load_catalogue(root, load_content(root)).problems]


def test_the_real_translations_are_clean(content):
    assert [str(problem) for problem in load_catalogue(content_dir(), content).problems] == []


@pytest.mark.parametrize(
    ("broken", "says"),
    [
        ("deadline.days_including: within {day} days, counting {label} as day 1", "差し込みが日本語と違います"),
        ("deadline.days_including: within {days days, counting {label} as day 1", "{ と } の対応がとれていません"),
        ("deadline.days_including: within {0} days, counting {label} as day 1", "差し込み {0} は使えません"),
        ("deadline.days_including: within days, counting {label} as day 1", "差し込みが日本語と違います"),
    ],
)
def test_a_broken_engine_phrase_in_a_translation_fails_the_check(questionnaires, broken, says):
    ui = questionnaires / "translations" / "en" / "ui.yaml"
    replace_line(ui, "deadline.days_including:", broken)
    found = [p for p in problems(questionnaires) if "deadline.days_including" in p]
    assert len(found) == 1 and says in found[0], found
    assert found[0].startswith("questionnaires/translations/en/ui.yaml:")  # with its line, for the clerk


def test_the_check_command_fails_on_a_broken_deadline_template(questionnaires):
    """The crash of the issue: a translation of deadline.days_including with a placeholder the engine does not
    fill passed `kiosk check` and broke the English result page."""
    ui = questionnaires / "translations" / "en" / "ui.yaml"
    replace_line(ui, "deadline.days_including:", "deadline.days_including: within {n} days, counting {label} as day 1")
    result = CliRunner().invoke(main, ["check", "--content", str(questionnaires)])
    assert result.exit_code == 1
    assert "deadline.days_including" in result.stderr


def test_a_content_text_with_other_placeholders_fails_the_check(questionnaires):
    outside = questionnaires / "translations" / "en" / "outside.yaml"
    text = outside.read_text(encoding="utf-8")
    assert "departure date ({move_date})" in text
    outside.write_text(text.replace("departure date ({move_date})", "departure date ({moving_day})"), encoding="utf-8")
    found = [p for p in problems(questionnaires) if "notice.request" in p]
    assert len(found) == 1 and "差し込みが日本語と違います" in found[0] and "outside.yaml:" in found[0], found


def test_a_content_text_that_would_not_fill_fails_the_check(questionnaires):
    outside = questionnaires / "translations" / "en" / "outside.yaml"
    text = outside.read_text(encoding="utf-8")
    outside.write_text(text.replace("{request}", "{request", 1), encoding="utf-8")
    assert any("{ と } の対応がとれていません" in p for p in problems(questionnaires))


def test_a_broken_japanese_interface_string_fails_the_check(questionnaires):
    ui = questionnaires / "translations" / "ja" / "ui.yaml"
    replace_line(ui, "  minutes: 質問に答える時間", "  minutes: 質問に答える時間は、およそ{minutes分です。")
    assert any("ja/ui.yaml" in p and "start.minutes" in p for p in problems(questionnaires))


def test_a_japanese_unit_in_an_english_text_fails_the_check(questionnaires):
    ui = questionnaires / "translations" / "en" / "ui.yaml"
    replace_line(ui, "answer_error.too_large_in_unit:", "answer_error.too_large_in_unit: Please enter {max}歳 or less.")
    units = questionnaires / "translations" / "en" / "units.yaml"
    replace_line(units, "flow.okuyami.q.household_adults_remaining.unit:",
                 "flow.okuyami.q.household_adults_remaining.unit: 人")
    found = problems(questionnaires)
    assert any("too_large_in_unit" in p and "日本語の単位" in p for p in found), found
    # A unit alone is no number: the check that every unit is translated is the missing-translation one.
    assert not any("household_adults_remaining" in p for p in found)


ENGLISH = Language("en", "English", "en", "en")
SIMPLIFIED_CHINESE = Language("zh-Hans", "简体中文", "zh-Hans", "zh")
KOREAN = Language("ko", "한국어", "ko", "ko")


@pytest.mark.parametrize(
    ("text", "units"),
    [
        ("Please enter a number of 130歳 or less.", ["130歳"]),
        ("{count}人 or more", ["{count}人"]),
        ("a fee of 1,000円", ["1,000円"]),
        ("2通 of the certificate", ["2通"]),
        ("within 14日", ["14日"]),
        ("Please enter {max} {unit} or less.", []),
        ("For example: 1950/4/1 or 昭和25年4月1日", []),  # an example of what to type, in Japanese
        ("Application, 2nd payment (妊婦のための支援給付・2回目の申請)", []),  # the official name in brackets
    ],
)
def test_japanese_units_after_a_number(text, units):
    assert japanese_units(ENGLISH, text) == units
    assert japanese_units(KOREAN, text) == units


def test_languages_written_in_han_characters_keep_their_own_units():
    assert japanese_units(SIMPLIFIED_CHINESE, "请输入130岁以下或 2人") == []


@pytest.mark.parametrize(
    ("text", "fine"),
    [("{label}から {days}日", True), ("{{literal}} {name}", True), ("{a", False), ("a}", False), ("{0}", False),
     ("{}", False), ("{a.b}", False), ("{a[0]}", False)],
)
def test_format_strings_that_would_break_a_page(text, fine):
    assert (format_problem(text) is None) is fine
