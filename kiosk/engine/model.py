"""The content model: what the YAML files in questionnaires/ may say. The schema is these classes."""

from __future__ import annotations

from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, StringConstraints, model_validator

from .conditions import Condition, parse_condition

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
IsoDate = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]
MonthDay = Annotated[str, StringConstraints(pattern=r"^\d{2}-\d{2}$")]
Text = Annotated[str, StringConstraints(min_length=1)]

DATE_ROLES = ("event", "death_known", "funeral", "move_out", "move_in")
DateRole = Literal["event", "death_known", "funeral", "move_out", "move_in"]


def _condition(raw: Any) -> Condition | None:
    if raw is None or isinstance(raw, Condition):
        return raw
    return parse_condition(raw)


When = Annotated[Condition | None, BeforeValidator(_condition)]


class Strict(BaseModel):
    """Unknown keys are errors: a typo in a key must never be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


# ---------------------------------------------------------------- municipality.yaml


class Counter(Strict):
    name: Text
    floor: str | None = None
    window: str | None = None
    hours: str | None = None
    phone: str | None = None
    note: str | None = None


class Office(Strict):
    name: Text
    kind: Literal["agency", "private"]
    note: str | None = None
    url: str | None = None
    verify: str | None = None


class YearEnd(Strict):
    start: MonthDay = Field(alias="from")
    end: MonthDay = Field(alias="to")


class ClosedDays(Strict):
    weekdays: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]] = ["sat", "sun"]
    national_holidays: bool = True
    year_end: YearEnd | None = None
    extra: list[IsoDate] = []


class Amount(Strict):
    label: Text
    text: Text
    verify: str | None = None


class Municipality(Strict):
    sample: bool = False
    city: Text
    phone: str | None = None
    languages: list[str] = ["ja"]
    retention_days: int = Field(default=30, ge=1)
    audit_retention_days: int = Field(default=1827, ge=1)  # 5 years
    counters: dict[Id, Counter]
    offices: dict[Id, Office] = {}
    closed_days: ClosedDays = ClosedDays()
    amounts: dict[Id, Amount] = {}

    @cached_property
    def places(self) -> dict[str, Counter | Office]:
        """Counters and offices by id, counters first (route order)."""
        return {**self.counters, **self.offices}


# ---------------------------------------------------------------- items and procedures


class Item(Strict):
    name: Text
    note: str | None = None
    verify: str | None = None


class Period(Strict):
    """A length of time counted from an answered date (民法140条〜143条)."""

    days: int | None = Field(default=None, ge=0)
    months: int | None = Field(default=None, ge=1)
    years: int | None = Field(default=None, ge=1)
    start: DateRole | None = Field(default=None, alias="from")
    count_first_day: bool = True

    @model_validator(mode="after")
    def _one_length(self) -> Period:
        lengths = [v for v in (self.days, self.months, self.years) if v is not None]
        if len(lengths) != 1:
            raise ValueError("期間は days・months・years のどれか1つで書きます（例: {days: 30, from: move_out}）")
        if self.start is None:
            raise ValueError("期間を数える日 from を書きます（event, death_known, funeral, move_out, move_in）")
        return self


class Deadline(Strict):
    """When a procedure is due.

    kind: period (a length from an answered date; `or_earlier` adds other periods and the earliest end wins),
    before (the day before the `from` date: 「葬儀より前に」), asap, none, with (at the same time as another).
    `next_open_day`: None derives it from the procedure's group (a last day on a closed day moves to the next open
    day for city, 地方自治法4条の2④, and agency, 行政機関の休日に関する法律2条; private: no); true moves it by
    民法142条 whatever the group (a court, another city); false keeps the earlier date.
    `practice`: the date is counter practice, not law; the text says what the law says.
    `if_overdue`: a kind note shown only when the date has passed.
    """

    kind: Literal["period", "before", "asap", "none", "with"] = "period"
    days: int | None = Field(default=None, ge=0)
    months: int | None = Field(default=None, ge=1)
    years: int | None = Field(default=None, ge=1)
    start: DateRole | None = Field(default=None, alias="from")
    count_first_day: bool = True
    or_earlier: list[Period] = []
    next_open_day: bool | None = None
    text: str | None = None
    practice: str | None = None
    if_overdue: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Deadline:
        lengths = [v for v in (self.days, self.months, self.years) if v is not None]
        if self.kind == "period":
            if len(lengths) != 1:
                raise ValueError("期限は days・months・years のどれか1つで書きます（例: {days: 14, from: event}）")
            if self.start is None:
                raise ValueError("期限を数える日 from を書きます（event, death_known, funeral, move_out, move_in）")
        elif self.kind == "before":
            if lengths:
                raise ValueError("kind: before には days・months・years を書きません（from の日より前が期限です）")
            if self.start is None:
                raise ValueError("kind: before には、その日より前に済ませる日 from を書きます（例: from: funeral）")
        else:
            if lengths or self.start is not None:
                raise ValueError(f"kind: {self.kind} の期限には days・months・years・from を書きません")
            if self.kind == "with" and not self.text:
                raise ValueError("kind: with には text（例: 転出届と同時に）を書きます")
        if self.or_earlier and self.kind != "period":
            raise ValueError("or_earlier は kind: period の期限にだけ書けます")
        if self.if_overdue is not None and self.kind not in ("period", "before"):
            raise ValueError("if_overdue は日付が決まる期限（period・before）にだけ書けます")
        if self.next_open_day is not None and self.kind != "period":
            raise ValueError("next_open_day は kind: period の期限にだけ書けます")
        return self

    @cached_property
    def periods(self) -> tuple[Period, ...]:
        """The main period and the `or_earlier` ones (kind: period only)."""
        if self.kind != "period":
            return ()
        fields = ("days", "months", "years", "count_first_day")
        main = Period.model_validate({"from": self.start, **{name: getattr(self, name) for name in fields}})
        return (main, *self.or_earlier)

    @cached_property
    def roles(self) -> tuple[str, ...]:
        """Every date role the deadline counts from."""
        roles = [self.start] if self.start else []
        roles += [period.start for period in self.or_earlier if period.start]
        return tuple(dict.fromkeys(roles))


class Online(Strict):
    name: Text
    url: Annotated[str, StringConstraints(pattern=r"^https?://")]


class FeeAmount(Strict):
    amount: Id


ProcedureKind = Literal["required", "optional", "information"]


class Procedure(Strict):
    """kind: required (counted, with a checkbox), optional (「希望する場合」: shown apart, never counted as required,
    with a checkbox) or information (「お知らせ」: no checkbox, not counted)."""

    title: Text
    short: Text
    group: Literal["city", "agency", "private"]
    kind: ProcedureKind = "required"
    counter: Id | None = None
    deadline: Deadline | None = None
    items: list[Id]
    applicant: str | None = None
    fee: str | FeeAmount | None = None
    online: Online | None = None
    basis: str | None = None
    note: str | None = None
    check_hint: str | None = None
    verify: str | None = None


# ---------------------------------------------------------------- flows


class Option(Strict):
    value: Id
    label: Text
    exclusive: bool = False
    help: str | None = None


class Question(Strict):
    id: Id
    type: Literal["single", "multiple", "yes_no", "date", "number"]
    text: Text
    help: str | None = None
    options: list[Option] | None = None
    unknown: bool = False
    unknown_hint: str | None = None
    when: When = None
    min: int | None = None
    max: int | None = None
    unit: str | None = None
    min_choices: int | None = Field(default=None, ge=1)
    not_before: str | None = None
    not_after: str | None = None
    _flow_id: str = PrivateAttr(default="")  # set by the flow that asks it (the base of its text keys)

    def text_key(self, field: str) -> str:
        """The translation key of one of the question's texts (kiosk.engine.texts): flow.<event>.q.<id>.<field>."""
        return f"flow.{self._flow_id}.q.{self.id}.{field}"

    @cached_property
    def option_values(self) -> tuple[str, ...]:
        """The values the question can give, including 「わからない」 when offered."""
        values = ["yes", "no"] if self.type == "yes_no" else [option.value for option in self.options or []]
        if self.unknown:
            values.append("unknown")
        return tuple(values)

    @cached_property
    def choices(self) -> tuple[Option, ...]:
        """The options shown, with generated はい／いいえ and 「わからない」."""
        if self.type == "yes_no":
            shown = [Option(value="yes", label="はい"), Option(value="no", label="いいえ")]
        else:
            shown = list(self.options or [])
        if self.unknown and self.type in ("single", "multiple", "yes_no"):
            shown.append(Option(value="unknown", label="わからない", exclusive=True))
        return tuple(shown)


