"""The `kiosk` command: content checks and evaluation for city staff and tools, plus the web app's commands."""

from __future__ import annotations

import json
import sys
import time
from concurrent.futures import Future
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .clock import today_in_japan
from .config import SettingsError, content_dir
from .engine import AnswerError, Answers, Content, ContentError, ContentProblem, load_content, parse_answer, resolve
from .engine.analysis import analyse, answer_paths, verify_marks
from .engine.yamlsource import YamlSyntaxError, load_yaml_text
from .extensions import services

if TYPE_CHECKING:
    from .i18n import Catalogue


@click.group()
def main() -> None:
    """書かない窓口 life-event guide: おくやみ・出生・引越し."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
def run(host: str, port: int) -> None:
    """Run the app with Flask's development server (one machine, for trying it out)."""
    from . import create_app

    try:
        app = create_app()
    except ContentError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    app.run(host=host, port=port)


def _content(path: Path | None) -> Content:
    try:
        return load_content(path or content_dir())
    except ContentError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)


content_option = click.option(
    "--content",
    "content_path",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="questionnaires/ folder (default: KIOSK_CONTENT_DIR or the project's questionnaires/).",
)


@main.command()
@content_option
@click.option("--verify", "show_verify", is_flag=True, help="Also list facts marked `verify` for city review.")
def check(content_path: Path | None, show_verify: bool) -> None:
    """Validate all content and analyse every flow; exit 1 on any problem."""
    started = time.perf_counter()
    content = _content(content_path)
    readings = _reading_problems_in_background(content, content_path or content_dir())
    problems = analyse(content)
    from .i18n import load_catalogue

    catalogue = load_catalogue(content_path or content_dir(), content)
    problems += catalogue.problems
    problems += readings.result()
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    for problem in errors + warnings:
        label = "エラー" if problem.severity == "error" else "注意"
        click.echo(f"[{label}] {problem}", err=True)
    marks = verify_marks(content)
    if show_verify:
        for mark in marks:
            click.echo(f"[要確認] {mark}")
        _echo_unreviewed_translations(catalogue)
    elapsed = time.perf_counter() - started
    summary = ", ".join(
        f"{flow_id}: 質問{len(flow.questions)}・手続き{len(flow.procedures)}" for flow_id, flow in content.flows.items()
    )
    click.echo(
        f"{'問題があります' if errors else 'OK'}: {summary}; 手続きカタログ{len(content.procedures)}件, "
        f"持ち物{len(content.items)}件; エラー{len(errors)}件, 注意{len(warnings)}件, 要確認{len(marks)}件 "
        f"({elapsed:.2f}秒)"
    )
    if errors:
        sys.exit(1)


def _echo_unreviewed_translations(catalogue: Catalogue) -> None:
    """Per language not yet reviewed by a fluent speaker (`reviewed_by:` empty): its texts, counted per file."""
    from .i18n import unreviewed_translations

    for code, per_file in unreviewed_translations(catalogue).items():
        language = catalogue.languages[code]
        click.echo(
            f"[要確認・翻訳] {code}（{language.name}）: {sum(per_file.values())} 件の文を、この言語に通じた人が"
            f"まだ確かめていません（確かめたら translations/{code}/ui.yaml の language: に reviewed_by: を書きます）"
        )
        for file, count in per_file.items():
            click.echo(f"    {file}: {count} 件")


def _reading_problems_in_background(content: Content, folder: Path) -> Future[list[ContentProblem]]:
    """The override table of ふりがな and read-aloud, and texts read-aloud cannot say, checked while the flows are
    analysed (the dictionary is slow to load)."""
    from concurrent.futures import ThreadPoolExecutor

    def check_readings() -> list[ContentProblem]:
        try:
            from .speech.readings import reading_problems
        except ImportError:  # read-aloud not installed: nothing to check
            return []
        return [
            ContentProblem("questionnaires/speech/readings.yaml", None, "", message,
                           "readings.yaml に読み（ふりがな と 読み上げ）を書きます")
            for message in reading_problems(content, folder=folder)
        ]

    executor = ThreadPoolExecutor(max_workers=1)
    future = executor.submit(check_readings)
    executor.shutdown(wait=False)
    return future


