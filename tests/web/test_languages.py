"""Adding a language is data only: a test-only language, Filipino (`fil`, no espeak-ng voice), built in a copy of
questionnaires/ from the English files, gets its pages, its name in the picker, no read-aloud (with a note and
「職員を呼ぶ」 in its place), a /health entry and an unreviewed listing in `kiosk check --verify`."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.cli import main

from .conftest import Resident, make_app

PROJECT_CONTENT = Path(__file__).resolve().parents[2] / "questionnaires"
FILIPINO = "language: {name: Filipino, html_lang: fil, voice: none}"
NO_VOICE_EN = "No read-aloud in this language: please call staff."


TODAY_LANGUAGES = ("ja", "easy", "en")


def copy_content(tmp_path: Path) -> Path:
    """A copy of questionnaires/ to change freely (named questionnaires/, as messages name files from there), with
    the languages of today only: ja, easy and en (folders being prepared for other languages are left out)."""
    copy = tmp_path / "content" / "questionnaires"

    def other_languages(folder: str, names: list[str]) -> list[str]:
        return [name for name in names if name not in TODAY_LANGUAGES] if Path(folder).name == "translations" else []

    shutil.copytree(PROJECT_CONTENT, copy, ignore=other_languages)
    set_languages(copy, TODAY_LANGUAGES)
    return copy


def set_languages(content: Path, codes: tuple[str, ...]) -> None:
    """Write `languages:` in municipality.yaml."""
    municipality = content / "municipality.yaml"
    listed = f"languages: [{', '.join(codes)}]"
    text, count = re.subn(r"(?m)^languages: \[.*\]", listed, municipality.read_text("utf-8"))
    assert count == 1
    municipality.write_text(text, encoding="utf-8")


def set_metadata(content: Path, code: str, metadata: str) -> None:
    """Replace the `language:` line of translations/<code>/ui.yaml."""
    ui = content / "translations" / code / "ui.yaml"
    text, count = re.subn(r"(?m)^language: \{.*\}$", metadata, ui.read_text(encoding="utf-8"), count=1)
    assert count == 1, f"no language: line in {ui}"
    ui.write_text(text, encoding="utf-8")


def add_filipino(content: Path, offered: bool = True) -> Path:
    """translations/fil/ from the English files with Filipino's metadata; offered: listed in `languages`."""
    folder = content / "translations" / "fil"
    folder.mkdir()
    for english in (content / "translations" / "en").glob("*.yaml"):
        shutil.copy(english, folder / english.name)
    set_metadata(content, "fil", FILIPINO)
    if offered:
        set_languages(content, (*TODAY_LANGUAGES, "fil"))
    return folder


@pytest.fixture
def filipino_content(tmp_path):
    content = copy_content(tmp_path)
    add_filipino(content)
    return content


def resident_in(app, code: str, page: str = "/") -> Resident:
    """A resident of `app` who chose language `code` from the picker, looking at `page`."""
    resident = Resident(app.test_client())
    resident.get("/")
    assert resident.post("/language", {"lang": code, "next": page}).status_code == 302
    resident.get(page)
    return resident


def call_staff_button(page: str) -> str:
    match = re.search(r'<button type="submit" class="button button--help[^"]*"[^>]*>[^<]*</button>', page)
    assert match, "no 「職員を呼ぶ」 button on the page"
    return match.group(0)


def test_a_language_without_a_voice_shows_no_read_aloud_says_so_and_offers_call_staff(tmp_path, filipino_content):
    app = make_app(tmp_path / "db", KIOSK_MODE="kiosk", KIOSK_CONTENT_DIR=str(filipino_content))
    for page in ("/", "/okuyami/"):
        resident = resident_in(app, "fil", page)
        assert '<html lang="fil"' in resident.page
        assert "data-speech=" not in resident.page and 'id="speech-items"' not in resident.page
        assert "speech.js" not in resident.page
        assert resident.page.count(NO_VOICE_EN) == 1, "the page says once that there is no read-aloud"
        button = call_staff_button(resident.page)
        assert "Call staff" in button
        assert "button--prominent" in button and 'aria-describedby="speech-none"' in button
        assert 'id="speech-none"' in resident.page
        # the note stands where the read-aloud controls would be: first in the toolbar, before 「職員を呼ぶ」
        toolbar = resident.page[resident.page.index('<nav class="toolbar"'):]
        assert toolbar.index('id="speech-none"') < toolbar.index("button--help")


def test_a_language_with_a_voice_keeps_read_aloud_beside_the_test_language(tmp_path, filipino_content):
    app = make_app(tmp_path / "db", KIOSK_MODE="kiosk", KIOSK_CONTENT_DIR=str(filipino_content))
    for code in ("en", "ja"):
        resident = resident_in(app, code)
        assert 'data-speech="play"' in resident.page and 'id="speech-items"' in resident.page
        assert NO_VOICE_EN not in resident.page and 'id="speech-none"' not in resident.page
        assert "button--prominent" not in call_staff_button(resident.page)
    # the English page's clips are not read out any more once the resident has switched to Filipino
    assert resident.post("/language", {"lang": "fil", "next": "/"}).status_code == 302
    resident.get("/")
    assert resident.client.get("/speech/clip/0").status_code == 404


def test_health_reports_read_aloud_per_language(tmp_path, filipino_content):
    app = make_app(tmp_path / "db", KIOSK_MODE="kiosk", KIOSK_CONTENT_DIR=str(filipino_content))
    checks = app.test_client().get("/health").get_json()["checks"]
    assert checks["speech_languages"]["fil"] == "no_voice"
    if shutil.which("espeak-ng"):
        assert checks["speech_languages"] == {"ja": "ok", "easy": "ok", "en": "ok", "fil": "no_voice"}


