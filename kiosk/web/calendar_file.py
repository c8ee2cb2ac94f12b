"""The deadlines as an iCalendar (.ics) file: one all-day event per dated deadline."""

from __future__ import annotations

from datetime import date, timedelta

from icalendar import Calendar, Event

from ..engine import Result
from ..engine.localize import Localizer
from ..store.sessions import now


def deadlines_calendar(result: Result, localizer: Localizer) -> bytes:
    """An .ics file the resident can import into their own calendar. No personal data is in it."""
    calendar = Calendar()
    calendar.add("prodid", "-//kakanai-madoguchi//life-event guide//JA")
    calendar.add("version", "2.0")
    stamp = now()
    for proc in result.procedures:
        deadline = proc.deadline
        if deadline.date is None or deadline.date >= date.max:  # no day after it to end the event
            continue
        title = localizer.content(f"procedure.{proc.id}.title", proc.procedure.title)
        event = Event()
        event.add("uid", f"{result.flow.id}-{proc.id}-{deadline.date.isoformat()}@kakanai-madoguchi")
        event.add("dtstamp", stamp)
        event.add("summary", localizer.phrase("calendar.summary", "【期限】{title}", title=title))
        event.add("dtstart", deadline.date)
        event.add("dtend", deadline.date + timedelta(days=1))
        place = result.place_dict(proc.place_id, localizer)
        if place:
            event.add("location", " ".join(str(place[k]) for k in ("name", "floor", "window") if place.get(k)))
        event.add("description", deadline.describe(localizer))
        calendar.add_component(event)
    ical: bytes = calendar.to_ical()
    return ical
