"""One resolver, one result: every surface (screen, speech, slip, print, API) renders what this decides."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from .conditions import AnswerValue
from .content import Content
from .deadlines import DeadlineResult, deadline_for
from .model import Attachment, Counter, FeeAmount, Flow, Item, Office, Procedure
from .path import Progress, walk
from .truth import Truth

GROUP_ORDER = ("city", "agency", "private")
GROUP_LABELS = {"city": "この市役所で", "agency": "ほかの機関で", "private": "民間の手続"}


@dataclass(frozen=True)
class ProcedureResult:
    """One procedure for this case: why it applies, where, by when, with what."""

    id: str
    procedure: Procedure
    conditional: bool
    reasons: tuple[str, ...]
    hints: tuple[str, ...]
    deadline: DeadlineResult
    item_ids: tuple[str, ...]
    place_id: str | None
    note: str | None

    @property
    def group(self) -> str:
        """city | agency | private."""
        return self.procedure.group


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
        """All procedures in route order."""
        return tuple(proc for stop in self.stops for proc in stop.procedures)

    def fee_text(self, procedure: Procedure) -> str | None:
        """The fee or amount in words, looking up local amounts in the municipality profile."""
        if isinstance(procedure.fee, FeeAmount):
            return self.content.municipality.amounts[procedure.fee.amount].text
        return procedure.fee

    def to_dict(self) -> dict[str, Any]:
        """The JSON every API and `kiosk evaluate` return."""
        return {
            "event": self.flow.id,
            "title": self.flow.title,
            "city": self.content.municipality.city,
            "sample_profile": self.content.municipality.sample,
            "today": self.today.isoformat(),
            "complete": self.progress.complete,
            "unanswered": list(self.progress.unanswered),
            "answers": {k: list(v) if isinstance(v, tuple) else v for k, v in self.progress.answers.items()},
            "procedures": [self._procedure_dict(proc) for proc in self.procedures],
            "route": [
                {
                    "group": stop.group,
                    "group_label": GROUP_LABELS[stop.group],
                    "place": self._place_dict(stop.place_id),
                    "procedures": [proc.id for proc in stop.procedures],
                }
                for stop in self.stops
            ],
            "items": [
                {
                    "id": entry.id,
                    "name": entry.item.name,
                    "note": entry.item.note,
                    "for": list(entry.needed_for),
                    "conditional": entry.conditional,
                }
                for entry in self.checklist
            ],
        }

    def _procedure_dict(self, proc: ProcedureResult) -> dict[str, Any]:
        procedure = proc.procedure
        items = self.content.items
        return {
            "id": proc.id,
            "title": procedure.title,
            "short": procedure.short,
            "group": procedure.group,
            "counter": self._place_dict(proc.place_id),
            "deadline": proc.deadline.to_dict(),
            "items": [{"id": item_id, "name": items[item_id].name} for item_id in proc.item_ids],
            "reasons": list(proc.reasons),
            "conditional": proc.conditional,
            "hints": list(proc.hints),
            "applicant": procedure.applicant,
            "fee": self.fee_text(procedure),
            "online": procedure.online.model_dump() if procedure.online else None,
            "basis": procedure.basis,
            "note": " ".join(n for n in (procedure.note, proc.note) if n) or None,
            "verify": procedure.verify,
        }

    def _place_dict(self, place_id: str | None) -> dict[str, Any] | None:
        if place_id is None:
            return None
        place = self.content.municipality.places[place_id]
        data = {"id": place_id, **place.model_dump(exclude_none=True)}
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
    hints: tuple[str, ...] = ()
    if conditional:
        hints = _hints(flow, progress, procedure, maybe)
    items = list(procedure.items)
    for extra in attachment.extra_items:
        if (extra.when is None or extra.when.evaluate(env) is not Truth.FALSE) and extra.item not in items:
            items.append(extra.item)
    return ProcedureResult(
        id=attachment.procedure,
        procedure=procedure,
        conditional=conditional,
        reasons=tuple(t.reason for t in (holding or maybe)),
        hints=hints,
        deadline=deadline_for(
            attachment.deadline or procedure.deadline, flow, progress.answers, content.calendar, today
        ),
        item_ids=tuple(items),
        place_id=procedure.counter,
        note=attachment.note,
    )


def _hints(flow: Flow, progress: Progress, procedure: Procedure, maybe: list[Any]) -> tuple[str, ...]:
    """How the resident can find out whether a 「該当する場合」 procedure applies."""
    if procedure.check_hint:
        return (procedure.check_hint,)
    hints: list[str] = []
    for trigger in maybe:
        for question_id in sorted(trigger.when.questions(), key=flow.position.__getitem__):
            question = flow.question_map[question_id]
            status, _ = progress.env.state(question_id)
            if status == "unknown" and question.unknown_hint and question.unknown_hint not in hints:
                hints.append(question.unknown_hint)
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
            conditional=all(proc.conditional for proc in procs),
        )
        for item_id, procs in needed.items()
    )
