"""The resident's pages: menu, start, one question per page, check answers, result. POST → redirect → GET."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_htmx import HTMX
from werkzeug.wrappers import Response

from ..engine import AnswerError, Progress, parse_answer
from ..engine.model import Flow, Question
from ..extensions import services
from ..store.models import StaffCall
from ..store.sessions import format_resume_code, now
from . import state, utterances
from .calendar_file import deadlines_calendar
from .qr_image import qr_svg
from .session import ServerSession
from .speech import page_utterances

bp = Blueprint("resident", __name__)
htmx = HTMX()


def read_aloud(texts: Callable[[], list[str]]) -> list[dict[str, Any]] | None:
    """The page's read-aloud items on a kiosk (where read-aloud is the assistive technology), else None."""
    if current_app.config["KIOSK_MODE"] != "kiosk" or services().speech is None:
        return None
    return page_utterances(texts())


def flow_or_404(event: str) -> Flow:
    """The flow for an event id in the URL."""
    flow = services().content.flows.get(event)
    if flow is None:
        abort(404)
    return flow


def safe_next(target: str | None, fallback: str) -> str:
    """Only local paths: never redirect residents to another site."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and target.isprintable()  # no CR/LF (a header error) and no NUL (PostgreSQL refuses it in text)
    ):
        return target
    return fallback


@bp.get("/")
def menu() -> str:
    """The event menu."""
    flows = list(services().content.flows.values())
    return render_template("resident/menu.html", flows=flows, speech=read_aloud(lambda: utterances.for_menu(flows)))


@bp.get("/<event>/")
def start(event: str) -> str:
    """What the guide does for this event, how long it takes, what to have ready, and the human alternative."""
    flow = flow_or_404(event)
    progress = state.progress(flow)
    return render_template("resident/start.html", flow=flow, started=bool(progress.answers),
                           speech=read_aloud(lambda: utterances.for_start(flow)))


@bp.post("/<event>/start")
def begin(event: str) -> Response:
    """Start (or continue) the questions."""
    flow = flow_or_404(event)
    session["event"] = flow.id
    return redirect(_next_location(flow))


def _next_location(flow: Flow) -> str:
    progress = state.progress(flow)
    if progress.next_question is None:
        return url_for("resident.check", event=flow.id)
    return url_for("resident.question", event=flow.id, question_id=progress.next_question.id)


@bp.get("/<event>/questions/<question_id>")
def question(event: str, question_id: str) -> Any:
    """One question per page, prefilled with the stored answer."""
    flow = flow_or_404(event)
    progress = state.progress(flow)
    current = flow.question_map.get(question_id)
    if current is None or not progress.asks(current.id):
        return redirect(_next_location(flow))
    return _render_question(flow, current, progress.answers.get(current.id), change=request.args.get("change") == "1",
                            progress=progress)


def _render_question(
    flow: Flow,
    current: Question,
    value: Any,
    change: bool,
    error: AnswerError | None = None,
    raw: dict[str, Any] | None = None,
    status: int = 200,
    progress: Progress | None = None,
) -> Any:
    progress = progress or state.progress(flow)
    previous = progress.previous_question(current.id)
    if change:
        back = url_for("resident.check", event=flow.id)
    elif previous is not None:
        back = url_for("resident.question", event=flow.id, question_id=previous.id)
    else:
        back = url_for("resident.start", event=flow.id)
    number, _ = progress.position(current.id)
    body = render_template(
        "resident/question.html",
        flow=flow,
        question=current,
        value=value,
        raw=raw or {},
        error=error.code if error else None,
        error_text=state.translator().phrase(error.key, error.source, **error.params) if error else None,
        page_error=bool(error),
        speech=read_aloud(lambda: utterances.for_question(flow, current)),
        back=back,
        change=change,
        number=number,
    )
    return body, status


def _form_answer(current: Question) -> Any:
    """The raw answer from the submitted form, as the engine's parse_answer accepts it."""
    if request.form.get("unknown") == "1":
        return "unknown"
    if current.type == "multiple":
        return request.form.getlist("answer")
    if current.type == "date":
        parts = [request.form.get(f"answer-{part}", "").strip() for part in ("year", "month", "day")]
        if not any(parts):
            return ""
        return "{}年{}月{}日".format(*parts)
    return request.form.get("answer", "")


