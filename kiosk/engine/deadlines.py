"""Deadlines as calendar dates, computed from the answered dates and the procedure's rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from .conditions import AnswerValue
from .dates import add_months, corresponding_day, parse_iso
from .localize import Localizer, SourceLocalizer, format_date, phrase
from .model import Deadline, Flow
from .office_days import OfficeCalendar

ROLE_LABELS = {
    "event": phrase("date_role.event", "その日"),
    "death_known": phrase("date_role.death_known", "亡くなったことを知った日"),
    "funeral": phrase("date_role.funeral", "葬儀（葬祭）を行った日"),
    "move_out": phrase("date_role.move_out", "転出する日"),
    "move_in": phrase("date_role.move_in", "住み始めた日"),
}
DAYS_INCLUDING = phrase("deadline.days_including", "{label}を含めて{days}日以内")
DAYS_AFTER = phrase("deadline.days_after", "{label}の翌日から数えて{days}日以内")
MONTHS = phrase("deadline.months", "{label}から{months}か月以内")
YEARS = phrase("deadline.years", "{label}から{years}年以内")
CUSTOM = phrase("deadline.custom", "{label}から{text}")
CUSTOM_NEXT_DAY = phrase("deadline.custom_next_day", "{label}の{text}")
NEXT_OPEN_DAY = phrase("deadline.next_open_day", "（最後の日が市役所の休みの日なら、次の開庁日まで）")
ASAP = phrase("deadline.asap", "すみやかに")
NO_DEADLINE = phrase("deadline.none", "期限はありません")


@dataclass(frozen=True)
class DeadlineResult:
    """A procedure's deadline for one case: the rule, and the date when the answers give one."""

    rule: Deadline | None
    flow: Flow
    text_key: str | None = None
    date: dt.date | None = None
    moved_from: dt.date | None = None
    moved_because: str | None = None
    overdue: bool = False
    counted_from: dt.date | None = None

    @property
    def kind(self) -> str:
        """period | asap | none | with."""
        return self.rule.kind if self.rule else "none"

    @property
    def text(self) -> str:
        """The rule in Japanese words."""
        return self.describe(SourceLocalizer())

    def describe(self, localizer: Localizer) -> str:
        """The rule in words: 「亡くなった日を含めて14日以内」, in the resident's language."""
        return rule_text(self.rule, self.flow, localizer, self.text_key)

    def to_dict(self, localizer: Localizer | None = None) -> dict[str, Any]:
        """JSON form: dates as YYYY-MM-DD plus the date in words."""
        localizer = localizer or SourceLocalizer()
        return {
            "kind": self.kind,
            "text": self.describe(localizer),
            "date": self.date.isoformat() if self.date else None,
            "date_text": format_date(self.date, localizer) if self.date else None,
            "moved_from": self.moved_from.isoformat() if self.moved_from else None,
            "moved_because": self.moved_because,
            "overdue": self.overdue,
            "counted_from": self.counted_from.isoformat() if self.counted_from else None,
        }


def role_label(flow: Flow, role: str, localizer: Localizer) -> str:
    """How a date role is named for this flow (亡くなった日, 生まれた日, 引越しの日 …)."""
    label = flow.date_labels.get(role)  # type: ignore[call-overload]
    if label:
        return localizer.content(f"flow.{flow.id}.date_label.{role}", label)
    return localizer.phrase(*ROLE_LABELS[role])


def anchor_date(flow: Flow, role: str, answers: Mapping[str, AnswerValue]) -> dt.date | None:
    """The answered date a role stands for, trying the flow's questions in order."""
    for question_id in flow.date_questions(role):
        value = answers.get(question_id)
        if isinstance(value, str):
            parsed = parse_iso(value)
            if parsed is not None:
                return parsed
    return None


def rule_text(rule: Deadline | None, flow: Flow, localizer: Localizer, text_key: str | None = None) -> str:
    """The deadline in words, in the localizer's language."""
    custom = None
    if rule is not None and rule.text:
        custom = localizer.content(text_key, rule.text) if text_key else rule.text
    if rule is None or rule.kind == "none":
        return custom or localizer.phrase(*NO_DEADLINE)
    if rule.kind in ("asap", "with"):
        return custom or localizer.phrase(*ASAP)
    assert rule.start is not None
    label = role_label(flow, rule.start, localizer)
    if custom is not None:
        template = CUSTOM_NEXT_DAY if (rule.text or "").startswith("翌日") else CUSTOM
        wording = localizer.phrase(*template, label=label, text=custom)
    elif rule.days is not None:
        wording = localizer.phrase(
            *(DAYS_INCLUDING if rule.count_first_day else DAYS_AFTER), label=label, days=rule.days
        )
    elif rule.months is not None:
        wording = localizer.phrase(*MONTHS, label=label, months=rule.months)
    else:
        wording = localizer.phrase(*YEARS, label=label, years=rule.years)
    if rule.next_open_day:
        wording += localizer.phrase(*NEXT_OPEN_DAY)
    return wording


def deadline_for(
    rule: Deadline | None,
    flow: Flow,
    answers: Mapping[str, AnswerValue],
    office: OfficeCalendar,
    today: dt.date,
    text_key: str | None = None,
) -> DeadlineResult:
    """Compute a procedure's deadline date (the wording only, when the answers give no date)."""
    if rule is None or rule.kind != "period":
        return DeadlineResult(rule=rule, flow=flow, text_key=text_key)
    assert rule.start is not None
    start = anchor_date(flow, rule.start, answers)
    if start is None:
        return DeadlineResult(rule=rule, flow=flow, text_key=text_key)
    moved_from = moved_because = None
    try:
        last_day = _last_day(rule, start)
        if rule.next_open_day and not office.is_open(last_day):
            moved_from, moved_because = last_day, office.closed_reason(last_day)
            last_day = office.next_open_day(last_day)
    except OverflowError:  # a date at the calendar's end (answers are kept far from it): the wording only
        return DeadlineResult(rule=rule, flow=flow, text_key=text_key)
    return DeadlineResult(
        rule=rule,
        flow=flow,
        text_key=text_key,
        date=last_day,
        moved_from=moved_from,
        moved_because=moved_because,
        overdue=last_day < today,
        counted_from=start,
    )


def _last_day(rule: Deadline, start: dt.date) -> dt.date:
    """The last day of the period (民法140条〜143条).

    The period starts on `start` (count_first_day) or on the next day (初日不算入). A period in days ends after
    that many days; one in months or years ends the day before the starting day's corresponding day in the
    last month, or on that month's last day when it has no such day.
    """
    first = start if rule.count_first_day else start + timedelta(days=1)
    if rule.days is not None:
        return first + timedelta(days=rule.days - 1)
    months = (rule.months or 0) + 12 * (rule.years or 0)
    corresponding = corresponding_day(first, months)
    if corresponding is None:
        return add_months(first, months)  # clamped to the last day of that month
    return corresponding - timedelta(days=1)
