"""`kiosk speech …`: readings, pre-built audio and a readiness check, for city staff and deployment."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

import click

cache_option = click.option(
    "--cache",
    "cache_path",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Audio cache folder (default: KIOSK_SPEECH_CACHE or instance/speech).",
)


@click.group()
def speech() -> None:
    """Read-aloud and ふりがな: kana readings and audio for every resident-facing text."""


@speech.command()
@click.argument("text")
def reading(text: str) -> None:
    """Print the kana reading used to speak TEXT."""
    from .readings import ReadingsError, reading_for

    try:
        click.echo(reading_for(text))
    except ReadingsError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)


@speech.command()
@click.argument("text")
def furigana(text: str) -> None:
    """Print TEXT with the ふりがな shown over its kanji, each in brackets: 法定（ほうてい）代理人（だいりにん）."""
    from .furigana import bracketed
    from .readings import ReadingsError, default_readings

    try:
        click.echo(bracketed(text, default_readings().spellings))
    except ReadingsError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)


@speech.command()
@cache_option
@click.option(
    "--lang",
    "langs",
    multiple=True,
    help="Language code(s) to build (default: every language the municipality offers).",
)
@click.option(
    "--rate",
    "rates",
    type=click.Choice(["slow", "normal"]),
    multiple=True,
    help="Speaking rate(s) to build (default: both ゆっくり and ふつう).",
)
@click.option("--workers", type=int, default=None, help="Speech worker processes (default: CPU cores + 1).")
def build(cache_path: Path | None, langs: tuple[str, ...], rates: tuple[str, ...], workers: int | None) -> None:
    """Pre-generate the audio for every content text and fixed interface string."""
    from .service import SpeechService
    from .texts import speech_texts

    started = time.perf_counter()
    content, catalogue, voices = _load()
    texts = speech_texts(content, catalogue)
    unknown = [code for code in langs if code not in texts]
    if unknown:
        click.echo(f"この言語はありません: {', '.join(unknown)}（使えるもの: {', '.join(texts)}）", err=True)
        sys.exit(2)
    _report_readings(content, catalogue)
    workers = max(1, workers or (os.cpu_count() or 1) + 1)
    clips = made = 0
    failures: list[str] = []
    with SpeechService(cache_path, voices=voices, workers=workers) as service:
        for code in langs or tuple(texts):
            result = service.build(texts[code].values(), (code,), rates or ("slow", "normal"))
            clips, made = clips + result.clips, made + result.made
            failures += result.failures
            click.echo(f"  {code}: 音声 {result.clips} 件（新しく作成 {result.made} 件）, {result.seconds:.1f}秒")
    for failure in failures[:20]:
        click.echo(f"[失敗] {failure}", err=True)
    elapsed = time.perf_counter() - started
    verdict = "OK" if not failures else "問題があります"
    summary = f"音声 {clips} 件（新しく作成 {made} 件、失敗 {len(failures)} 件）"
    click.echo(f"{verdict}: {summary}, {elapsed:.1f}秒 → {service.cache_dir}")
    if failures:
        sys.exit(1)


@speech.command()
@cache_option
def check(cache_path: Path | None) -> None:
    """Report the engine, the voices and whether read-aloud is ready; exit 1 when it is not."""
    from .service import SpeechService

    content, catalogue, voices = _load()
    with SpeechService(cache_path, voices=voices) as service:
        status = service.check()
    click.echo(f"エンジン: {status.engine}（声 {status.available_voices} 種類）")
    for lang, voice in status.voices.items():
        click.echo(f"  {lang}: {voice or 'なし（この言語は読み上げません）'}")
    click.echo(f"音声の形式: {status.audio_format}, キャッシュ: {status.cache_dir}")
    if status.test_seconds is not None:
        click.echo(f"試しの読み上げ: {status.test_seconds * 1000:.0f} ms")
    reading_issues = _report_readings(content, catalogue)
    click.echo(f"読みのない文: {reading_issues} 件")
    for problem in status.problems:
        click.echo(f"[問題] {problem}", err=True)
    if status.problems:
        click.echo("読み上げは使えません", err=True)
        sys.exit(1)
    click.echo("読み上げの準備ができています")


def _load() -> tuple[Any, Any, dict[str, str]]:
    """Content, translations (None if they cannot be read) and the voice language of each language code."""
    from ..config import content_dir
    from ..engine import ContentError, load_content
    from .service import VOICE_LANGUAGES
    from .texts import voices_of

    try:
        content = load_content(content_dir())
    except ContentError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    try:
        from ..i18n import load_catalogue

        catalogue = load_catalogue(content_dir(), content)
    except Exception as exc:
        click.echo(f"[注意] 翻訳を読めません（日本語だけにします）: {exc}", err=True)
        return content, None, dict(VOICE_LANGUAGES)
    return content, catalogue, {**VOICE_LANGUAGES, **voices_of(catalogue)}


def _report_readings(content: Any, catalogue: Any) -> int:
    from .readings import ReadingsError, reading_problems

    try:
        problems = reading_problems(content, catalogue=catalogue)
    except ReadingsError as exc:
        problems = [str(exc)]
    for problem in problems:
        click.echo(f"[読み] {problem}", err=True)
    return len(problems)
