"""The outside-bodies pack: everything a family must do outside city hall, one body at a time, with a notice.

Japan has no Tell Us Once: the guide cannot tell 年金事務所, banks or phone companies for the family. It hands
them, per body, what to do there, what to bring, by when, and a ready letter (「死亡のお知らせ」) to print or copy.

A body groups (1) the route's procedures done at its place (referenced, never listed twice) and (2) its own tasks
from questionnaires/outside/<flow>.yaml (相続時口座照会, 生命保険契約照会, 解約 …). Offices of the route that no
body describes still get a body of their own (their procedures only), so the pack is everything outside city hall.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from .dates import parse_iso
from .deadlines import DeadlineResult, anchor_date, deadline_for
from .localize import Localizer, SourceLocalizer, format_date, phrase
from .model import Deadline, Office, OutsideBody, OutsidePack, OutsideTask
from .resolver import ProcedureResult, Result
from .truth import Truth, all_of

BLANK = "＿＿＿＿＿＿＿＿＿＿"
"""What a notice shows where the resident gave no detail: a line to write on."""

PERSONAL_FIELDS = (
    "deceased_name", "deceased_name_kana", "deceased_birth_date", "deceased_address", "applicant_name",
    "applicant_birth_date", "applicant_address", "applicant_phone", "relationship", "new_address",
)
"""Notice fields filled from the personal details the resident typed (the web layer maps them)."""

REFERENCE = phrase("outside.reference_line", "{label}：{blank}")


def pack_key(flow_id: str) -> str:
    """The translation key prefix of a flow's pack."""
    return f"outside.{flow_id}"


def body_key(flow_id: str, body_id: str) -> str:
    """The translation key prefix of one body."""
    return f"outside.{flow_id}.body.{body_id}"


@dataclass(frozen=True)
class TaskResult:
    """One task of a body for this case; conditional (「該当する場合」) when its condition depends on 「わからない」."""

    id: str
    task: OutsideTask
    key: str
    conditional: bool
    deadline: DeadlineResult


@dataclass(frozen=True)
class BodyResult:
    """One outside body for this case: its place, the route's procedures done there, its tasks and items."""

    id: str
    body: OutsideBody | None
    """None for an office of the route that the pack does not describe (its procedures only)."""
    place_id: str
    place: Office
    key: str
    procedures: tuple[ProcedureResult, ...]
    tasks: tuple[TaskResult, ...]
    item_ids: tuple[str, ...]
    conditional: bool

    @property
    def has_notice(self) -> bool:
        """True when the body has a letter to print or copy."""
        return self.body is not None and self.body.notice is not None


@dataclass(frozen=True)
class Pack:
    """「市役所の外の手続き」 for one case."""

    flow_id: str
    pack: OutsidePack
    key: str
    bodies: tuple[BodyResult, ...]
    result: Result

    @property
    def notices(self) -> tuple[BodyResult, ...]:
        """The bodies with a letter, in order."""
        return tuple(body for body in self.bodies if body.has_notice)

    def notice(self, body: BodyResult, details: Mapping[str, str | None], localizer: Localizer | None = None) -> str:
        """The body's letter, filled from the answers and the personal details; blanks to write on otherwise.

        The letter goes to a Japanese body, so it is written in Japanese (the default); another localizer gives
        the same letter in the resident's language, to read what it says."""
        t = localizer or SourceLocalizer()
        assert body.body is not None and body.body.notice is not None
        notice, key = body.body.notice, f"{body.key}.notice"
        values = self._values(body, details, t)
        values["request"] = _fill(t.content(f"{key}.request", notice.request), values)
        values["title"] = t.content(f"{key}.title", notice.title)
        lines = []
        for line in t.content(f"{self.key}.letter", self.pack.letter).rstrip("\n").split("\n"):
            if "{reference}" in line:
                if notice.reference is None:
                    continue  # no account or contract number for this body: the line is left out
                label = t.content(f"{key}.reference", notice.reference)
                values["reference"] = t.phrase(*REFERENCE, label=label, blank=BLANK)
            lines.append(_fill(line, values))
        return "\n".join(lines)

    def _values(self, body: BodyResult, details: Mapping[str, str | None], t: Localizer) -> dict[str, str]:
        result = self.result
        values = {name: (details.get(name) or BLANK) for name in PERSONAL_FIELDS}
        for name in ("deceased_birth_date", "applicant_birth_date"):  # given as YYYY-MM-DD
            born = parse_iso(values[name])
            values[name] = format_date(born, t) if born else values[name]
        event = anchor_date(result.flow, "event", result.progress.answers)
        values["death_date"] = values["move_date"] = format_date(event, t) if event else BLANK
        values["today"] = format_date(result.today, t)
        office_name = t.content(f"office.{body.place_id}.name", body.place.name)
        values["to"] = office_name if body.place.kind == "agency" else BLANK  # a company's name: written by hand
        return values