@bp.post("/<event>/questions/<question_id>")
def answer(event: str, question_id: str) -> Any:
    """Check the answer; on error show the page again with the input kept; else save and go on."""
    flow = flow_or_404(event)
    progress = state.progress(flow)
    current = flow.question_map.get(question_id)
    if current is None or not progress.asks(current.id):
        return redirect(_next_location(flow))
    change = request.form.get("change") == "1"
    raw = _form_answer(current)
    try:
        value = parse_answer(current, raw, state.today())
    except AnswerError as exc:
        fields = ("answer", "answer-year", "answer-month", "answer-day")
        kept: dict[str, Any] = {key: request.form.get(key, "") for key in fields}
        kept["answer_list"] = request.form.getlist("answer")
        return _render_question(flow, current, None, change, error=exc, raw=kept, status=422)
    updated = state.progress(flow, progress.answers.with_answer(current.id, value))
    state.store_answers(flow, updated.answers)
    if change or (updated.complete and _is_last(updated.path, current)):
        return redirect(_next_location(flow))
    following = _following(updated.path, current)
    if following is None:
        return redirect(_next_location(flow))
    return redirect(url_for("resident.question", event=flow.id, question_id=following.id))


def _following(path: tuple[Question, ...], current: Question) -> Question | None:
    ids = [q.id for q in path]
    index = ids.index(current.id)
    return path[index + 1] if index + 1 < len(path) else None


def _is_last(path: tuple[Question, ...], current: Question) -> bool:
    return bool(path) and path[-1].id == current.id


@bp.get("/<event>/check")
def check(event: str) -> str | Response:
    """Check your answers, with 変更 links that come back here."""
    flow = flow_or_404(event)
    progress = state.progress(flow)
    if not progress.complete:
        return redirect(_next_location(flow))
    return render_template("resident/check.html", flow=flow, progress=progress,
                           speech=read_aloud(lambda: utterances.heading_only("check.title", "check.intro")))


@bp.get("/<event>/result")
def result(event: str) -> str | Response:
    """The procedures, route, deadlines and checklist."""
    flow = flow_or_404(event)
    if not state.progress(flow).complete:
        return redirect(_next_location(flow))
    outcome = state.result(flow)
    return render_template(
        "resident/result.html", flow=flow, result=outcome, checked=state.checked_items(flow),
        speech=read_aloud(lambda: utterances.for_result(outcome)),
    )


@bp.get("/<event>/result/print")
def print_checklist(event: str) -> str | Response:
    """A print-friendly list of procedures, deadlines and things to bring."""
    flow = flow_or_404(event)
    if not state.progress(flow).complete:
        return redirect(_next_location(flow))
    return render_template("resident/print.html", flow=flow, result=state.result(flow))


@bp.get("/<event>/result.ics")
def calendar(event: str) -> Response:
    """The deadlines as an iCalendar file for the resident's own calendar."""
    flow = flow_or_404(event)
    if not state.progress(flow).complete:
        return redirect(_next_location(flow))
    body = deadlines_calendar(state.result(flow), state.translator())
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{flow.id}-deadlines.ics"'
    return response


@bp.post("/<event>/checklist")
def tick(event: str) -> Any:
    """Tick or untick an item on the checklist (htmx swaps just the item; without JS the page reloads)."""
    flow = flow_or_404(event)
    item_id = request.form.get("item", "")
    if item_id not in services().content.items:
        abort(400)
    checked = request.form.get("checked") == "1"
    state.set_checked(flow, item_id, checked)
    if htmx:
        entry = next((e for e in state.result(flow).checklist if e.id == item_id), None)
        if entry is None:
            abort(400)
        return render_template(
            "partials/checklist_item.html", flow=flow, entry=entry, checked=state.checked_items(flow), announce=True
        )
    return redirect(url_for("resident.result", event=flow.id) + f"#item-{item_id}")


