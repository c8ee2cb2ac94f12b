"""The resident's pages: menu, start, one question per page, check answers, result. POST → redirect → GET."""

from __future__ import annotations

import hashlib
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_htmx import HTMX
from sqlalchemy.exc import OperationalError
from werkzeug.wrappers import Response

from ..engine import AnswerError, Progress, parse_answer
from ..engine.checks import failed_checks
from ..engine.model import Flow, Question
from ..engine.path import PathScreen
from ..extensions import services
from ..prefill.fields import BIRTH_DATE
from ..prefill.validate import normalise_field
from ..store.models import StaffCall
from ..store.sessions import format_resume_code, new_session_id, normalise_resume_code, now
from ..store.throttle import Policy
from . import state, utterances
from .calendar_file import deadlines_calendar
from .limits import STAFF_CALL_LIMIT, client_address, kiosk_only, limiter, not_on_a_kiosk
from .qr_image import qr_svg
from .security import safe_next
from .session import ServerSession
from .speech import page_utterances
from .templating import answer_text, furigana_shown

bp = Blueprint("resident", __name__)
htmx = HTMX()
log = logging.getLogger("kiosk.resident")


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
    page = progress.next_screen
    if page is None:
        return url_for("resident.check", event=flow.id)
    return url_for("resident.question", event=flow.id, question_id=page.first.id)


SCREEN_FIELD = "screen"
"""The hidden field a screen of several questions sends (its id): its answers come namespaced by question id."""


@dataclass(frozen=True)
class FieldError:
    """What is wrong with one question's answer on the page: a parse error, or a cross-answer check."""

    question_id: str
    text: str
    code: str


@bp.get("/<event>/questions/<question_id>")
def question(event: str, question_id: str) -> Any:
    """The screen showing this question (one question, or a block of short ones), prefilled with the stored
    answers. Its address is its first question's: any other question of the screen redirects there."""
    flow = flow_or_404(event)
    progress = state.progress(flow)
    page = progress.screen_for(question_id)
    if page is None:
        return redirect(_next_location(flow))
    change = request.args.get("change") == "1"
    if page.first.id != question_id:
        canonical = url_for("resident.question", event=flow.id, question_id=page.first.id)
        return redirect(canonical + ("?change=1" if change else ""))
    return _render_screen(flow, page, dict(progress.answers), change=change, progress=progress)


def field_base(page: PathScreen, current: Question) -> str:
    """The name the question's form fields start with: "answer" on a one-question page (as it always was), the
    question id on a screen of several."""
    return current.id if page.grouped else "answer"


def _render_screen(
    flow: Flow,
    page: PathScreen,
    values: dict[str, Any],
    change: bool,
    errors: dict[str, FieldError] | None = None,
    raw: dict[str, dict[str, Any]] | None = None,
    status: int = 200,
    progress: Progress | None = None,
    checked: Progress | None = None,
) -> Any:
    """The page: `progress` is the stored state (back link, counts); `checked` holds the answers just sent when
    a cross-answer check failed, to show the answers it names from other screens."""
    progress = progress or state.progress(flow)
    errors = errors or {}
    previous = progress.previous_screen(page.first.id)
    if change:
        back = url_for("resident.check", event=flow.id)
    elif previous is not None:
        back = url_for("resident.question", event=flow.id, question_id=previous.first.id)
    else:
        back = url_for("resident.start", event=flow.id)
    index = progress.screen_index(page.first.id) or 0
    remaining = progress.screens_left
    first_error = next((errors[q.id] for q in page.questions if q.id in errors), None)
    # The form posts to the screen's first question still to answer: a client that answers one question at a time
    # (one-question fields, as before screens) goes through the screen question by question.
    action = next((q.id for q in page.questions if q.id not in progress.answers), page.first.id)
    body = render_template(
        "resident/question.html",
        flow=flow,
        page=page,
        action=action,
        question=page.first,
        field_base=lambda q: field_base(page, q),
        values=values,
        value=values.get(page.first.id),
        raw_for=(raw or {}),
        raw=(raw or {}).get(page.first.id, {}),
        errors=errors,
        error=first_error.code if first_error else None,
        error_text=first_error.text if first_error else None,
        page_error=bool(errors),
        earlier=_earlier_answers(flow, page, errors, checked or progress),
        speech=read_aloud(lambda: utterances.for_screen(flow, page)),
        back=back,
        change=change,
        number=index + 1,
        # 「あと約N画面」: the screens still to answer on the current path (this one included while unanswered); an
        # estimate, as later answers can take questions off the path.
        remaining=remaining,
        last=remaining == 1 and progress.next_screen is not None and progress.next_screen.first.id == page.first.id,
        can_save=current_app.config["KIOSK_MODE"] == "home" and bool(progress.answers),
    )
    return body, status


