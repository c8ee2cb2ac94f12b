"""What read-aloud says on each page: sentence-sized texts in reading order, never personal data."""

from __future__ import annotations

from ..engine import Result
from ..engine.localize import format_date
from ..engine.model import Flow, Question
from ..engine.path import PathScreen
from ..engine.resolver import GROUP_LABELS, Stop
from ..i18n import spoken_together
from . import state
from .outside_view import speech_for
from .templating import option_label


def for_menu(flows: list[Flow]) -> list[str]:
    """The menu: its heading, the introduction and each event."""
    t = state.translator()
    return [t.ui("menu.title"), t.ui("menu.intro")] + [t.content(f"flow.{f.id}.title", f.title) for f in flows]


def for_start(flow: Flow) -> list[str]:
    """The start page: what the guide does, how long, what to have ready."""
    t = state.translator()
    texts = [
        t.content(f"flow.{flow.id}.title", flow.title),
        t.content(f"flow.{flow.id}.description", flow.description),
        t.ui("start.minutes", minutes=flow.minutes),
    ]
    if flow.have_ready:
        texts.append(t.ui("start.have_ready"))
        texts += [t.content(f"flow.{flow.id}.have_ready.{i}", thing) for i, thing in enumerate(flow.have_ready)]
    return texts


def for_question(flow: Flow, question: Question) -> list[str]:
    """The question, its help, then its options one by one."""
    t = state.translator()
    key = f"flow.{flow.id}.q.{question.id}"
    texts = [t.content(f"{key}.text", question.text)]
    if question.help:
        texts.append(t.content(f"{key}.help", question.help))
    if question.type == "multiple":
        texts.append(t.ui("question.select_all"))
    if question.type == "date":
        texts.append(t.ui("date.hint"))
    texts += [option_label(flow, question, option) for option in question.choices]
    if question.unknown and question.type in ("date", "number"):
        texts.append(t.ui("choice.unknown"))
    return texts


def for_screen(flow: Flow, page: PathScreen) -> list[str]:
    """A screen: a single question as for_question; a screen of several reads its heading (and help), then
    each question with its options."""
    if not page.grouped or page.screen is None:
        return for_question(flow, page.first)
    t = state.translator()
    key = f"flow.{flow.id}.screen.{page.screen.id}"
    texts = [t.content(f"{key}.text", page.screen.text) if page.screen.text
             else t.content(f"flow.{flow.id}.title", flow.title)]
    if page.screen.help:
        texts.append(t.content(f"{key}.help", page.screen.help))
    for question in page.questions:
        texts += for_question(flow, question)
    return texts


def for_result(result: Result) -> list[str]:
    """The result, summary first (as the page shows it): the counts, each counter with its required procedures and
    their dates, the slip; then every counter again with each procedure's deadline and reasons; then the checklist.
    """
    t = state.translator()
    required = [p for p in result.procedures if p.counted]  # 「希望する場合」 and 「お知らせ」 are never counted
    maybe = len([p for p in result.required if p.conditional])
    summary = t.ui("result.summary", count=len(required))
    if maybe:
        summary += " " + t.ui("result.summary_maybe", maybe=maybe)
    texts = [t.ui("result.title"), summary, t.ui("result.items_count", count=len(result.checklist))]

    def where(stop: Stop) -> str:
        place = result.place_dict(stop.place_id, t)
        return (" ".join(str(place[k]) for k in ("name", "floor", "window") if place.get(k))
                if place else t.phrase(*GROUP_LABELS[stop.group]))

    for stop in result.stops:
        procs = [proc for proc in stop.procedures if proc.counted]
        if procs:
            texts.append(where(stop))
        for proc in procs:
            title = t.content(f"procedure.{proc.id}.short", proc.procedure.short)
            due = format_date(proc.deadline.date, t) if proc.deadline.date else proc.deadline.describe(t)
            texts.append(spoken_together(t, title, t.ui("result.deadline"), due))
    texts.append(t.ui("result.slip_intro"))
    for stop in result.stops:
        texts.append(where(stop))
        for proc in stop.procedures:
            title = t.content(f"procedure.{proc.id}.short", proc.procedure.short)
            tags = [t.ui("result.if_applicable")] if proc.conditional else []
            if proc.kind != "required":
                tags.append(t.ui("result.if_wanted" if proc.kind == "optional" else "result.information_tag"))
            texts.append(spoken_together(t, title, *tags))
            deadline = proc.deadline
            when = [format_date(deadline.date, t)] if deadline.date else []
            texts.append(spoken_together(t, t.ui("result.deadline"), *when, deadline.describe(t)))
            texts += [text for text in (deadline.practice(t), deadline.if_overdue(t)) if text]
            texts += [t.content(key, text) for key, text in zip(proc.reason_keys, proc.reasons, strict=True)]
    texts += speech_for(result)  # 市役所の外の手続き: bodies and what to do there, never the notices
    texts.append(t.ui("result.checklist_title"))
    texts += [t.content(f"item.{e.id}.name", e.item.name) for e in result.checklist]
    return texts


def heading_only(*keys: str) -> list[str]:
    """Pages with personal data (check answers, prefill, the slip) say only their headings and guidance."""
    t = state.translator()
    return [t.ui(key) for key in keys]
