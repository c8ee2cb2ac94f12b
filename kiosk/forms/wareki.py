"""和暦 (Japanese era) dates as printed on the city's forms: 令和8年5月10日, 平成元年1月8日."""

from __future__ import annotations

from datetime import date

from ..engine.dates import ERAS, parse_iso


def wareki(day: date | None) -> str:
    """The date in the Japanese era calendar; the first year of an era is 元年. Empty for no date.

    Eras start on 令和 2019-05-01, 平成 1989-01-08, 昭和 1926-12-25, 大正 1912-07-30. A date before 大正 is
    written in the Western calendar (nobody alive is concerned).
    """
    if day is None:
        return ""
    for era, start in ERAS:  # newest first
        if day >= start:
            year = day.year - start.year + 1
            return f"{era}{'元' if year == 1 else year}年{day.month}月{day.day}日"
    return f"{day.year}年{day.month}月{day.day}日"


def to_date(value: object) -> date | None:
    """A date from an answer or a prefill value (date or YYYY-MM-DD); None for anything else ("unknown", "")."""
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return parse_iso(value.strip())
    return None


def age_on(birth: date, day: date) -> int:
    """Age in completed years on `day`."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def child_allowance_age(birth: date, day: date) -> bool:
    """True until the first 3月31日 after the day one turns 18 (児童手当の「高校生年代」).

    One reaches an age on the day before the birthday, so a child born on 4月1日 leaves a year earlier.
    """
    last_year = birth.year + 18 + (1 if (birth.month, birth.day) > (4, 1) else 0)
    return day <= date(last_year, 3, 31)