def _earlier_answers(
    flow: Flow, page: PathScreen, errors: dict[str, FieldError], progress: Progress
) -> dict[str, list[tuple[str, str]]]:
    """For a check that names an answer given on another screen: that question and its answer, shown under the
    message so the resident sees both answers."""
    if not errors:
        return {}
    t = state.translator()
    shown: dict[str, list[tuple[str, str]]] = {}
    for failure in failed_checks(progress, touching=page.ids):
        for other in failure.questions:
            if other in page.ids or other not in progress.answers:
                continue
            other_question = flow.question_map[other]
            for here in failure.questions:
                if here in page.ids and here in errors:
                    shown.setdefault(here, []).append((
                        t.content(f"flow.{flow.id}.q.{other}.text", other_question.text),
                        answer_text(flow, other_question, progress.answers[other]),
                    ))
                    break
    return shown


def _form_answer(current: Question, base: str, grouped: bool) -> Any:
    """The raw answer from the submitted form, as the engine's parse_answer accepts it."""
    unknown_field = f"{base}-unknown" if grouped else "unknown"
    if request.form.get(unknown_field) == "1":
        return "unknown"
    if current.type == "multiple":
        return request.form.getlist(base)
    if current.type == "date":
        parts = [request.form.get(f"{base}-{part}", "").strip() for part in ("year", "month", "day")]
        if not any(parts):
            return ""
        return "{}年{}月{}日".format(*parts)
    return request.form.get(base, "")


def _kept_input(base: str) -> dict[str, Any]:
    """What the resident typed or chose for one question, to show again with the errors."""
    kept: dict[str, Any] = {key: request.form.get(f"{base}{suffix}", "")
                            for key, suffix in (("answer", ""), ("answer-year", "-year"), ("answer-month", "-month"),
                                                ("answer-day", "-day"))}
    kept["answer_list"] = request.form.getlist(base)
    kept["unknown"] = request.form.get(f"{base}-unknown", "")
    return kept


@bp.post("/<event>/questions/<question_id>")
def answer(event: str, question_id: str) -> Any:
    """Check every answer on the screen, then the answers against each other; on an error show the screen again
    with the input kept and nothing stored; else store the answers and go to the next screen.

    A form without the screen field answers only the question in the address (a one-question page, or a page
    rendered before its question was grouped into a screen)."""
    flow = flow_or_404(event)
    progress = state.progress(flow)
    page = progress.screen_for(question_id)
    if page is None:
        return redirect(_next_location(flow))
    change = request.form.get("change") == "1"
    # The form of a content screen names its fields by question id (even when one question is left on the path
    # by now); any other form answers the question in the address with the one-question field names.
    grouped = page.screen is not None and request.form.get(SCREEN_FIELD) == page.screen.id
    asked = page.questions if grouped else tuple(q for q in page.questions if q.id == question_id)
    today = state.today()
    values: dict[str, Any] = {}
    errors: dict[str, FieldError] = {}
    t = state.translator()
    for current in asked:
        base = current.id if grouped else "answer"
        try:
            values[current.id] = parse_answer(current, _form_answer(current, base, grouped), today)
        except AnswerError as exc:
            errors[current.id] = FieldError(current.id, t.phrase(exc.key, exc.source, **exc.params), exc.code)
    answers = progress.answers
    for question_id_, value in values.items():
        answers = answers.with_answer(question_id_, value)
    updated = state.progress(flow, answers)
    if not errors:
        for failure in failed_checks(updated, touching=values):
            text = t.content(f"flow.{flow.id}.check.{failure.id}.message", failure.message)
            for named in failure.questions:
                if named in values and named not in errors:
                    errors[named] = FieldError(named, text, "check")
    if errors:
        raw = {current.id: _kept_input(current.id if grouped else "answer") for current in asked}
        shown = {**dict(progress.answers), **values}
        if not grouped:
            return _render_single_error(flow, page, question_id, shown, change, errors, raw, progress, updated)
        return _render_screen(flow, page, shown, change, errors=errors, raw=raw, status=422, progress=progress,
                              checked=updated)
    state.store_answers(flow, updated.answers)
    following = updated.following_screen(page.first.id)
    if change or (updated.complete and following is None):
        return redirect(_next_location(flow))
    if any(q.id not in updated.answers for q in (updated.screen_for(page.first.id) or page).questions):
        return redirect(_next_location(flow))  # a one-question answer on a screen with more to answer
    if following is None:
        return redirect(_next_location(flow))
    return redirect(url_for("resident.question", event=flow.id, question_id=following.first.id))