@main.command()
@click.argument("event")
@content_option
@click.option("--limit", default=1000, show_default=True, help="Stop after this many paths.")
@click.option("--today", "today_text", default=None, help="YYYY-MM-DD (default: a fixed analysis date).")
def paths(event: str, content_path: Path | None, limit: int, today_text: str | None) -> None:
    """Print every distinct answer path of EVENT with its procedure ids, as JSON lines."""
    content = _content(content_path)
    _require_event(content, event)
    kwargs = {"today": _today(today_text)} if today_text else {}
    count = 0
    for path in answer_paths(content, event, limit + 1, **kwargs):
        if count == limit:
            click.echo(f"上限の {limit} 通りで止めました（--limit で変えられます）", err=True)
            sys.exit(0)
        count += 1
        answers = Answers(path.answers).to_json()
        click.echo(
            json.dumps(
                {"answers": answers, "procedures": list(path.procedures), "conditional": list(path.conditional)},
                ensure_ascii=False,
            )
        )
    click.echo(f"{count} 通りすべてを出力しました", err=True)


@main.command()
@click.argument("event")
@content_option
@click.option("--walks", default=1000, show_default=True, help="How many random walks.")
@click.option("--seed", default=0, show_default=True, help="The random seed (the same seed, the same walks).")
@click.option("--today", "today_text", default=None, help="YYYY-MM-DD (default: a fixed analysis date).")
def stats(event: str, content_path: Path | None, walks: int, seed: int, today_text: str | None) -> None:
    """Screens (and questions) per path of EVENT over seeded random walks: median, p10, p90."""
    from .engine.walks import walk_stats

    content = _content(content_path)
    _require_event(content, event)
    if walks < 1:
        _fail("--walks は1以上にします")
    kwargs = {"today": _today(today_text)} if today_text else {}
    result = walk_stats(content.flows[event], walks=walks, seed=seed, **kwargs)
    click.echo(f"{event}: {result.walks} 通りの回答（seed {seed}）")
    for label, spread in (("画面", result.screens), ("質問", result.questions)):
        click.echo(f"  {label}: 中央値 {spread.median:g}  p10 {spread.p10:g}  p90 {spread.p90:g}")


@main.command()
@click.argument("event")
@click.option(
    "--answers",
    "answers_file",
    required=True,
    type=click.File("r", encoding="utf-8"),
    help="JSON or YAML mapping question id → value; - reads standard input.",
)
@click.option("--today", "today_text", default=None, help="YYYY-MM-DD (default: today).")
@content_option
def evaluate(event: str, answers_file: Any, today_text: str | None, content_path: Path | None) -> None:
    """Print the result for EVENT and the given answers as JSON."""
    content = _content(content_path)
    _require_event(content, event)
    raw = _read_answers(answers_file.read())
    if isinstance(raw, dict) and isinstance(raw.get("answers"), dict):  # a scenario file
        today_text = today_text or (str(raw["today"]) if raw.get("today") else None)
        raw = raw["answers"]
    if not isinstance(raw, dict):
        _fail("答えのファイルは「質問のid: 答え」の組で書きます")
    today = _today(today_text) if today_text else today_in_japan()
    flow = content.flows[event]
    answers, messages = {}, []
    for question_id, value in raw.items():
        question = flow.question_map.get(str(question_id))
        if question is None:
            messages.append(f"{question_id}: この質問は「{event}」にありません")
            continue
        try:
            answers[question.id] = parse_answer(question, value, today)
        except AnswerError as exc:
            messages.append(f"{question_id}: {exc.message}")
    if messages:
        _fail("答えに問題があります:\n" + "\n".join(f"  {m}" for m in messages))
    result = resolve(content, event, answers, today)
    if result.progress.dropped:
        click.echo("この答えは、ほかの答えにより使われませんでした: " + ", ".join(result.progress.dropped), err=True)
    click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))


def _app() -> Any:
    from . import create_app

    try:
        return create_app()
    except (ContentError, SettingsError) as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True)
@click.option("--workers", type=int, default=None, help="Worker processes (default: one per core).")
@click.option("--threads", type=int, default=None, help="Threads per worker (default: 4).")
def serve(host: str, port: int, workers: int | None, threads: int | None) -> None:
    """Run the app under a production server (gunicorn with kiosk/gunicorn.conf.py; waitress on Windows)."""
    from .serve import serve as run_server

    run_server(host, port, workers, threads)


def _close(app: Any) -> None:
    """Release the database connections and speech workers of a command's app."""
    services(app).database.engine.dispose()
    speech = services(app).speech
    if speech is not None:
        speech.close()


@main.group()
def staff() -> None:
    """Staff accounts for the counter screens."""