@bp.post("/reset")
def reset() -> Response:
    """最初からやり直す / idle reset: forget the answers and the cookie; nothing stays in the browser."""
    current = session
    assert isinstance(current, ServerSession)
    current.reset()
    response = redirect(url_for("resident.menu"))
    response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


@bp.post("/language")
def language() -> Response:
    """Switch the language and return to the same page."""
    code = request.form.get("lang", "")
    if code in services().catalogue.languages:
        session["lang"] = code
    return redirect(safe_next(request.form.get("next"), url_for("resident.menu")))


@bp.post("/display")
def display() -> Response:
    """文字を大きく / ふりがな: toggle a display preference for this session."""
    preference = "furigana" if request.form.get("toggle") == "furigana" else "large_text"
    session[preference] = not session.get(preference, False)
    return redirect(safe_next(request.form.get("next"), url_for("resident.menu")))


@bp.post("/help")
def call_staff() -> Any:
    """職員を呼ぶ: record the call for staff; keep the resident's answers."""
    page = safe_next(request.form.get("next"), url_for("resident.menu"))
    database = services().database
    with database.session() as db:
        db.add(
            StaffCall(
                device=current_app.config["KIOSK_DEVICE"], event=session.get("event"), page=page, created_at=now()
            )
        )
    if htmx:
        return render_template("partials/staff_called.html")
    return render_template("resident/staff_called.html", back=page)


@bp.post("/<event>/save")
def save(event: str) -> Response:
    """Save & resume: a short code (and its QR) to continue later, valid for a set number of days."""
    flow = flow_or_404(event)
    current = session
    assert isinstance(current, ServerSession)
    days = current_app.config["KIOSK_RESUME_DAYS"]
    store = services().sessions
    session["event"] = flow.id
    code, expires = store.create_resume_code(current.session_id, timedelta(days=days))
    session["resume_code"] = code
    session["resume_until"] = expires.isoformat()
    return redirect(url_for("resident.saved", event=flow.id))


@bp.get("/<event>/saved")
def saved(event: str) -> str | Response:
    """The resume code, its QR and how long the answers are kept."""
    flow = flow_or_404(event)
    code = session.get("resume_code")
    if not code:
        return redirect(url_for("resident.start", event=flow.id))
    resume_url = url_for("resident.resume", _external=True)
    return render_template(
        "resident/saved.html",
        flow=flow,
        code=format_resume_code(code),
        # The code goes in the fragment: browsers never send it to the server, so it is in no server log.
        qr=qr_svg(f"{resume_url}#code={code}", state.translator().ui("saved.qr_caption"), module_mm=0.8),
        until=session.get("resume_until"),
    )


@bp.route("/resume", methods=["GET", "POST"])
def resume() -> Any:
    """Continue with a resume code. Paste and password managers work; nothing is remembered in the browser."""
    error = None
    code = request.values.get("code", "")
    if request.method == "POST":
        failures = int(session.get("resume_failures", 0))
        if failures >= 5:
            error = "too_many"
        else:
            store = services().sessions
            session_id, outcome = store.resume(code)
            if session_id is not None:
                data = store.load(session_id)
                if data is not None:
                    current = session
                    assert isinstance(current, ServerSession)
                    current.adopt(session_id, data)
                    event = data.get("event")
                    if event in services().content.flows:
                        return redirect(_next_location(services().content.flows[event]))
                    return redirect(url_for("resident.menu"))
                outcome = "expired"
            session["resume_failures"] = failures + 1
            error = outcome
    status = 422 if error else 200
    return render_template("resident/resume.html", code=code, error=error), status
