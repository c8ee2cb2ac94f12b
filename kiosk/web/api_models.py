"""The requests and replies of /api/v1 as types: api.py checks requests with them, openapi.py describes them all.

TypedDicts (pydantic needs typing_extensions' on Python 3.11): the views build plain dicts, which mypy checks.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal, NotRequired

from pydantic import Field, TypeAdapter, WithJsonSchema
from typing_extensions import TypedDict

#: What the API accepts as an answer; anything else is left to `parse_answer`, which replies 422 in words.
AnswerInput = Annotated[
    str | int | bool | list[str],
    Field(
        description="An option value, a list of option values (multiple choice), a date YYYY-MM-DD, an integer, "
        'or "unknown" (わからない) where the question allows it.'
    ),
]
#: An answer as the API gives it back, normalised: a string, an integer or a list of option values.
StoredAnswer = str | int | list[str]
Text = str | None
Group = Literal["city", "agency", "private"]


class SessionPath(TypedDict):
    session_id: Annotated[str, Field(max_length=64, description="The session's id from POST /sessions")]


class LangQuery(TypedDict, total=False):
    lang: Annotated[str, Field(description="Language code (ja, easy, en …). Default: Accept-Language, then ja.")]


class StartSession(TypedDict):
    event: Annotated[str, Field(description="An event id from /events")]


class AnswerQuestion(TypedDict):
    question: str
    # Any JSON gets through (parse_answer replies 422 to what it cannot use); the document shows what makes sense.
    value: Annotated[Any, WithJsonSchema(TypeAdapter(AnswerInput).json_schema())]


class Error(TypedDict):
    """An error: `error` is a code for programs, `message` a sentence for people (Japanese)."""

    error: str
    message: str
    events: NotRequired[Annotated[list[str], Field(description="unknown_event: the events there are")]]
    question: NotRequired[Annotated[str, Field(description="not_asked, invalid_answer: the question id")]]
    reason: NotRequired[Annotated[str, Field(description="invalid_answer: why (not_a_date, too_small …)")]]


class Event(TypedDict):
    id: str
    title: str
    description: str
    minutes: int


class Events(TypedDict):
    events: list[Event]


class Option(TypedDict):
    value: str
    label: str
    exclusive: bool


class Question(TypedDict):
    id: str
    type: Literal["single", "multiple", "yes_no", "date", "number"]
    text: str
    help: Text
    unknown_allowed: bool
    options: list[Option]
    min: NotRequired[int | None]  # min, max and unit: number questions only
    max: NotRequired[int | None]
    unit: NotRequired[Text]


class Progress(TypedDict):
    session: str
    event: str
    complete: bool
    answers: dict[str, StoredAnswer]
    question: Question | None
    dropped: NotRequired[Annotated[list[str], Field(description="After an answer: the answers it made moot")]]


class Place(TypedDict):
    id: str
    kind: Literal["counter", "agency", "private"]
    name: str
    floor: NotRequired[str]
    window: NotRequired[str]
    hours: NotRequired[str]
    note: NotRequired[str]
    url: NotRequired[str]


class Deadline(TypedDict):
    kind: Literal["period", "before", "asap", "none", "with"]
    text: str
    date: date | None
    date_text: Text
    moved_from: date | None
    moved_because: Text
    moved_text: Annotated[Text, Field(description="Why the date moved off a closed day, naming the law")]
    overdue: bool
    counted_from: date | None
    applied: Annotated[Text, Field(description="With several periods (or_earlier): the one that gave the date")]
    practice: Annotated[Text, Field(description="Set when the date is counter practice: what the law says")]
    if_overdue: Annotated[Text, Field(description="A note shown only when the date has passed")]


class ProcedureItem(TypedDict):
    id: str
    name: str


class Online(TypedDict):
    name: str
    url: str


class Procedure(TypedDict):
    id: str
    title: str
    short: str
    group: Group
    kind: Annotated[
        Literal["required", "optional", "information"],
        Field(description="required; optional (希望する場合: never counted as required); information (no checkbox)"),
    ]
    counter: Place | None
    deadline: Deadline
    items: list[ProcedureItem]
    reasons: list[str]
    conditional: bool
    hints: list[str]
    applicant: Text
    fee: Text
    online: Online | None
    basis: Text
    note: Text
    verify: Text


class Stop(TypedDict):
    group: Group
    group_label: str
    place: Place | None
    procedures: list[str]


ChecklistItem = TypedDict(  # "for" is a keyword: hence the functional form
    "ChecklistItem", {"id": str, "name": str, "note": Text, "for": list[str], "conditional": bool, "optional": bool}
)


class Result(TypedDict):
    """The same JSON as `kiosk evaluate`."""

    event: str
    title: str
    city: str
    sample_profile: bool
    today: date
    complete: bool
    unanswered: list[str]
    answers: dict[str, StoredAnswer]
    procedures: list[Procedure]
    route: list[Stop]
    items: list[ChecklistItem]
