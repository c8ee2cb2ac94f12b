"""Every resident-facing text in the content, under a stable key.

Translations (questionnaires/translations/<lang>/*.yaml) and read-aloud readings use these keys, so a text is
translated, checked and spoken from one list. Keys are built from ids, never from the Japanese wording:
`flow.okuyami.q.deceased_insurance.option.kokuho`, `procedure.kokuho_shikaku_soshitsu.title`, `item.inkan.name`.
"""

from __future__ import annotations

from collections.abc import Iterator

from .content import Content
from .model import Deadline, Flow
from .outside import pack_texts


def text_catalogue(content: Content) -> dict[str, str]:
    """All translatable texts as {key: Japanese text}, in a stable order."""
    return dict(_texts(content))


def _texts(content: Content) -> Iterator[tuple[str, str]]:
    municipality = content.municipality
    yield "municipality.city", municipality.city
    for counter_id, counter in municipality.counters.items():
        for field in ("name", "floor", "window", "hours", "note"):
            value = getattr(counter, field)
            if value:
                yield f"counter.{counter_id}.{field}", value
    for office_id, office in municipality.offices.items():
        yield f"office.{office_id}.name", office.name
        if office.note:
            yield f"office.{office_id}.note", office.note
    for amount_id, amount in municipality.amounts.items():
        yield f"amount.{amount_id}.label", amount.label
        yield f"amount.{amount_id}.text", amount.text
    for item_id, item in content.items.items():
        yield f"item.{item_id}.name", item.name
        if item.note:
            yield f"item.{item_id}.note", item.note
    for proc_id, proc in content.procedures.items():
        for field in ("title", "short", "applicant", "basis", "note", "check_hint"):
            value = getattr(proc, field)
            if value:
                yield f"procedure.{proc_id}.{field}", value
        if isinstance(proc.fee, str) and proc.fee:
            yield f"procedure.{proc_id}.fee", proc.fee
        if proc.deadline is not None:
            yield from _deadline_texts(f"procedure.{proc_id}.deadline", proc.deadline)
        if proc.online is not None:
            yield f"procedure.{proc_id}.online", proc.online.name
    for flow in content.flows.values():
        yield from _flow_texts(flow)
    for flow_id, pack in content.outside.items():
        yield from pack_texts(flow_id, pack)


def _flow_texts(flow: Flow) -> Iterator[tuple[str, str]]:
    base = f"flow.{flow.id}"
    yield f"{base}.title", flow.title
    yield f"{base}.description", flow.description
    for index, thing in enumerate(flow.have_ready):
        yield f"{base}.have_ready.{index}", thing
    for role, label in flow.date_labels.items():
        yield f"{base}.date_label.{role}", label
    for question in flow.questions:
        q = f"{base}.q.{question.id}"
        yield f"{q}.text", question.text
        if question.help:
            yield f"{q}.help", question.help
        if question.unknown_hint:
            yield f"{q}.unknown_hint", question.unknown_hint
        if question.unit:
            yield f"{q}.unit", question.unit  # beside the number box and inside its range errors
        for option in question.options or []:
            yield f"{q}.option.{option.value}", option.label
            if option.help:
                yield f"{q}.option.{option.value}.help", option.help
    for screen in flow.screens:
        if screen.text:
            yield f"{base}.screen.{screen.id}.text", screen.text
        if screen.help:
            yield f"{base}.screen.{screen.id}.help", screen.help
    for check in flow.checks:
        yield f"{base}.check.{check.id}.message", check.message
    for attachment in flow.procedures:
        p = f"{base}.p.{attachment.procedure}"
        for index, trigger in enumerate(attachment.all_triggers):
            yield f"{p}.reason.{index}", trigger.reason
        if attachment.note:
            yield f"{p}.note", attachment.note
        if attachment.deadline is not None:
            yield from _deadline_texts(f"{p}.deadline", attachment.deadline)


def _deadline_texts(key: str, deadline: Deadline) -> Iterator[tuple[str, str]]:
    """A deadline's own wording (`key`), its practice note (`key.practice`) and overdue note (`key.if_overdue`)."""
    if deadline.text:
        yield key, deadline.text
    if deadline.practice:
        yield f"{key}.practice", deadline.practice
    if deadline.if_overdue:
        yield f"{key}.if_overdue", deadline.if_overdue
