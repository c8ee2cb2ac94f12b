"""JSON API under /api/v1: list events, start a session, get and answer questions, get the result."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any, TypeVar

from flask import Blueprint, current_app, jsonify, request
from pydantic import TypeAdapter, ValidationError
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from ..engine import AnswerError, Answers, parse_answer
from ..engine.checks import failed_checks
from ..engine.model import Flow, Question
from ..extensions import services
from ..i18n import Translator
from ..store.sessions import new_session_id
from . import state
from .api_models import AnswerQuestion, Event, Progress, StartSession
from .api_models import Question as QuestionJson
from .limits import API_SESSION_LIMIT, limiter
from .openapi import openapi_document
from .templating import option_label

bp = Blueprint("api", __name__)

Reply = tuple[Response, int] | Response
Body = TypeVar("Body")
START_SESSION, ANSWER_QUESTION = TypeAdapter(StartSession), TypeAdapter(AnswerQuestion)
MAX_JSON_BYTES = 16 * 1024  # the API's bodies are a few dozen bytes: an event, or a question id and an answer
MAX_JSON_DEPTH = 8  # {"value": [...]} is 2 deep


def _error(status: int, code: str, message: str, **extra: Any) -> tuple[Response, int]:
    return jsonify(error=code, message=message, **extra), status


def _body(model: TypeAdapter[Body]) -> Body | None:
    """The request's JSON body if it has the model's shape (strictly: no coercion), else None."""
    try:
        return model.validate_python(_json_body(), strict=True)
    except ValidationError:
        return None


def _json_body() -> Any:
    """The request's JSON, or None when it is not JSON or nests deeper than any body of this API does.
    Raises RequestEntityTooLarge (413) above MAX_JSON_BYTES, before reading more than that."""
    if not request.is_json:
        return None
    if request.content_length is not None and request.content_length > MAX_JSON_BYTES:
        raise RequestEntityTooLarge()
    raw = request.stream.read(MAX_JSON_BYTES + 1)
    if len(raw) > MAX_JSON_BYTES:
        raise RequestEntityTooLarge()
    if too_deep(raw, MAX_JSON_DEPTH):
        return None
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        return None


def too_deep(raw: bytes, limit: int) -> bool:
    """True when JSON text nests arrays and objects more than `limit` deep (strings are skipped)."""
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False
    depth, in_string, escaped = 0, False, False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # closing quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return False


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge) -> tuple[Response, int]:
    return _error(413, "too_large", f"送られたデータが大きすぎます（{MAX_JSON_BYTES // 1024} kB まで）。")


def _translator() -> Translator:
    catalogue = services().catalogue
    code = request.args.get("lang") or request.accept_languages.best_match(list(catalogue.languages)) or "ja"
    return catalogue.translator(code)


def _load(session_id: str) -> tuple[dict[str, Any] | None, Flow | None]:
    data = services().sessions.load(session_id) if len(session_id) <= 64 else None
    if data is None or data.get("kind") != "api":
        return None, None
    return data, services().content.flows.get(data.get("event", ""))


def _save(session_id: str, data: dict[str, Any]) -> None:
    lifetime = timedelta(minutes=current_app.config["KIOSK_SESSION_MINUTES"])
    services().sessions.save(session_id, data, lifetime, kind="api", mode=current_app.config["KIOSK_MODE"])


def _answers(flow: Flow, data: dict[str, Any]) -> Answers:
    """The session's answers to the questions the flow still has."""
    return Answers.from_json(data.get("answers")).only(flow.question_map)


def question_json(flow: Flow, question: Question, t: Translator) -> QuestionJson:
    """A question as the API shows it."""
    key = f"flow.{flow.id}.q.{question.id}"
    body: QuestionJson = {
        "id": question.id,
        "type": question.type,
        "text": t.content(f"{key}.text", question.text),
        "help": t.content(f"{key}.help", question.help) or None,
        "unknown_allowed": question.unknown,
        "options": [
            {"value": option.value, "label": option_label(flow, question, option), "exclusive": option.exclusive}
            for option in question.choices
        ],
    }
    if question.type == "number":
        body.update({"min": question.min, "max": question.max, "unit": question.unit})
    return body