def outside_pack(result: Result) -> Pack | None:
    """The pack for this case, or None when the flow has none or its condition does not hold (転居 in the city)."""
    pack = result.content.outside.get(result.flow.id)
    if pack is None:
        return None
    env = result.progress.env
    if pack.when is not None and pack.when.evaluate(env) is Truth.FALSE:
        return None
    offices = result.content.municipality.offices
    at_place: dict[str, list[ProcedureResult]] = {}
    for proc in result.procedures:
        if proc.place_id in offices:
            at_place.setdefault(proc.place_id, []).append(proc)
    bodies: list[BodyResult] = []
    described = set()
    for body in pack.bodies:
        described.add(body.place)
        decided = _body(result, body, tuple(at_place.get(body.place, ())))
        if decided is not None:
            bodies.append(decided)
    for place_id, procs in at_place.items():  # offices of the route that no body describes, in route order
        if place_id not in described:
            bodies.append(_plain_body(result, place_id, offices[place_id], tuple(procs)))
    return Pack(flow_id=result.flow.id, pack=pack, key=pack_key(result.flow.id), bodies=tuple(bodies), result=result)


def _body(result: Result, body: OutsideBody, procs: tuple[ProcedureResult, ...]) -> BodyResult | None:
    env = result.progress.env
    flow_id = result.flow.id
    place = result.content.municipality.offices[body.place]
    key = body_key(flow_id, body.id)
    own = Truth.TRUE if body.when is None else body.when.evaluate(env)
    tasks = []
    for task in body.tasks:
        truth = all_of([own, Truth.TRUE if task.when is None else task.when.evaluate(env)])
        if truth is Truth.FALSE:
            continue
        tasks.append(
            TaskResult(
                id=task.id,
                task=task,
                key=f"{key}.task.{task.id}",
                conditional=truth is Truth.UNKNOWN,
                deadline=_deadline(result, task.deadline, f"{key}.task.{task.id}.deadline", place.kind),
            )
        )
    if own is Truth.FALSE and not procs and not tasks:
        return None
    items = list(body.items) if own is not Truth.FALSE else []
    items += [item for proc in procs for item in proc.item_ids if item not in items]
    certain = own is Truth.TRUE or any(not p.conditional for p in procs) or any(not t.conditional for t in tasks)
    return BodyResult(
        id=body.id, body=body, place_id=body.place, place=place, key=key, procedures=procs, tasks=tuple(tasks),
        item_ids=tuple(dict.fromkeys(items)), conditional=not certain,
    )


def _plain_body(result: Result, place_id: str, place: Office, procs: tuple[ProcedureResult, ...]) -> BodyResult:
    items = tuple(dict.fromkeys(item for proc in procs for item in proc.item_ids))
    return BodyResult(
        id=place_id, body=None, place_id=place_id, place=place, key=body_key(result.flow.id, place_id),
        procedures=procs, tasks=(), item_ids=items, conditional=all(proc.conditional for proc in procs),
    )


def _deadline(result: Result, rule: Deadline | None, text_key: str, group: str) -> DeadlineResult:
    answers = result.progress.answers
    return deadline_for(rule, result.flow, answers, result.content.calendar, result.today, text_key=text_key,
                        group=group)


def _fill(text: str, values: Mapping[str, str]) -> str:
    """Fill {placeholders}; a placeholder with no value stays a blank (the loader allows only known names)."""
    class _Blanks(dict[str, str]):
        def __missing__(self, name: str) -> str:
            return BLANK

    return text.format_map(_Blanks(values))


def pack_texts(flow_id: str, pack: OutsidePack) -> Iterator[tuple[str, str]]:
    """Every translatable text of a pack under its key (see kiosk.engine.texts)."""
    base = pack_key(flow_id)
    yield f"{base}.title", pack.title
    yield f"{base}.intro", pack.intro
    yield f"{base}.letter", pack.letter
    for body in pack.bodies:
        key = body_key(flow_id, body.id)
        if body.contact:
            yield f"{key}.contact", body.contact
        if body.notice is not None:
            yield f"{key}.notice.title", body.notice.title
            yield f"{key}.notice.request", body.notice.request
            if body.notice.reference:
                yield f"{key}.notice.reference", body.notice.reference
        for task in body.tasks:
            task_key = f"{key}.task.{task.id}"
            yield f"{task_key}.text", task.text
            for field in ("note", "basis"):
                value = getattr(task, field)
                if value:
                    yield f"{task_key}.{field}", value
            if task.deadline is not None:
                for suffix, value in (("", task.deadline.text), (".practice", task.deadline.practice),
                                      (".if_overdue", task.deadline.if_overdue)):
                    if value:
                        yield f"{task_key}.deadline{suffix}", value