class Trigger(Strict):
    when: When = None
    reason: Text


class ExtraItem(Strict):
    item: Id
    when: When = None


class Attachment(Strict):
    procedure: Id
    when: When = None
    reason: str | None = None
    triggers: list[Trigger] | None = None
    deadline: Deadline | None = None
    extra_items: list[ExtraItem] = []
    note: str | None = None

    @model_validator(mode="after")
    def _reason_or_triggers(self) -> Attachment:
        if self.triggers is not None and (self.reason is not None or self.when is not None):
            raise ValueError("reason・when と triggers は一緒に書けません。triggers の中に when と reason を書きます")
        if self.triggers is None and not self.reason:
            raise ValueError(
                "住民と職員に見せる理由 reason を書きます（例: 亡くなった方が国民健康保険に加入していたため）"
            )
        if self.triggers is not None and not self.triggers:
            raise ValueError("triggers には1つ以上の when と reason を書きます")
        return self

    @cached_property
    def all_triggers(self) -> tuple[Trigger, ...]:
        """The attachment's triggers; the short form (when + reason) is one trigger."""
        if self.triggers is not None:
            return tuple(self.triggers)
        assert self.reason is not None
        return (Trigger(when=self.when, reason=self.reason),)


class Screen(Strict):
    """Consecutive questions shown together on one page (a block of short questions on one topic)."""

    id: Id
    text: str | None = None
    help: str | None = None
    questions: list[Id] = Field(min_length=1)


