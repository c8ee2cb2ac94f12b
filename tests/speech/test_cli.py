"""`kiosk speech reading | build | check`."""

from click.testing import CliRunner

import kiosk.speech.texts
from kiosk.cli import main

from .conftest import needs_engine


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_reading_prints_the_kana_reading():
    result = run("speech", "reading", "住民票の写しは1通300円です")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "ジューミンヒョーノウツシワイッツーサンビャクエンデス"


@needs_engine
def test_check_reports_engine_voices_and_readiness(tmp_path):
    result = run("speech", "check", "--cache", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "エンジン: pyttsx3-" in result.output
    assert "ja: " in result.output and "読み上げの準備ができています" in result.output


@needs_engine
def test_check_fails_when_the_cache_cannot_be_written(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run("speech", "check", "--cache", str(blocker / "cache"))
    assert result.exit_code == 1
    assert "読み上げは使えません" in result.output


@needs_engine
def test_build_makes_every_clip_once(tmp_path, monkeypatch):
    texts = {
        "ja": {"a": "はい", "b": "いいえ", "c": "はい"},
        "easy": {"a": "はい", "ui:x": "わからない"},  # the easy はい is the same clip as the Japanese one
        "en": {"a": "Yes"},
    }
    monkeypatch.setattr(kiosk.speech.texts, "speech_texts", lambda content, catalogue: texts)
    result = run("speech", "build", "--cache", str(tmp_path), "--workers", "1")
    assert result.exit_code == 0, result.output
    assert "音声 10 件（新しく作成 8 件、失敗 0 件）" in result.output and "秒" in result.output
    assert len(list(tmp_path.glob("*.ogg"))) == 8
    again = run("speech", "build", "--cache", str(tmp_path), "--rate", "normal", "--lang", "ja")
    assert "音声 2 件（新しく作成 0 件" in again.output
    assert run("speech", "build", "--lang", "xx").exit_code == 2
