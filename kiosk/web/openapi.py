"""The OpenAPI 3.1 document for /api/v1."""

from __future__ import annotations

from typing import Any

ANSWER_VALUE: dict[str, Any] = {
    "description": "An option value, a list of option values (multiple choice), a date YYYY-MM-DD, an integer, "
    'or "unknown" (わからない) where the question allows it.',
    "oneOf": [
        {"type": "string"},
        {"type": "integer"},
        {"type": "boolean"},
        {"type": "array", "items": {"type": "string"}},
    ],
}


def _error_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def openapi_document(events: list[str]) -> dict[str, Any]:
    """Describe every endpoint, request and response of the JSON API."""
    session_id = {"name": "session_id", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 64}}
    lang = {
        "name": "lang",
        "in": "query",
        "required": False,
        "schema": {"type": "string"},
        "description": "Language code (ja, easy, en …). Default: Accept-Language, then ja.",
    }
    unavailable = _error_response("The database is unavailable: try again later")
    progress = {
        "description": "The session's progress",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Progress"}}},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "書かない窓口 life-event guide API",
            "version": "1.0.0",
            "description": "Ask the questions of a life event (おくやみ・出生・引越し) "
            "and get the procedures that apply.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/events": {
                "get": {
                    "summary": "List the life events",
                    "operationId": "listEvents",
                    "parameters": [lang],
                    "responses": {
                        "200": {
                            "description": "The events",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["events"],
                                        "properties": {
                                            "events": {"type": "array", "items": {"$ref": "#/components/schemas/Event"}}
                                        },
                                    }
                                }
                            },
                        }
                    },
                }
            },
            "/sessions": {
                "post": {
                    "summary": "Start a session for an event",
                    "operationId": "startSession",
                    "parameters": [lang],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["event"],
                                    "properties": {"event": {"type": "string", "enum": events}},
                                }
                            }
                        },
                    },
                    "responses": {
                        "201": progress,
                        "400": _error_response("Malformed request"),
                        "404": _error_response("Unknown event"),
                        "503": unavailable,
                    },
                }
            },
            "/sessions/{session_id}": {
                "get": {
                    "summary": "Get a session's progress and current question",
                    "operationId": "getSession",
                    "parameters": [session_id, lang],
                    "responses": {
                        "200": progress,
                        "404": _error_response("Unknown or expired session"),
                        "503": unavailable,
                    },
                }
            },
            "/sessions/{session_id}/question": {
                "get": {
                    "summary": "Get the current question (null when complete)",
                    "operationId": "getQuestion",
                    "parameters": [session_id, lang],
                    "responses": {
                        "200": progress,
                        "404": _error_response("Unknown or expired session"),
                        "503": unavailable,
                    },
                }
            },
            "/sessions/{session_id}/answers": {
                "post": {
                    "summary": "Answer a question",
                    "operationId": "answerQuestion",
                    "parameters": [session_id, lang],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["question", "value"],
                                    "properties": {"question": {"type": "string"}, "value": ANSWER_VALUE},
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": progress,
                        "400": _error_response("Malformed request"),
                        "404": _error_response("Unknown or expired session"),
                        "422": _error_response("The answer is not valid for the question"),
                        "503": unavailable,
                    },
                }
            },
            "/sessions/{session_id}/result": {
                "get": {
                    "summary": "Get the result (the same JSON as `kiosk evaluate`)",
                    "operationId": "getResult",
                    "parameters": [session_id, lang],
                    "responses": {
                        "200": {
                            "description": "The result",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Result"}}},
                        },
                        "404": _error_response("Unknown or expired session"),
                        "503": unavailable,
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "operationId": "openapi",
                    "responses": {
                        "200": {
                            "description": "OpenAPI document",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
        "components": {"schemas": _schemas()},
    }


def _schemas() -> dict[str, Any]:
    text_or_null = {"type": ["string", "null"]}
    place = {
        "type": ["object", "null"],
        "properties": {
            "id": {"type": "string"},
            "kind": {"type": "string"},
            "name": {"type": "string"},
            "floor": {"type": "string"},
            "window": {"type": "string"},
            "hours": {"type": "string"},
            "note": {"type": "string"},
            "url": {"type": "string"},
        },
        "required": ["id", "kind", "name"],
    }
    return {
        "Error": {
            "type": "object",
            "required": ["error", "message"],
            "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
        },
        "Event": {
            "type": "object",
            "required": ["id", "title", "description", "minutes"],
            "properties": {
                "id": {"type": "string"},
                "title": {"type": "string"},
                "description": {"type": "string"},
                "minutes": {"type": "integer"},
            },
        },
        "Question": {
            "type": "object",
            "required": ["id", "type", "text", "options", "unknown_allowed"],
            "properties": {
                "id": {"type": "string"},
                "type": {"type": "string", "enum": ["single", "multiple", "yes_no", "date", "number"]},
                "text": {"type": "string"},
                "help": text_or_null,
                "unknown_allowed": {"type": "boolean"},
                "options": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["value", "label", "exclusive"],
                        "properties": {
                            "value": {"type": "string"},
                            "label": {"type": "string"},
                            "exclusive": {"type": "boolean"},
                        },
                    },
                },
                "min": {"type": ["integer", "null"]},
                "max": {"type": ["integer", "null"]},
                "unit": text_or_null,
            },
        },
        "Progress": {
            "type": "object",
            "required": ["session", "event", "complete", "answers", "question"],
            "properties": {
                "session": {"type": "string"},
                "event": {"type": "string"},
                "complete": {"type": "boolean"},
                "answers": {"type": "object", "additionalProperties": ANSWER_VALUE},
                "question": {"oneOf": [{"$ref": "#/components/schemas/Question"}, {"type": "null"}]},
                "dropped": {"type": "array", "items": {"type": "string"}},
            },
        },
        "Deadline": {
            "type": "object",
            "required": ["kind", "text", "date", "overdue"],
            "properties": {
                "kind": {"type": "string", "enum": ["period", "asap", "none", "with"]},
                "text": {"type": "string"},
                "date": {"type": ["string", "null"], "format": "date"},
                "date_text": text_or_null,
                "moved_from": {"type": ["string", "null"], "format": "date"},
                "moved_because": text_or_null,
                "overdue": {"type": "boolean"},
                "counted_from": {"type": ["string", "null"], "format": "date"},
            },
        },
        "Procedure": {
            "type": "object",
            "required": ["id", "title", "group", "counter", "deadline", "items", "reasons", "conditional"],
            "properties": {
                "id": {"type": "string"},
                "title": {"type": "string"},
                "short": {"type": "string"},
                "group": {"type": "string", "enum": ["city", "agency", "private"]},
                "counter": place,
                "deadline": {"$ref": "#/components/schemas/Deadline"},
                "items": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["id", "name"],
                        "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
                    },
                },
                "reasons": {"type": "array", "items": {"type": "string"}},
                "conditional": {"type": "boolean"},
                "hints": {"type": "array", "items": {"type": "string"}},
                "applicant": text_or_null,
                "fee": text_or_null,
                "online": {"type": ["object", "null"]},
                "basis": text_or_null,
                "note": text_or_null,
                "verify": text_or_null,
            },
        },
        "Result": {
            "type": "object",
            "required": ["event", "procedures", "items", "route", "complete"],
            "properties": {
                "event": {"type": "string"},
                "title": {"type": "string"},
                "city": {"type": "string"},
                "sample_profile": {"type": "boolean"},
                "today": {"type": "string", "format": "date"},
                "complete": {"type": "boolean"},
                "unanswered": {"type": "array", "items": {"type": "string"}},
                "answers": {"type": "object", "additionalProperties": ANSWER_VALUE},
                "procedures": {"type": "array", "items": {"$ref": "#/components/schemas/Procedure"}},
                "route": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["group", "place", "procedures"],
                        "properties": {
                            "group": {"type": "string"},
                            "group_label": {"type": "string"},
                            "place": place,
                            "procedures": {"type": "array", "items": {"type": "string"}},
                        },
                    },
                },
                "items": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["id", "name", "for", "conditional"],
                        "properties": {
                            "id": {"type": "string"},
                            "name": {"type": "string"},
                            "note": text_or_null,
                            "for": {"type": "array", "items": {"type": "string"}},
                            "conditional": {"type": "boolean"},
                        },
                    },
                },
            },
        },
    }