def _progress_json(session_id: str, flow: Flow, data: dict[str, Any], t: Translator) -> Progress:
    progress = state.progress(flow, _answers(flow, data))
    next_question = progress.next_question
    return {
        "session": session_id,
        "event": flow.id,
        "complete": progress.complete,
        "answers": progress.answers.to_json(),
        "question": question_json(flow, next_question, t) if next_question else None,
    }


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI document describing this API."""
    return jsonify(openapi_document(list(services().content.flows)))


@bp.get("/events")
def events() -> Response:
    """The life events this guide covers."""
    t = _translator()
    events: list[Event] = [
        {
            "id": flow.id,
            "title": t.content(f"flow.{flow.id}.title", flow.title),
            "description": t.content(f"flow.{flow.id}.description", flow.description),
            "minutes": flow.minutes,
        }
        for flow in services().content.flows.values()
    ]
    return jsonify(events=events)


@bp.post("/sessions")
@limiter.limit(API_SESSION_LIMIT)
def start_session() -> Reply:
    """Start answering the questions of one event."""
    body = _body(START_SESSION)
    if body is None:
        return _error(400, "bad_request", 'JSON で {"event": "okuyami"} のように送ってください。')
    flow = services().content.flows.get(body["event"])
    if flow is None:
        return _error(
            404,
            "unknown_event",
            f"「{body['event']}」という手続きの案内はありません。",
            events=list(services().content.flows),
        )
    session_id = new_session_id()
    data = {"kind": "api", "event": flow.id, "answers": {}}
    _save(session_id, data)
    return jsonify(_progress_json(session_id, flow, data, _translator())), 201


@bp.get("/sessions/<session_id>")
def get_session(session_id: str) -> Reply:
    """Where the session is: answers so far and the current question."""
    data, flow = _load(session_id)
    if data is None or flow is None:
        return _error(
            404, "unknown_session", "このセッションは見つからないか、期限が切れています。最初から始めてください。"
        )
    return jsonify(_progress_json(session_id, flow, data, _translator()))


@bp.get("/sessions/<session_id>/question")
def current_question(session_id: str) -> Reply:
    """The current question, or null when every question is answered."""
    return get_session(session_id)


@bp.post("/sessions/<session_id>/answers")
def answer(session_id: str) -> Reply:
    """Answer one question by id; later answers that no longer apply are dropped."""
    data, flow = _load(session_id)
    if data is None or flow is None:
        return _error(
            404, "unknown_session", "このセッションは見つからないか、期限が切れています。最初から始めてください。"
        )
    body = _body(ANSWER_QUESTION)
    if body is None:
        return _error(400, "bad_request", 'JSON で {"question": "id", "value": 答え} のように送ってください。')
    progress = state.progress(flow, _answers(flow, data))
    question = flow.question_map.get(body["question"])
    if question is None or not progress.asks(question.id):
        return _error(422, "not_asked", "この質問は、いまの答えでは聞かれていません。", question=body["question"])
    try:
        value = parse_answer(question, body["value"], state.today())
    except AnswerError as exc:
        message = _translator().phrase(exc.key, exc.source, **exc.params)
        return _error(422, "invalid_answer", message, question=question.id, reason=exc.code)
    updated = state.progress(flow, progress.answers.with_answer(question.id, value))
    # The same cross-answer checks as the screens (a funeral before the death …): nothing is stored on a failure.
    for failure in failed_checks(updated, touching=[question.id]):
        message = _translator().content(f"flow.{flow.id}.check.{failure.id}.message", failure.message)
        return _error(422, "inconsistent_answers", message, question=question.id, check=failure.id,
                      questions=list(failure.questions))
    data["answers"] = updated.answers.to_json()
    _save(session_id, data)
    reply = _progress_json(session_id, flow, data, _translator())
    reply["dropped"] = list(updated.dropped)
    return jsonify(reply)


@bp.get("/sessions/<session_id>/result")
def result(session_id: str) -> Reply:
    """The result: the same JSON as `kiosk evaluate`."""
    data, flow = _load(session_id)
    if data is None or flow is None:
        return _error(
            404, "unknown_session", "このセッションは見つからないか、期限が切れています。最初から始めてください。"
        )
    outcome = state.result(flow, _answers(flow, data))
    return jsonify(outcome.to_dict(_translator()))
