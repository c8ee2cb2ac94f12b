"""Which days the city hall is open, from the municipality profile's closed days."""

from __future__ import annotations

from datetime import date, timedelta

import holidays

from .model import ClosedDays

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY_NAMES = ("月曜日", "火曜日", "水曜日", "木曜日", "金曜日", "土曜日", "日曜日")


class OfficeCalendar:
    """Open and closed days of the city hall (土日・祝日・年末年始 and extra closures)."""

    def __init__(self, closed: ClosedDays) -> None:
        self.closed = closed
        self._weekdays = {_WEEKDAYS.index(day) for day in closed.weekdays}
        self._extra = {date.fromisoformat(day) for day in closed.extra}
        # National holidays as defined by 国民の祝日に関する法律, incl. 振替休日 and 国民の休日.
        self._holidays = holidays.country_holidays("JP", language="ja") if closed.national_holidays else None

    def closed_reason(self, day: date) -> str | None:
        """Why the city hall is closed on `day` (土曜日, 元日, 年末年始…), or None when it is open."""
        closed = self.closed_kind(day)
        if closed is None:
            return None
        kind, detail = closed
        return _WEEKDAY_NAMES[int(detail)] if kind == "weekday" else detail

    def closed_kind(self, day: date) -> tuple[str, str] | None:
        """Why `day` is closed, for wording in any language: (extra, 休業日), (year_end, 年末年始),
        (holiday, the holiday's Japanese name) or (weekday, "0"…"6" with Monday 0); None when open."""
        if day in self._extra:
            return "extra", "休業日"
        if self._in_year_end(day):
            return "year_end", "年末年始"
        if self._holidays is not None:
            name = self._holidays.get(day)
            if name:
                return "holiday", str(name)
        if day.weekday() in self._weekdays:
            return "weekday", str(day.weekday())
        return None

    def is_open(self, day: date) -> bool:
        """True when the city hall is open on `day`."""
        return self.closed_reason(day) is None

    def next_open_day(self, day: date) -> date:
        """`day` itself when open, else the first open day after it."""
        for _ in range(60):
            if self.is_open(day):
                return day
            day += timedelta(days=1)
        raise ValueError("開庁日が60日以上ありません。municipality.yaml の closed_days を確かめてください")

    def _in_year_end(self, day: date) -> bool:
        year_end = self.closed.year_end
        if year_end is None:
            return False
        key = f"{day.month:02d}-{day.day:02d}"
        if year_end.start <= year_end.end:
            return year_end.start <= key <= year_end.end
        return key >= year_end.start or key <= year_end.end
