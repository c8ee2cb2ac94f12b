"""Deadlines as calendar dates, computed from the answered dates and the procedure's rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from .conditions import AnswerValue
from .dates import add_months, corresponding_day, parse_iso
from .localize import WEEKDAYS, Localizer, SourceLocalizer, format_date, phrase
from .model import Deadline, Flow, Period
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
BEFORE = phrase("deadline.before", "{label}より前に")
EARLIEST = phrase("deadline.earliest", "{rules}のうち、早いほうの日まで")
EARLIEST_SEPARATOR = phrase("deadline.earliest_separator", "と、")
APPLIED = phrase("deadline.applied", "早いほうの「{rule}」で決まります")
NEXT_OPEN_DAY = phrase("deadline.next_open_day", "（最後の日が市役所の休みの日なら、次の開庁日まで）")
NEXT_OPEN_DAY_OFFICE = phrase("deadline.next_open_day_office", "（最後の日が窓口の休みの日なら、次に開いている日まで）")
ASAP = phrase("deadline.asap", "すみやかに")
NO_DEADLINE = phrase("deadline.none", "期限はありません")
MOVED = phrase("deadline.moved", "最後の日の{date}は休みの日（{reason}）なので、次に開いている日が期限です（{law}）。")
CLOSED_REASONS = {
    "extra": phrase("deadline.closed.extra", "休業日"),
    "year_end": phrase("deadline.closed.year_end", "年末年始"),
    "holiday": phrase("deadline.closed.holiday", "{name}"),
    "weekday": phrase("deadline.closed.weekday", "{weekday}曜日"),
}
CLOSED_DAY_LAWS = {
    "city": phrase("deadline.law.city", "地方自治法4条の2第4項"),
    "agency": phrase("deadline.law.agency", "行政機関の休日に関する法律2条など"),
    "civil": phrase("deadline.law.civil", "民法142条"),
}
"""Why a last day on a closed day moves: a request to the city (地方自治法4条の2④), to a national agency (行政機関の
休日に関する法律2条), or any other period in law (民法142条: only where a content file says `next_open_day: true`)."""


def closed_day_rule(rule: Deadline | None, group: str | None) -> str | None:
    """Which law moves the deadline's last day off a closed day: city | agency | civil, or None (it stays).

    Derived from the procedure's group unless the content says `next_open_day`: a request to the city or to a
    national agency moves to the next open day; a private contract does not. `next_open_day: true` says that a
    period in law ends on the next open day by 民法142条 (a court, another city, a public employer, whatever the
    group); `false` that a law keeps the earlier date.
    """
    if rule is None or rule.kind != "period" or rule.next_open_day is False:
        return None
    if rule.next_open_day:
        return "civil"
    return group if group in ("city", "agency") else None


@dataclass(frozen=True)
class DeadlineResult:
    """A procedure's deadline for one case: the rule, and the date when the answers give one."""

    rule: Deadline | None
    flow: Flow
    text_key: str | None = None
    date: dt.date | None = None
    moved_from: dt.date | None = None
    moved_because: str | None = None
    moved_kind: tuple[str, str] | None = None
    """Why the last day was closed, as OfficeCalendar.closed_kind gives it (for wording in any language)."""
    overdue: bool = False
    counted_from: dt.date | None = None
    group: str | None = None
    applied: int | None = None
    """Index in `rule.periods` of the period that gave the date (0: the main one), when there are several."""

    @property
    def kind(self) -> str:
        """period | before | asap | none | with."""
        return self.rule.kind if self.rule else "none"

    @property
    def closed_day_rule(self) -> str | None:
        """city | agency | civil: the law that moves a last day off a closed day; None when it stays."""
        return closed_day_rule(self.rule, self.group)

    @property
    def text(self) -> str:
        """The rule in Japanese words."""
        return self.describe(SourceLocalizer())

    def describe(self, localizer: Localizer) -> str:
        """The rule in words: 「亡くなった日を含めて14日以内」, in the resident's language."""
        return rule_text(self.rule, self.flow, localizer, self.text_key, self.closed_day_rule)

    def applied_text(self, localizer: Localizer) -> str | None:
        """Which of several periods decided the date: 「早いほうの「転出する日を含めて30日以内」で決まります」."""
        if self.rule is None or self.applied is None or len(self.rule.periods) < 2:
            return None
        period = self.rule.periods[self.applied]
        return localizer.phrase(*APPLIED, rule=period_text(period, self.flow, localizer))

    def moved_text(self, localizer: Localizer) -> str | None:
        """Why the date is not the period's last day: 「最後の日の5月10日（日）は休みの日（日曜日）なので…」."""
        law = self.closed_day_rule
        if self.moved_from is None or law is None:
            return None
        reason = self.moved_because or ""
        if self.moved_kind is not None:
            kind, detail = self.moved_kind
            weekday = localizer.phrase(*WEEKDAYS[int(detail)]) if kind == "weekday" else ""
            reason = localizer.phrase(*CLOSED_REASONS[kind], name=detail, weekday=weekday)
        return localizer.phrase(
            *MOVED,
            date=format_date(self.moved_from, localizer),
            reason=reason,
            law=localizer.phrase(*CLOSED_DAY_LAWS[law]),
        )

    def practice(self, localizer: Localizer) -> str | None:
        """What the law says when the date is counter practice, not law (転出届: 法律では引越しの前に…)."""
        if self.rule is None or not self.rule.practice:
            return None
        return self._content("practice", self.rule.practice, localizer)

    def if_overdue(self, localizer: Localizer) -> str | None:
        """The kind note for a date that has passed (届出期間経過通知書, still accepted); None when not overdue."""
        if not self.overdue or self.rule is None or not self.rule.if_overdue:
            return None
        return self._content("if_overdue", self.rule.if_overdue, localizer)

    def _content(self, field: str, source: str, localizer: Localizer) -> str:
        return localizer.content(f"{self.text_key}.{field}", source) if self.text_key else source

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
            "moved_text": self.moved_text(localizer),
            "overdue": self.overdue,
            "counted_from": self.counted_from.isoformat() if self.counted_from else None,
            "applied": self.applied_text(localizer),
            "practice": self.practice(localizer),
            "if_overdue": self.if_overdue(localizer),
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


