"""Calendar arithmetic and reading dates the way residents write them.

The arithmetic saturates: a result beyond 9999-12-31 (or before 0001-01-01) is that limit, never an
OverflowError, so a date far in the future compares as far in the future and nothing raises on any input.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import MAXYEAR, MINYEAR, date, timedelta

# 元号: first day of each era, newest first.
ERAS: tuple[tuple[str, date], ...] = (
    ("令和", date(2019, 5, 1)),
    ("平成", date(1989, 1, 8)),
    ("昭和", date(1926, 12, 25)),
    ("大正", date(1912, 7, 30)),
)

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_SLASH = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")
_KANJI = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_ERA = re.compile(r"^(令和|平成|昭和|大正|R|H|S|T)(元|\d{1,2})年?[./]?(\d{1,2})[月./](\d{1,2})日?$")
_ERA_LETTERS = {"R": "令和", "H": "平成", "S": "昭和", "T": "大正"}

# The window a date answer must lie in (per question: `not_before` / `not_after` in the content).
_BOUND = re.compile(r"^today(?:([+-])(\d{1,5})([dmy]))?$")
DEFAULT_NOT_BEFORE = "1900-01-01"
DEFAULT_NOT_AFTER = "today+2y"
MAX_BOUND_OFFSET_DAYS = 200 * 366  # `today±N` reaches at most about 200 years


def add_months(day: date, months: int) -> date:
    """The same day `months` later; a month without that day gives its last day (民法143条2項)."""
    month_index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(month_index, 12)
    if year > MAXYEAR:
        return date.max
    if year < MINYEAR:
        return date.min
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def add_days(day: date, days: int) -> date:
    """`day` plus `days` (negative: minus)."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


def corresponding_day(day: date, months: int) -> date | None:
    """The day with the same number `months` later (応当日), or None when that month has no such day."""
    shifted = add_months(day, months)
    return shifted if shifted.day == day.day else None


def add_period(day: date, days: int = 0, months: int = 0, years: int = 0) -> date:
    """`day` plus a period given in days, months and years."""
    if years or months:
        day = add_months(day, years * 12 + months)
    return add_days(day, days)


def bound_offset(text: str) -> tuple[int, int, int] | None:
    """`today`, `today+2y`, `today-30d`, `today+6m` as (days, months, years) from today; None for anything else."""
    match = _BOUND.match(text)
    if not match:
        return None
    if match[1] is None:
        return (0, 0, 0)
    amount = int(match[2]) * (1 if match[1] == "+" else -1)
    return {"d": (amount, 0, 0), "m": (0, amount, 0), "y": (0, 0, amount)}[match[3]]


def bound_date(text: str, today: date) -> date | None:
    """A date window's end: "YYYY-MM-DD", `today`, or an offset from today (`today+2y`); None if unreadable."""
    offset = bound_offset(text)
    if offset is not None:
        days, months, years = offset
        return add_period(today, days=days, months=months, years=years)
    return parse_iso(text)


def bound_problem(text: str) -> str | None:
    """Why `text` cannot end a date window (for content checks), or None."""
    offset = bound_offset(text)
    if offset is None:
        return None if parse_iso(text) is not None else "not_a_bound"
    days, months, years = offset
    if abs(days) + abs(months) * 31 + abs(years) * 366 > MAX_BOUND_OFFSET_DAYS:
        return "too_far"
    return None


def parse_iso(text: str) -> date | None:
    """Parse YYYY-MM-DD strictly; None when it is not a real date."""
    match = _ISO.match(text)
    if not match:
        return None
    return _safe_date(int(match[1]), int(match[2]), int(match[3]))


def parse_resident_date(text: str) -> date | None:
    """Read a date as a resident may type it: 2026-05-01, 2026/5/1, 2026年5月1日, 令和8年5月1日, R8.5.1.

    Full-width digits and spaces are normalised first. Returns None when the text is not a real date.
    """
    cleaned = unicodedata.normalize("NFKC", text).replace(" ", "").strip()
    for pattern in (_ISO, _SLASH, _KANJI):
        match = pattern.match(cleaned)
        if match:
            return _safe_date(int(match[1]), int(match[2]), int(match[3]))
    match = _ERA.match(cleaned)
    if match:
        era = _ERA_LETTERS.get(match[1], match[1])
        era_year = 1 if match[2] == "元" else int(match[2])
        return era_date(era, era_year, int(match[3]), int(match[4]))
    return None


def missing_day(text: str) -> tuple[int, int] | None:
    """(month, day) when `text` reads as a date whose month has no such day (2026年2月31日, 2026/4/31), else None:
    the resident typed a real month and a day up to 31, so say which day does not exist rather than "not a date"."""
    cleaned = unicodedata.normalize("NFKC", text).replace(" ", "").strip()
    year: int | None = None
    for pattern in (_ISO, _SLASH, _KANJI):
        if match := pattern.match(cleaned):
            year, month, day = int(match[1]), int(match[2]), int(match[3])
            break
    else:
        if not (match := _ERA.match(cleaned)):
            return None
        start = dict(ERAS).get(_ERA_LETTERS.get(match[1], match[1]))
        if start is None:
            return None
        year = start.year + (0 if match[2] == "元" else int(match[2]) - 1)
        month, day = int(match[3]), int(match[4])
    if 1 <= year <= 9999 and 1 <= month <= 12 and 29 <= day <= 31 and _safe_date(year, month, day) is None:
        return month, day
    return None


def era_date(era: str, era_year: int, month: int, day: int) -> date | None:
    """Convert a 和暦 date to a date; None if it does not exist or lies outside the era."""
    starts = dict(ERAS)
    if era not in starts or era_year < 1:
        return None
    result = _safe_date(starts[era].year + era_year - 1, month, day)
    if result is None or result < starts[era]:
        return None
    newer = [start for _, start in ERAS if start > starts[era]]
    if newer and result >= min(newer):
        return None
    return result


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
