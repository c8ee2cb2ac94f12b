"""The outside-bodies pack as every surface shows it (result, printout, slip, staff case, read-aloud).

The engine decides the pack (kiosk.engine.outside); here the personal details the resident typed (or the case's,
for staff) fill its notices: once in Japanese, the letter the body reads, and once in the resident's language,
to understand what it says. Read-aloud never says a notice: it holds names and addresses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import session

from ..engine import Result
from ..engine.localize import format_date
from ..engine.outside import BodyResult, Pack, outside_pack
from ..extensions import services
from ..i18n import SOURCE_LANGUAGE, Translator, spoken_together
from . import state

FAMILY = ("spouse", "child", "parent", "grandchild", "grandparent", "sibling", "other_relative")
"""Relationships a notice names (「亡くなった方の配偶者」); 本人 and 親族以外 leave the blank."""


@dataclass(frozen=True)
class NoticeView:
    """One body's letter: the Japanese text to send, and the same letter in the resident's language (or None)."""

    body: BodyResult
    title: str
    text: str
    translated: str | None


@dataclass(frozen=True)
class OutsideView:
    """The pack with its notices filled for one case."""

    pack: Pack
    notices: dict[str, NoticeView]

    @property
    def bodies(self) -> tuple[BodyResult, ...]:
        """The bodies in order."""
        return self.pack.bodies


def notice_details(event: str, prefill: Mapping[str, Any] | None, t: Translator) -> dict[str, str | None]:
    """The notice fields from the personal details of one event (dates stay ISO: the engine writes them)."""
    prefill = prefill or {}
    applicant: Mapping[str, Any] = prefill.get("applicant") or {}
    subject: Mapping[str, Any] = prefill.get("subject") or {}
    move: Mapping[str, Any] = prefill.get("move") or {}
    relationship = applicant.get("relationship")
    details: dict[str, str | None] = {
        "applicant_name": applicant.get("name"),
        "applicant_birth_date": applicant.get("birth_date"),
        "applicant_address": _address(applicant.get("postal_code"), applicant.get("address")),
        "applicant_phone": applicant.get("phone"),
        "relationship": t.ui(f"outside.relationship.{relationship}") if relationship in FAMILY else None,
    }
    if event == "okuyami":
        details |= {
            "deceased_name": subject.get("name"),
            "deceased_name_kana": subject.get("name_kana"),
            "deceased_birth_date": subject.get("birth_date"),
            "deceased_address": _address(subject.get("postal_code"), subject.get("address")),
        }
    if event == "hikkoshi":
        details["applicant_address"] = (_address(move.get("old_postal_code"), move.get("old_address"))
                                        or details["applicant_address"])
        details["new_address"] = _address(move.get("new_postal_code"), move.get("new_address"))
    return details


def _address(postal: Any, address: Any) -> str | None:
    if not address:
        return None
    return f"〒{postal} {address}" if postal else str(address)


def outside_for(result: Result, prefill: Mapping[str, Any] | None = None) -> OutsideView | None:
    """The pack of a result with its notices; `prefill` defaults to the resident's own details for the event."""
    pack = outside_pack(result)
    if pack is None:
        return None
    event = result.flow.id
    if prefill is None:
        prefill = session.get("prefill", {}).get(event)
    t = state.translator()
    source = services().catalogue.translator(SOURCE_LANGUAGE)
    japanese, local = notice_details(event, prefill, source), notice_details(event, prefill, t)
    notices = {}
    for body in pack.notices:
        assert body.body is not None and body.body.notice is not None
        translated = None
        if t.language.code != SOURCE_LANGUAGE:
            translated = pack.notice(body, local, t)
        notices[body.id] = NoticeView(
            body=body,
            title=t.content(f"{body.key}.notice.title", body.body.notice.title),
            text=pack.notice(body, japanese),
            translated=translated,
        )
    return OutsideView(pack=pack, notices=notices)


def place_name(body: BodyResult, t: Translator) -> str:
    """The body's name in the resident's language."""
    return t.content(f"office.{body.place_id}.name", body.place.name)


def speech_for(result: Result) -> list[str]:
    """Read-aloud of the pack: its title and introduction, then each body with what to do and by when. Never the
    notices (names, addresses)."""
    pack = outside_pack(result)
    if pack is None:
        return []
    t = state.translator()
    texts = [t.content(f"{pack.key}.title", pack.pack.title), t.content(f"{pack.key}.intro", pack.pack.intro)]
    for body in pack.bodies:
        name = place_name(body, t)
        texts.append(spoken_together(t, name, t.ui("result.if_applicable")) if body.conditional else name)
        for proc in body.procedures:
            texts.append(t.content(f"procedure.{proc.id}.short", proc.procedure.short))
        for task in body.tasks:
            texts.append(t.content(f"{task.key}.text", task.task.text))
            if task.deadline.date:
                texts.append(spoken_together(t, t.ui("result.deadline"), format_date(task.deadline.date, t)))
        if body.has_notice:
            texts.append(t.ui("outside.notice_ready"))
    return texts
