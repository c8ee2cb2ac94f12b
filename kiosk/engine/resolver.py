"""One resolver, one result: every surface (screen, speech, slip, print, API) renders what this decides."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from .conditions import AnswerValue
from .content import Content
from .deadlines import DeadlineResult, deadline_for
from .localize import Localizer, SourceLocalizer, phrase
from .model import Attachment, Counter, FeeAmount, Flow, Item, Office, Procedure
from .path import Progress, walk
from .truth import Truth

GROUP_ORDER = ("city", "agency", "private")
GROUP_LABELS = {
    "city": phrase("group.city", "この市役所で"),
    "agency": phrase("group.agency", "ほかの機関で"),
    "private": phrase("group.private", "民間の手続き"),
}


@dataclass(frozen=True)
class ProcedureResult:
    """One procedure for this case: why it applies, where, by when, with what."""

    id: str
    procedure: Procedure
    conditional: bool
    reasons: tuple[str, ...]
    reason_keys: tuple[str, ...]
    hints: tuple[str, ...]
    hint_keys: tuple[str, ...]
    deadline: DeadlineResult
    item_ids: tuple[str, ...]
    conditional_item_ids: frozenset[str]
    place_id: str | None
    note: str | None

    @property
    def group(self) -> str:
        """city | agency | private."""
        return self.procedure.group

    @property
    def kind(self) -> str:
        """required | optional (「希望する場合」) | information (「お知らせ」: no checkbox, never counted)."""
        return self.procedure.kind

    @property
    def counted(self) -> bool:
        """True for a required procedure that surely applies: what the summary's 「必要な手続きは N 件」 counts."""
        return self.kind == "required" and not self.conditional


@dataclass(frozen=True)
class Stop:
    """One counter or office on the visit route, with the procedures done there, in order."""

    place_id: str | None
    place: Counter | Office | None
    group: str
    procedures: tuple[ProcedureResult, ...]


@dataclass(frozen=True)
class ChecklistItem:
    """One thing to bring, once, with the procedures that need it."""

    id: str
    item: Item
    needed_for: tuple[str, ...]
    conditional: bool
    optional: bool = False
    """Needed only for 「希望する場合」 procedures."""