@staff.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["staff", "admin"]), default="staff", show_default=True)
def staff_add(name: str, role: str) -> None:
    """Create a staff account (or reset its password). The password is read from standard input."""
    if sys.stdin.isatty():
        password = click.prompt("パスワード", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    app = _app()
    try:
        services(app).staff.add(name, password, role)
    except ValueError as exc:
        _close(app)
        _fail(str(exc))
    _close(app)
    click.echo(f"職員「{name}」（{role}）を登録しました。")


THROTTLE_KEPT_DAYS = 7  # failure counts not added to for a week are forgotten (far beyond any block they set)


@main.command()
@click.option("--vacuum", is_flag=True,
              help="Also rebuild the database file (SQLite: VACUUM; PostgreSQL: VACUUM FULL of the tables with "
                   "personal data). Holds the database's write lock while it runs: best outside opening hours.")
def purge(vacuum: bool) -> None:
    """Delete what is past its retention period and erase it from the database files (run daily, e.g. cron).

    Cases last saved KIOSK_RETENTION_DAYS ago, audit entries older than KIOSK_AUDIT_RETENTION_DAYS (both as set
    now), expired sessions and resume codes, and failed-attempt counts unused for a week. Exit status 1 when
    the database's write-ahead log could not be emptied (a long reader or writer): run it again."""
    from datetime import timedelta

    from .store.sessions import now

    app = _app()
    store = services(app)
    purged = store.cases.purge(keep_cases=timedelta(days=app.config["KIOSK_RETENTION_DAYS"]),
                               keep_audit=timedelta(days=app.config["KIOSK_AUDIT_RETENTION_DAYS"]))
    sessions = store.sessions.purge_expired()
    throttled = store.throttle.purge(older_than=now() - timedelta(days=THROTTLE_KEPT_DAYS))
    erased = store.database.erase_deleted(vacuum=vacuum)
    _close(app)
    click.echo(f"削除しました: 案件 {purged.cases} 件、期限切れのセッション {sessions} 件、"
               f"監査記録 {purged.audit_entries} 件、試行回数の記録 {throttled} 件")
    if not erased:
        click.echo("注意: 使用中の接続があり、削除したデータの痕跡（WAL）を消しきれませんでした。"
                   "時間をおいてもう一度 kiosk purge を実行してください。", err=True)
        sys.exit(1)


@main.group()
def db() -> None:
    """The database schema (Alembic migrations)."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Bring the database schema to the newest version."""
    from .config import PROJECT_ROOT, Settings
    from .store import Database

    url = Settings.load().database_url_for(PROJECT_ROOT / "instance")
    Database(url).upgrade()
    click.echo("データベースを最新の形にしました。")


@main.group()
def translations() -> None:
    """Translations of the content and the interface (questionnaires/translations/)."""


@translations.command("missing")
@click.argument("lang")
@click.option("--prefix", default="", help="Only keys starting with this (e.g. flow.okuyami, procedure., ui:).")
@content_option
def translations_missing(lang: str, prefix: str, content_path: Path | None) -> None:
    """Print the texts not yet translated into LANG as YAML (key: Japanese source), ready to fill in."""
    from .engine import deadlines, resolver  # noqa: F401
    from .engine.localize import PHRASES  # noqa: F401  (registers the engine's phrases)
    from .i18n import load_catalogue, missing_translations

    content = _content(content_path)
    catalogue = load_catalogue(content_path or content_dir(), content, extra_languages=[lang])
    for key, text in missing_translations(catalogue, content, lang).items():
        if key.startswith(prefix):
            click.echo(f"{json.dumps(key, ensure_ascii=False)}: {json.dumps(text, ensure_ascii=False)}")


def _read_answers(text: str) -> Any:
    try:
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            pass
        try:
            data, _ = load_yaml_text(text)
        except YamlSyntaxError as exc:
            _fail(f"答えのファイルが JSON としても YAML としても読めません（{exc.line}行目: {exc.message}）")
        return data
    except RecursionError:  # brackets nested thousands deep: no answer file is shaped like that
        _fail("答えのファイルの入れ子が深すぎます。「質問のid: 答え」の組で書きます")


def _require_event(content: Content, event: str) -> None:
    if event not in content.flows:
        _fail(f"「{event}」という手続きの流れはありません。使えるもの: {', '.join(content.flows)}")


def _today(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        _fail(f"--today は YYYY-MM-DD で書きます（「{text}」は読めません）")
        raise


def _fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(2)


from .slip.cli import slip  # noqa: E402

main.add_command(slip)


from .speech.cli import speech  # noqa: E402

main.add_command(speech)

if __name__ == "__main__":
    main()
