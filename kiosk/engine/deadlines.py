"""Deadlines as calendar dates, computed from the answered dates and the procedure's rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from .conditions import AnswerValue
from .dates import add_period, japanese_date, parse_iso
from .model import Deadline, Flow
from .office_days import OfficeCalendar

DEFAULT_ROLE_LABELS = {
    "event": "その日",
    "death_known": "亡くなったことを知った日",
    "funeral": "葬儀（葬祭）を行った日",
    "move_out": "転出する日",
    "move_in": "住み始めた日",
}


@dataclass(frozen=True)
class DeadlineResult:
    """A procedure's deadline for one case."""

    kind: str
    text: str
    date: dt.date | None = None
    moved_from: dt.date | None = None
    moved_because: str | None = None
    overdue: bool = False
    counted_from: dt.date | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON form: dates as YYYY-MM-DD."""
        return {
            "kind": self.kind,
            "text": self.text,
            "date": self.date.isoformat() if self.date else None,
            "date_text": japanese_date(self.date) if self.date else None,
            "moved_from": self.moved_from.isoformat() if self.moved_from else None,
            "moved_because": self.moved_because,
            "overdue": self.overdue,
            "counted_from": self.counted_from.isoformat() if self.counted_from else None,
        }


def role_label(flow: Flow, role: str) -> str:
    """How a date role is named for this flow (亡くなった日, 生まれた日, 引越しの日 …)."""
    return flow.date_labels.get(role) or DEFAULT_ROLE_LABELS[role]  # type: ignore[call-overload]


def anchor_date(flow: Flow, role: str, answers: Mapping[str, AnswerValue]) -> date | None:
    """The answered date a role stands for, trying the flow's questions in order."""
    for question_id in flow.date_questions(role):
        value = answers.get(question_id)
        if isinstance(value, str):
            parsed = parse_iso(value)
            if parsed is not None:
                return parsed
    return None


def rule_text(rule: Deadline, flow: Flow) -> str:
    """The deadline in words: 「亡くなった日を含めて14日以内」."""
    if rule.kind == "asap":
        return rule.text or "すみやかに"
    if rule.kind == "none":
        return rule.text or "期限はありません"
    if rule.kind == "with":
        return rule.text or ""
    assert rule.start is not None
    label = role_label(flow, rule.start)
    if rule.text:
        wording = f"{label}の{rule.text}" if rule.text.startswith("翌日") else f"{label}から{rule.text}"
    elif rule.days is not None:
        if rule.count_first_day:
            wording = f"{label}を含めて{rule.days}日以内"
        else:
            wording = f"{label}の翌日から数えて{rule.days}日以内"
    elif rule.months is not None:
        wording = f"{label}から{rule.months}か月以内"
    else:
        wording = f"{label}から{rule.years}年以内"
    if rule.next_open_day:
        wording += "（最後の日が市役所の休みの日なら、次の開庁日まで）"
    return wording


def deadline_for(
    rule: Deadline | None,
    flow: Flow,
    answers: Mapping[str, AnswerValue],
    office: OfficeCalendar,
    today: date,
) -> DeadlineResult:
    """Compute a procedure's deadline date (or its wording only when the date is not known)."""
    if rule is None:
        return DeadlineResult(kind="none", text="期限はありません")
    text = rule_text(rule, flow)
    if rule.kind != "period":
        return DeadlineResult(kind=rule.kind, text=text)
    assert rule.start is not None
    start = anchor_date(flow, rule.start, answers)
    if start is None:
        return DeadlineResult(kind="period", text=text)
    last_day = _last_day(rule, start)
    moved_from = moved_because = None
    if rule.next_open_day and not office.is_open(last_day):
        moved_from, moved_because = last_day, office.closed_reason(last_day)
        last_day = office.next_open_day(last_day)
    return DeadlineResult(
        kind="period",
        text=text,
        date=last_day,
        moved_from=moved_from,
        moved_because=moved_because,
        overdue=last_day < today,
        counted_from=start,
    )


def _last_day(rule: Deadline, start: date) -> date:
    # count_first_day: the start day is day 1, so the period ends one day earlier than 民法's 初日不算入.
    shift = timedelta(days=1) if rule.count_first_day else timedelta(0)
    if rule.days is not None:
        return start + timedelta(days=rule.days) - shift
    return add_period(start, months=rule.months or 0, years=rule.years or 0) - shift