@dataclass(frozen=True)
class Result:
    """Everything the resident and the clerk are told for one case."""

    content: Content
    flow: Flow
    progress: Progress
    today: date
    stops: tuple[Stop, ...]
    checklist: tuple[ChecklistItem, ...]

    @property
    def procedures(self) -> tuple[ProcedureResult, ...]:
        """All procedures in route order, of every kind."""
        return tuple(proc for stop in self.stops for proc in stop.procedures)

    @property
    def required(self) -> tuple[ProcedureResult, ...]:
        """Required procedures in route order, those that surely apply and the 「該当する場合」 ones."""
        return tuple(proc for proc in self.procedures if proc.kind == "required")

    @property
    def optional(self) -> tuple[ProcedureResult, ...]:
        """「希望する場合」 procedures in route order: shown apart, with a checkbox, never counted as required."""
        return tuple(proc for proc in self.procedures if proc.kind == "optional")

    @property
    def information(self) -> tuple[ProcedureResult, ...]:
        """「お知らせ」 entries in route order: no checkbox and never counted (their items, if any, are listed)."""
        return tuple(proc for proc in self.procedures if proc.kind == "information")

    def fee_text(self, procedure_id: str, localizer: Localizer | None = None) -> str | None:
        """The fee or amount in words, looking up local amounts in the municipality profile."""
        localizer = localizer or SourceLocalizer()
        fee = self.content.procedures[procedure_id].fee
        if isinstance(fee, FeeAmount):
            amount = self.content.municipality.amounts[fee.amount]
            return localizer.content(f"amount.{fee.amount}.text", amount.text)
        return localizer.content(f"procedure.{procedure_id}.fee", fee) if fee else None

    def to_dict(self, localizer: Localizer | None = None) -> dict[str, Any]:
        """The JSON every API and `kiosk evaluate` return, in the localizer's language (Japanese by default)."""
        t = localizer or SourceLocalizer()
        return {
            "event": self.flow.id,
            "title": t.content(f"flow.{self.flow.id}.title", self.flow.title),
            "city": t.content("municipality.city", self.content.municipality.city),
            "sample_profile": self.content.municipality.sample,
            "today": self.today.isoformat(),
            "complete": self.progress.complete,
            "unanswered": list(self.progress.unanswered),
            "answers": self.progress.answers.to_json(),
            "procedures": [self._procedure_dict(proc, t) for proc in self.procedures],
            "route": [
                {
                    "group": stop.group,
                    "group_label": t.phrase(*GROUP_LABELS[stop.group]),
                    "place": self.place_dict(stop.place_id, t),
                    "procedures": [proc.id for proc in stop.procedures],
                }
                for stop in self.stops
            ],
            "items": [
                {
                    "id": entry.id,
                    "name": t.content(f"item.{entry.id}.name", entry.item.name),
                    "note": t.content(f"item.{entry.id}.note", entry.item.note) or None,
                    "for": list(entry.needed_for),
                    "conditional": entry.conditional,
                    "optional": entry.optional,
                }
                for entry in self.checklist
            ],
        }

    def _procedure_dict(self, proc: ProcedureResult, t: Localizer) -> dict[str, Any]:
        procedure = proc.procedure
        key = f"procedure.{proc.id}"
        items = self.content.items
        notes = [
            t.content(f"{key}.note", procedure.note),
            t.content(f"flow.{self.flow.id}.p.{proc.id}.note", proc.note),
        ]
        return {
            "id": proc.id,
            "title": t.content(f"{key}.title", procedure.title),
            "short": t.content(f"{key}.short", procedure.short),
            "group": procedure.group,
            "kind": procedure.kind,
            "counter": self.place_dict(proc.place_id, t),
            "deadline": proc.deadline.to_dict(t),
            "items": [
                {"id": item_id, "name": t.content(f"item.{item_id}.name", items[item_id].name)}
                for item_id in proc.item_ids
            ],
            "reasons": [t.content(k, text) for k, text in zip(proc.reason_keys, proc.reasons, strict=True)],
            "conditional": proc.conditional,
            "hints": [t.content(k, text) for k, text in zip(proc.hint_keys, proc.hints, strict=True)],
            "applicant": t.content(f"{key}.applicant", procedure.applicant) or None,
            "fee": self.fee_text(proc.id, t),
            "online": (
                {"name": t.content(f"{key}.online", procedure.online.name), "url": procedure.online.url}
                if procedure.online
                else None
            ),
            "basis": t.content(f"{key}.basis", procedure.basis) or None,
            "note": " ".join(n for n in notes if n) or None,
            "verify": procedure.verify,
        }

    def place_dict(self, place_id: str | None, localizer: Localizer | None = None) -> dict[str, Any] | None:
        """A counter or office with its texts in the localizer's language."""
        if place_id is None:
            return None
        t = localizer or SourceLocalizer()
        municipality = self.content.municipality
        prefix = "counter" if place_id in municipality.counters else "office"
        place = municipality.places[place_id]
        data: dict[str, Any] = {"id": place_id, "kind": "counter" if prefix == "counter" else place.kind}  # type: ignore[union-attr]
        for field, value in place.model_dump(exclude_none=True).items():
            if field in ("name", "floor", "window", "hours", "note"):
                data[field] = t.content(f"{prefix}.{place_id}.{field}", value)
            elif field == "url":
                data[field] = value
        return data


def resolve(content: Content, event: str, answers: Mapping[str, AnswerValue], today: date) -> Result:
    """Decide which procedures apply, in which order, by when and with what."""
    flow = content.flows[event]
    progress = walk(flow, answers, today)
    decided = [
        decision
        for attachment in flow.procedures
        if (decision := _decide(content, flow, progress, attachment, today)) is not None
    ]
    stops = _route(content, decided)
    return Result(
        content=content,
        flow=flow,
        progress=progress,
        today=today,
        stops=stops,
        checklist=_checklist(content, stops),
    )