def period_text(period: Period, flow: Flow, localizer: Localizer) -> str:
    """One period in words: 「住み始めた日を含めて14日以内」."""
    assert period.start is not None
    label = role_label(flow, period.start, localizer)
    if period.days is not None:
        template = DAYS_INCLUDING if period.count_first_day else DAYS_AFTER
        return localizer.phrase(*template, label=label, days=period.days)
    if period.months is not None:
        return localizer.phrase(*MONTHS, label=label, months=period.months)
    return localizer.phrase(*YEARS, label=label, years=period.years)


def rule_text(
    rule: Deadline | None,
    flow: Flow,
    localizer: Localizer,
    text_key: str | None = None,
    closed_day: str | None = None,
) -> str:
    """The deadline in words, in the localizer's language; `closed_day` (see closed_day_rule) adds the moving."""
    custom = None
    if rule is not None and rule.text:
        custom = localizer.content(text_key, rule.text) if text_key else rule.text
    if rule is None or rule.kind == "none":
        return custom or localizer.phrase(*NO_DEADLINE)
    if rule.kind in ("asap", "with"):
        return custom or localizer.phrase(*ASAP)
    assert rule.start is not None
    label = role_label(flow, rule.start, localizer)
    if rule.kind == "before":
        return custom or localizer.phrase(*BEFORE, label=label)
    if custom is not None:
        template = CUSTOM_NEXT_DAY if (rule.text or "").startswith("翌日") else CUSTOM
        wording = localizer.phrase(*template, label=label, text=custom)
    elif len(rule.periods) > 1:
        separator = localizer.phrase(*EARLIEST_SEPARATOR)
        rules = separator.join(period_text(period, flow, localizer) for period in rule.periods)
        wording = localizer.phrase(*EARLIEST, rules=rules)
    else:
        wording = period_text(rule.periods[0], flow, localizer)
    if closed_day is not None:
        wording += localizer.phrase(*(NEXT_OPEN_DAY if closed_day == "city" else NEXT_OPEN_DAY_OFFICE))
    return wording


def deadline_for(
    rule: Deadline | None,
    flow: Flow,
    answers: Mapping[str, AnswerValue],
    office: OfficeCalendar,
    today: dt.date,
    text_key: str | None = None,
    group: str | None = None,
) -> DeadlineResult:
    """Compute a procedure's deadline date (the wording only, when the answers give no date).

    `group` is the procedure's (city | agency | private): it decides whether a last day on a closed day moves.
    A rule with `or_earlier` ends on the earliest last day among the periods whose date is answered.
    """
    plain = DeadlineResult(rule=rule, flow=flow, text_key=text_key, group=group)
    if rule is None or rule.kind not in ("period", "before"):
        return plain
    assert rule.start is not None
    if rule.kind == "before":
        anchor = anchor_date(flow, rule.start, answers)
        if anchor is None or anchor == dt.date.min:
            return plain
        last_day = anchor - timedelta(days=1)  # done before that day: its eve is the last day (nothing is counted)
        return replace(plain, date=last_day, overdue=last_day < today)
    candidates: list[tuple[dt.date, int, dt.date]] = []
    try:
        for index, period in enumerate(rule.periods):
            assert period.start is not None
            start = anchor_date(flow, period.start, answers)
            if start is not None:
                candidates.append((_last_day(period, start), index, start))
    except OverflowError:  # a date at the calendar's end (answers are kept far from it): the wording only
        return plain
    if not candidates:
        return plain
    last_day, applied, start = min(candidates)
    moved_from = moved_because = moved_kind = None
    if closed_day_rule(rule, group) is not None and not office.is_open(last_day):
        moved_from, moved_because, moved_kind = last_day, office.closed_reason(last_day), office.closed_kind(last_day)
        try:
            last_day = office.next_open_day(last_day)
        except OverflowError:
            return plain
    return replace(
        plain,
        date=last_day,
        moved_from=moved_from,
        moved_because=moved_because,
        moved_kind=moved_kind,
        overdue=last_day < today,
        counted_from=start,
        applied=applied if len(rule.periods) > 1 else None,
    )


def _last_day(rule: Period, start: dt.date) -> dt.date:
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
