"""The OpenAPI 3.1 document for /api/v1: a table of the routes, with every schema generated from api_models."""

from __future__ import annotations

from typing import Any, NamedTuple

from pydantic import TypeAdapter
from pydantic.json_schema import GenerateJsonSchema

from .api_models import AnswerQuestion, Error, Events, LangQuery, Progress, Result, SessionPath, StartSession

JSON = "application/json"


class Reply(NamedTuple):
    description: str
    schema: Any  # a type from api_models


class Operation(NamedTuple):
    method: str
    path: str  # {session_id} in it: the parameter described by SessionPath
    id: str
    summary: str
    replies: dict[int, Reply]
    body: Any = None  # the request body's type
    query: Any = LangQuery  # the query parameters' type


PROGRESS = Reply("The session's progress", Progress)
BAD_REQUEST = Reply("bad_request: the body is not the JSON described", Error)
UNAVAILABLE = {503: Reply("service_unavailable: the database is unavailable; try again later", Error)}
NO_SESSION = {404: Reply("unknown_session: the session is unknown or has expired", Error), **UNAVAILABLE}
NOT_NOW = Reply("not_asked: the question is not asked now; invalid_answer: the answer does not fit", Error)

ROUTES = [
    Operation("get", "/events", "listEvents", "List the life events", {200: Reply("The events", Events)}),
    Operation("post", "/sessions", "startSession", "Start a session for an event",
              {201: PROGRESS, 400: BAD_REQUEST, 404: Reply("unknown_event: no such event", Error),
               429: Reply("too_many_requests: too many new sessions from this address; wait (Retry-After)", Error),
               **UNAVAILABLE},
              body=StartSession),
    Operation("get", "/sessions/{session_id}", "getSession", "Get a session's progress and current question",
              {200: PROGRESS, **NO_SESSION}),
    Operation("get", "/sessions/{session_id}/question", "getQuestion", "Get the current question (null when complete)",
              {200: PROGRESS, **NO_SESSION}),
    Operation("post", "/sessions/{session_id}/answers", "answerQuestion", "Answer a question",
              {200: PROGRESS, 400: BAD_REQUEST, 422: NOT_NOW, **NO_SESSION}, body=AnswerQuestion),
    Operation("get", "/sessions/{session_id}/result", "getResult", "Get the result (the same JSON as `kiosk evaluate`)",
              {200: Reply("The result", Result), **NO_SESSION}),
    Operation("get", "/openapi.json", "openapi", "This document", {200: Reply("OpenAPI document", dict[str, Any])},
              query=None),
]


class _Generator(GenerateJsonSchema):
    """pydantic's JSON Schema, without a title on every field."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


def _inline(model: Any) -> dict[str, Any]:
    return TypeAdapter(model).json_schema(schema_generator=_Generator)


def _parameters(where: str, model: Any) -> list[dict[str, Any]]:
    schema = _inline(model)
    return [
        {"name": name, "in": where, "required": name in schema.get("required", ()),
         "description": field.pop("description", ""), "schema": field}
        for name, field in schema["properties"].items()
    ]


def openapi_document(events: list[str]) -> dict[str, Any]:
    """Describe every endpoint, request and response of the JSON API."""
    types = {reply.schema for operation in ROUTES for reply in operation.replies.values()}
    refs, definitions = TypeAdapter.json_schemas(
        [(t, "serialization", TypeAdapter(t)) for t in types],
        ref_template="#/components/schemas/{model}",
        schema_generator=_Generator,
    )
    paths: dict[str, Any] = {}
    for operation in ROUTES:
        paths.setdefault(operation.path, {})[operation.method] = described = {
            "summary": operation.summary,
            "operationId": operation.id,
            "parameters": [
                *(_parameters("path", SessionPath) if "{session_id}" in operation.path else []),
                *(_parameters("query", operation.query) if operation.query else []),
            ],
            "responses": {
                str(status): {
                    "description": reply.description,
                    "content": {JSON: {"schema": refs[reply.schema, "serialization"]}},
                }
                for status, reply in sorted(operation.replies.items())
            },
        }
        if operation.body is not None:
            described["requestBody"] = {"required": True, "content": {JSON: {"schema": _inline(operation.body)}}}
    paths["/sessions"]["post"]["requestBody"]["content"][JSON]["schema"]["properties"]["event"]["enum"] = events
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "書かない窓口 life-event guide API",
            "version": "1.0.0",
            "description": "Ask the questions of a life event (おくやみ・出生・引越し) "
            "and get the procedures that apply.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {"schemas": definitions.get("$defs", {})},
    }