def _decide(
    content: Content, flow: Flow, progress: Progress, attachment: Attachment, today: date
) -> ProcedureResult | None:
    env = progress.env
    holding, maybe = [], []
    for trigger in attachment.all_triggers:
        truth = Truth.TRUE if trigger.when is None else trigger.when.evaluate(env)
        if truth is Truth.TRUE:
            holding.append(trigger)
        elif truth is Truth.UNKNOWN:
            maybe.append(trigger)
    if not holding and not maybe:
        return None
    procedure = content.procedures[attachment.procedure]
    conditional = not holding
    hints: tuple[tuple[str, str], ...] = ()
    if conditional:
        hints = _hints(flow, progress, attachment.procedure, procedure, maybe)
    shown = [(index, trigger) for index, trigger in enumerate(attachment.all_triggers) if trigger in (holding or maybe)]
    items = list(procedure.items)
    maybe_items = set()
    for extra in attachment.extra_items:
        truth = Truth.TRUE if extra.when is None else extra.when.evaluate(env)
        if truth is not Truth.FALSE and extra.item not in items:
            items.append(extra.item)
            if truth is Truth.UNKNOWN:
                maybe_items.add(extra.item)
    return ProcedureResult(
        id=attachment.procedure,
        procedure=procedure,
        conditional=conditional,
        reasons=tuple(trigger.reason for _, trigger in shown),
        reason_keys=tuple(f"flow.{flow.id}.p.{attachment.procedure}.reason.{index}" for index, _ in shown),
        hints=tuple(text for _, text in hints),
        hint_keys=tuple(key for key, _ in hints),
        deadline=deadline_for(
            attachment.deadline or procedure.deadline,
            flow,
            progress.answers,
            content.calendar,
            today,
            text_key=f"flow.{flow.id}.p.{attachment.procedure}.deadline"
            if attachment.deadline
            else f"procedure.{attachment.procedure}.deadline",
            group=procedure.group,
        ),
        item_ids=tuple(items),
        conditional_item_ids=frozenset(maybe_items),
        place_id=procedure.counter,
        note=attachment.note,
    )


def _hints(
    flow: Flow, progress: Progress, procedure_id: str, procedure: Procedure, maybe: list[Any]
) -> tuple[tuple[str, str], ...]:
    """How the resident can find out whether a 「該当する場合」 procedure applies: (text key, text)."""
    if procedure.check_hint:
        return ((f"procedure.{procedure_id}.check_hint", procedure.check_hint),)
    hints: list[tuple[str, str]] = []
    for trigger in maybe:
        for question_id in sorted(trigger.when.questions(), key=flow.position.__getitem__):
            question = flow.question_map[question_id]
            status, _ = progress.env.state(question_id)
            hint = (f"flow.{flow.id}.q.{question_id}.unknown_hint", question.unknown_hint or "")
            if status == "unknown" and question.unknown_hint and hint not in hints:
                hints.append(hint)
    return tuple(hints)


def _route(content: Content, decided: list[ProcedureResult]) -> tuple[Stop, ...]:
    """Group procedures by counter: the city's counters in visit order, then other offices, then private."""
    place_order = {place_id: index for index, place_id in enumerate(content.municipality.places)}
    stops: list[Stop] = []
    for group in GROUP_ORDER:
        in_group = [proc for proc in decided if proc.group == group]
        places = sorted(
            {proc.place_id for proc in in_group},
            key=lambda pid: (pid is None, place_order.get(pid or "", 0)),
        )
        for place_id in places:
            here = tuple(proc for proc in in_group if proc.place_id == place_id)
            place = content.municipality.places.get(place_id) if place_id else None
            stops.append(Stop(place_id=place_id, place=place, group=group, procedures=here))
    return tuple(stops)


def _checklist(content: Content, stops: tuple[Stop, ...]) -> tuple[ChecklistItem, ...]:
    """Every item once, in the order it is first needed on the route."""
    needed: dict[str, list[ProcedureResult]] = {}
    for stop in stops:
        for proc in stop.procedures:
            for item_id in proc.item_ids:
                needed.setdefault(item_id, []).append(proc)
    return tuple(
        ChecklistItem(
            id=item_id,
            item=content.items[item_id],
            needed_for=tuple(proc.id for proc in procs),
            conditional=all(proc.conditional or item_id in proc.conditional_item_ids for proc in procs),
            optional=all(proc.kind == "optional" for proc in procs),
        )
        for item_id, procs in needed.items()
    )