def test_the_voice_comes_from_each_language_s_metadata(tmp_path, filipino_content):
    """Swap the voices in the data: English without one, the test language with the English voice."""
    set_metadata(filipino_content, "en", "language: {name: English, html_lang: en, voice: none}")
    set_metadata(filipino_content, "fil", "language: {name: Filipino, html_lang: fil, voice: en}")
    app = make_app(tmp_path / "db", KIOSK_MODE="kiosk", KIOSK_CONTENT_DIR=str(filipino_content))
    languages = app.test_client().get("/health").get_json()["checks"]["speech_languages"]
    assert (languages["en"], languages["fil"]) == ("no_voice", "ok")
    english, filipino = resident_in(app, "en"), resident_in(app, "fil")
    assert 'data-speech="play"' not in english.page and NO_VOICE_EN in english.page
    assert 'data-speech="play"' in filipino.page and NO_VOICE_EN not in filipino.page


def test_the_picker_shows_each_language_in_its_own_name_and_lang(tmp_path, filipino_content):
    expected = {
        "ja": ("日本語", "ja"), "easy": ("やさしい日本語", "ja"), "en": ("English", "en"), "fil": ("Filipino", "fil")
    }
    for mode in ("home", "kiosk"):
        app = make_app(tmp_path / mode, KIOSK_MODE=mode, KIOSK_CONTENT_DIR=str(filipino_content))
        for current in ("ja", "fil"):
            page = resident_in(app, current).page
            buttons = re.findall(
                r'<button type="submit" name="lang" value="([a-z-]+)" lang="([A-Za-z-]+)"[^>]*>([^<]+)</button>', page
            )
            assert {value: (name, lang) for value, lang, name in buttons} == expected, (mode, current)
            assert re.search(rf'name="lang" value="{current}"[^>]*aria-current="true"', page)


def test_furigana_by_default_comes_from_the_language_metadata(tmp_path):
    pytest.importorskip("pyopenjtalk")
    content = copy_content(tmp_path)
    set_metadata(content, "ja", "language: {name: 日本語, html_lang: ja, voice: ja, furigana: true}")
    set_metadata(content, "easy", "language: {name: やさしい日本語, html_lang: ja, voice: ja, furigana: false}")
    app = make_app(tmp_path / "db", KIOSK_CONTENT_DIR=str(content))
    assert "<ruby>" in resident_in(app, "ja", "/okuyami/").page
    assert "<ruby>" not in resident_in(app, "easy", "/okuyami/").page


def run_cli(*args: str):
    return CliRunner().invoke(main, list(args))


def test_furigana_is_refused_for_a_language_not_written_in_japanese(tmp_path):
    content = copy_content(tmp_path)
    set_metadata(content, "en", "language: {name: English, html_lang: en, voice: en, furigana: true}")
    result = run_cli("check", "--content", str(content))
    assert result.exit_code == 1
    assert "questionnaires/translations/en/ui.yaml:1: language.furigana" in result.output
    assert "html_lang: ja" in result.output


def test_check_verify_lists_the_unreviewed_translation_per_language_and_file(tmp_path, filipino_content):
    result = run_cli("check", "--verify", "--content", str(filipino_content))
    assert result.exit_code == 0, result.output
    header = re.search(r"\[要確認・翻訳\] fil（Filipino）: (\d+) 件", result.output)
    assert header, result.output[-2000:]
    files = dict(re.findall(r"^    questionnaires/translations/fil/([a-z_0-9]+\.yaml): (\d+) 件$", result.output, re.M))
    english = sorted(path.name for path in (filipino_content / "translations" / "en").glob("*.yaml"))
    assert sorted(files) == english
    assert sum(int(count) for count in files.values()) == int(header.group(1))
    assert int(files["ui.yaml"]) > 300 and int(files["units.yaml"]) >= 3
    # the content's own verify marks are still listed beside them
    assert "[要確認] questionnaires/" in result.output

    set_metadata(filipino_content, "fil", FILIPINO[:-1] + ", reviewed_by: Maria Santos 2026-06}")
    reviewed = run_cli("check", "--verify", "--content", str(filipino_content))
    assert reviewed.exit_code == 0 and "fil（Filipino）" not in reviewed.output


def test_translations_missing_reads_a_language_folder_before_it_is_offered(tmp_path):
    content = copy_content(tmp_path)
    folder = add_filipino(content, offered=False)
    units = folder / "units.yaml"
    kept = [line for line in units.read_text("utf-8").splitlines() if "spouse_age.unit" not in line]
    units.write_text("\n".join(kept) + "\n", encoding="utf-8")
    ui = folder / "ui.yaml"
    ui.write_text(re.sub(r"(?m)^speech\.no_voice: .*\n", "", ui.read_text("utf-8")), encoding="utf-8")
    result = run_cli("translations", "missing", "fil", "--content", str(content))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        '"flow.okuyami.q.spouse_age.unit": "歳"',
        '"ui:speech.no_voice": "この言語の読み上げはありません。職員を呼んでください。"',
    ]


def test_nothing_is_missing_in_the_japanese_source_and_every_offered_language_is_complete():
    for code in ("ja", "easy", "en", "zh-Hans", "vi", "ko", "fil", "ne", "id", "pt-BR"):
        result = run_cli("translations", "missing", code)
        assert result.exit_code == 0 and result.output == "", f"{code}: {result.output[:300]}"