def _render_single_error(
    flow: Flow,
    page: PathScreen,
    question_id: str,
    shown: dict[str, Any],
    change: bool,
    errors: dict[str, FieldError],
    raw: dict[str, dict[str, Any]],
    progress: Progress,
    checked: Progress,
) -> Any:
    """A one-question answer with an error: the page shows that question alone, as a one-question page does."""
    alone = PathScreen(tuple(q for q in page.questions if q.id == question_id))
    return _render_screen(flow, alone, shown, change, errors=errors, raw=raw, status=422, progress=progress,
                          checked=checked)


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


@bp.get("/reset")
def reset_confirm() -> str:
    """「最初からやり直す」 asks first: one tap must not wipe a family's answers. 「いいえ、続ける」 goes back to the
    page the resident was on. (The kiosk's idle reset posts to /reset directly: nobody is there to answer.)"""
    back = safe_next(request.args.get("next"), url_for("resident.menu"))
    if back.startswith(url_for("resident.reset")):
        back = url_for("resident.menu")
    return render_template("resident/reset.html", back=back,
                           speech=read_aloud(lambda: utterances.heading_only("reset.title", "reset.text")))


@bp.post("/reset")
def reset() -> Response:
    """The confirmed 最初からやり直す / the idle reset: forget the answers and the cookie; nothing stays in the
    browser."""
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
    """文字を大きく / ふりがな: toggle a display preference for this session (ふりがな from what is shown now:
    on by default in やさしい日本語)."""
    if request.form.get("toggle") == "furigana":
        session["furigana"] = not furigana_shown()
    else:
        session["large_text"] = not session.get("large_text", False)
    return redirect(safe_next(request.form.get("next"), url_for("resident.menu")))


STAFF_CALL_KEY = "staff_call"
"""The session key of this tablet's 「職員を呼ぶ」 call (its row id) while staff have not answered it."""


def _session_call() -> StaffCall | None:
    """The call this tablet's session made, if it is still on record."""
    call_id = session.get(STAFF_CALL_KEY)
    if not isinstance(call_id, int):
        return None
    return services().cases.call(call_id)


def staff_call_state() -> str | None:
    """"open" while this tablet's call waits for staff, "answered" once a clerk answered it (the key is then
    dropped, so the next page shows nothing), else None. No database query unless the session made a call."""
    if current_app.config["KIOSK_MODE"] != "kiosk" or STAFF_CALL_KEY not in session:
        return None
    call = _session_call()
    if call is not None and call.answered_at is None:
        return "open"
    session.pop(STAFF_CALL_KEY, None)
    return "answered" if call is not None else None


def _toolbar_call_state() -> str | None:
    """staff_call_state for the toolbar, which error pages show too: with the database gone, no message."""
    try:
        return staff_call_state()
    except OperationalError:
        return None


@bp.app_context_processor
def staff_call_context() -> dict[str, Any]:
    """The kiosk toolbar asks for the call's state (lazily: only pages with the toolbar pay for it)."""
    return {"staff_call_state": _toolbar_call_state}


@bp.post("/help")
@limiter.limit(STAFF_CALL_LIMIT, exempt_when=not_on_a_kiosk)
def call_staff() -> Any:
    """職員を呼ぶ (counter tablets only): record the call for staff; keep the resident's answers. One open call per
    tablet session: pressing again while staff are on their way returns the same call."""
    kiosk_only()
    page = safe_next(request.form.get("next"), url_for("resident.menu"))
    existing = _session_call()
    if existing is None or existing.answered_at is not None:
        call = StaffCall(device=current_app.config["KIOSK_DEVICE"], event=session.get("event"), page=page,
                         created_at=now())
        with services().database.session() as db:
            db.add(call)
            db.flush()
            session[STAFF_CALL_KEY] = call.id
    if htmx:
        return render_template("partials/staff_called.html", call_state="open")
    return render_template("resident/staff_called.html", back=page, on_call_page=True)