class Check(Strict):
    """A cross-answer check: when the condition holds, the answers contradict each other; the page shows the
    message (naming the answers) on the questions it names and keeps the input."""

    id: Id
    when: When
    questions: list[Id] = Field(min_length=1)
    message: Text


class Flow(Strict):
    id: Id
    title: Text
    description: Text
    minutes: int = Field(ge=1)
    have_ready: list[str] = []
    dates: dict[DateRole, Id | list[Id]] = {}
    date_labels: dict[DateRole, str] = {}
    questions: list[Question]
    procedures: list[Attachment]
    screens: list[Screen] = []
    checks: list[Check] = []

    @model_validator(mode="after")
    def _own_questions(self) -> Flow:
        for question in self.questions:
            question._flow_id = self.id
        return self

    @cached_property
    def question_map(self) -> dict[str, Question]:
        """Questions by id."""
        return {question.id: question for question in self.questions}

    @cached_property
    def position(self) -> dict[str, int]:
        """Index of each question in asking order."""
        return {question.id: index for index, question in enumerate(self.questions)}

    @cached_property
    def screen_of(self) -> dict[str, Screen]:
        """The screen each grouped question belongs to (a question in no screen is a screen alone)."""
        return {question_id: screen for screen in self.screens for question_id in screen.questions}

    def date_questions(self, role: str) -> tuple[str, ...]:
        """The questions that answer a date role, in order of preference."""
        mapped = self.dates.get(role)  # type: ignore[call-overload]
        if mapped is None:
            return ()
        return (mapped,) if isinstance(mapped, str) else tuple(mapped)


# ---------------------------------------------------------------- outside/<flow>.yaml: the outside-bodies pack

NoticeField = Literal[
    "to", "deceased_name", "deceased_name_kana", "deceased_birth_date", "deceased_address", "death_date",
    "applicant_name", "applicant_birth_date", "applicant_address", "applicant_phone", "relationship", "move_date",
    "new_address", "today",
]
"""What a notice may fill in (`{deceased_name}` …): from the answers and the personal details, else a blank."""


class OutsideTask(Strict):
    """One thing to do at an outside body that is no procedure of the catalogue (相続時口座照会, 解約 …)."""

    id: Id
    text: Text
    when: When = None
    deadline: Deadline | None = None
    basis: str | None = None
    note: str | None = None
    verify: str | None = None


class Notice(Strict):
    """The letter to one body: its title, what the family asks, and the line for an account or contract number."""

    title: Text
    request: Text
    reference: str | None = None


class OutsideBody(Strict):
    """One body outside city hall: where (an office or counter of municipality.yaml), when, what to do and bring,
    where to find its contact details (private bodies: never invented), and the notice."""

    id: Id
    place: Id
    when: When = None
    tasks: list[OutsideTask] = []
    items: list[Id] = []
    contact: str | None = None
    notice: Notice | None = None
    verify: str | None = None


class OutsidePack(Strict):
    """「市役所の外の手続き」 for one flow: when it applies, the letter every notice uses, and the bodies in order.
    Procedures of the route done at a body's place are referenced by the body, never listed twice."""

    when: When = None
    title: Text
    intro: Text
    letter: Text
    bodies: list[OutsideBody]