@bp.get("/help/status")
def staff_call_status() -> Any:
    """The tablet's call, for its message to poll (htmx, every few seconds while the call is open)."""
    kiosk_only()
    call_state = staff_call_state()
    if call_state == "open":
        return "", 204  # no change: htmx swaps nothing, so screen readers do not hear the message again
    return render_template("partials/staff_called.html", call_state=call_state)


@bp.post("/<event>/save")
def save(event: str) -> Response:
    """Save & resume: a short code (and its QR) to continue later, valid for a set number of days."""
    flow = flow_or_404(event)
    current = session
    assert isinstance(current, ServerSession)
    if not state.answers_for(flow):
        return redirect(url_for("resident.start", event=flow.id))  # nothing to save (and no stored session yet)
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
    resume_url = public_resume_url()
    return render_template(
        "resident/saved.html",
        flow=flow,
        code=format_resume_code(code),
        # The code goes in the fragment: browsers never send it to the server, so it is in no server log.
        qr=qr_svg(f"{resume_url}#code={code}", state.translator().ui("saved.qr_caption"), module_mm=0.8)
        if resume_url else None,
        until=session.get("resume_until"),
    )


def public_resume_url() -> str | None:
    """The resume page's address for the QR: on KIOSK_PUBLIC_URL; else on the request's host only when Flask
    checked it against KIOSK_TRUSTED_HOSTS or it is this machine; else None (no QR, the code alone).

    Never a Host header taken on trust: a forged one would send the resident, code in hand, to another site."""
    path = url_for("resident.resume")
    if public := current_app.config["KIOSK_PUBLIC_URL"]:
        return f"{public.rstrip('/')}{path}"
    if current_app.config.get("TRUSTED_HOSTS") or urlsplit(f"//{request.host}").hostname in LOOPBACK:
        return f"{request.host_url.rstrip('/')}{path}"
    log.warning("resume QR left out: set KIOSK_PUBLIC_URL (or KIOSK_TRUSTED_HOSTS)")
    return None


LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})

# Guessing resume codes: failures are counted in the database (every server process shares them) per client
# address and per code, never in the guesser's own session. A success does not clear the address's count:
# anyone can make a valid code of their own, and must not be able to reset their count with it.
ADDRESS_POLICY = Policy(free=5, first_delay=timedelta(minutes=1), longest=timedelta(minutes=30))
"""Per client address: 5 free failures (typos), then blocked 1, 2, 4 … up to 30 minutes after each."""
CODE_POLICY = Policy(free=2, first_delay=timedelta(seconds=30), longest=timedelta(hours=1))
"""Per code (from any address), and per used code for the birth date after it: 2 free, then 30 s doubling."""
MAX_BIRTH_DATE_TRIES = 5
"""Wrong birth dates after a code before the saved personal details are deleted for good."""
RESTORED = ("event", "answers", "checked", "lang", "large_text", "furigana")
"""What a resume code alone brings back: the answers and the resident's choices, no personal details."""
PERSONAL = ("prefill", "slips", "case_ids")
"""What it brings back only with the applicant's birth date: the details typed for the forms and the slips made
from them (a case id lets the slip be made again over the same case)."""
PENDING = "resume_pending"
VISITOR = ("lang", "large_text", "furigana")
"""The choices the person at the screen has made already win over the saved ones."""


def _address_key() -> str:
    return f"resume-address:{client_address()}"


def _code_key(code: str) -> str:
    # A hash: the throttle table should not hold working codes.
    return "resume-code:" + hashlib.sha256(code.encode("ascii")).hexdigest()[:40]


def _blocked(template: str, wait: timedelta, **context: Any) -> Response:
    """429 with the page asking the resident to wait, in their language."""
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    response = Response(render_template(template, error="too_many", minutes=minutes, page_error=True, **context),
                        status=429, mimetype="text/html")
    response.headers["Retry-After"] = str(math.ceil(wait.total_seconds()))
    return response


def _after_resume() -> str:
    event = session.get("event")
    flows = services().content.flows
    return _next_location(flows[event]) if event in flows else url_for("resident.menu")


@bp.route("/resume", methods=["GET", "POST"])
def resume() -> Any:
    """Continue with a resume code. Paste and password managers work; nothing is remembered in the browser.

    A code works once: the saved answers move to a new session id held by this browser only, and the resident
    can save again for a new code. Personal details come back only after the applicant's birth date."""
    code = request.values.get("code", "")[:80]
    if request.method == "GET":
        return render_template("resident/resume.html", code=code, error=None)
    throttle = services().throttle
    normalised = normalise_resume_code(code)
    code_key = _code_key(normalised) if normalised else None
    counted = [(_address_key(), ADDRESS_POLICY), *([(code_key, CODE_POLICY)] if code_key else [])]
    # Counted before the code is looked up, in one locked step: tries sent all at once are counted too.
    wait = throttle.attempt(counted)
    if wait:
        return _blocked("resident/resume.html", wait, code=code)
    data, outcome = services().sessions.take_resume_code(code)
    if data is None:
        log.info("resume code refused outcome=%s", outcome)
        wait = max(throttle.wait(key) for key, _ in counted)
        if wait:
            return _blocked("resident/resume.html", wait, code=code)
        return render_template("resident/resume.html", code=code, error=outcome), 422
    assert code_key is not None
    # The address's try is given back; the code is gone, and its key counts wrong birth dates from now on.
    throttle.succeeded(counted[:1], cleared=[code_key])
    current = session
    assert isinstance(current, ServerSession)
    restored = {key: data[key] for key in RESTORED if key in data}
    restored.update({key: current[key] for key in VISITOR if key in current})
    personal = {key: data[key] for key in PERSONAL if data.get(key)}
    if personal.get("prefill"):
        if _applicant_birth_dates(personal["prefill"]):
            restored[PENDING] = {**personal, "code_key": code_key, "tries": 0}
        # else: details nothing can confirm stay behind (they are typed again)
    else:
        restored.update(personal)  # slips made without personal details
    current.adopt(new_session_id(), restored)
    if PENDING in restored:
        return redirect(url_for("resident.resume_details"))
    return redirect(_after_resume())


def _applicant_birth_dates(prefill: dict[str, Any]) -> dict[str, str]:
    """Event → the applicant's birth date, for the events whose saved details have one."""
    found = {}
    for event, roles in prefill.items():
        birth_date = roles.get("applicant", {}).get("birth_date") if isinstance(roles, dict) else None
        if isinstance(birth_date, str) and birth_date:
            found[event] = birth_date
    return found


@bp.route("/resume/details", methods=["GET", "POST"])
def resume_details() -> Any:
    """The second step of a resume with personal details saved: the applicant's birth date brings them back."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict):
        return redirect(_after_resume())
    if request.method == "GET":
        return render_template("resident/resume_details.html", typed="", error=None)
    if request.form.get("action") == "skip":
        session.pop(PENDING)
        return redirect(_after_resume())
    typed = request.form.get("birth_date", "")[:40]
    try:
        birth_date = normalise_field(BIRTH_DATE, typed, state.today())
    except ValueError as exc:  # not a date at all: a typing slip, not a guess
        return render_template("resident/resume_details.html", typed=typed, error=str(exc), page_error=True), 422
    throttle = services().throttle
    counted = [(_address_key(), ADDRESS_POLICY), (str(pending["code_key"]), CODE_POLICY)]
    wait = throttle.attempt(counted)
    if wait:
        return _blocked("resident/resume_details.html", wait, typed=typed)
    events = [event for event, date in _applicant_birth_dates(pending["prefill"]).items() if date == birth_date]
    if events:
        session.pop(PENDING)
        for key in PERSONAL:
            everything = {**session.get(key, {}), **{e: pending[key][e] for e in events if e in pending.get(key, {})}}
            if everything:
                session[key] = everything
        throttle.succeeded(counted[:1], cleared=[counted[1][0]])
        return redirect(_after_resume())
    tries = int(pending.get("tries", 0)) + 1
    wait = max(throttle.wait(key) for key, _ in counted)
    if tries >= MAX_BIRTH_DATE_TRIES:
        session.pop(PENDING)  # deleted for good: the answers stay, the details are typed again
        log.info("resume details deleted after wrong birth dates")
        return render_template("resident/resume_details.html", typed="", error="deleted", page_error=True,
                               after=_after_resume()), 422
    session[PENDING] = {**pending, "tries": tries}
    if wait:
        return _blocked("resident/resume_details.html", wait, typed=typed)
    return render_template("resident/resume_details.html", typed=typed, error="mismatch", page_error=True), 422
