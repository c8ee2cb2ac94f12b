"""Which days the city hall is closed, at the edges a deadline meets: the first and last days of 年末年始, a year-end
period that does not wrap round the new year, national holidays (with 振替休日), the weekend, and the next open day
after a long run of closed days."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.engine.model import ClosedDays
from kiosk.engine.office_days import OfficeCalendar


def calendar(**closed: object) -> OfficeCalendar:
    return OfficeCalendar(ClosedDays.model_validate(closed))


CITY = {"weekdays": ["sat", "sun"], "national_holidays": True, "year_end": {"from": "12-29", "to": "01-03"}}


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (date(2025, 12, 26), None),  # Friday
        (date(2025, 12, 28), "日曜日"),
        (date(2026, 12, 28), None),  # a Monday: the day before 年末年始 is open
        (date(2026, 12, 29), "年末年始"),  # its first day
        (date(2027, 1, 1), "年末年始"),  # 元日 falls inside it: 年末年始 is the reason
        (date(2027, 1, 3), "年末年始"),  # its last day
        (date(2027, 1, 4), None),  # Monday: open again
        (date(2026, 5, 4), "みどりの日"),
        (date(2026, 5, 6), "振替休日"),  # 5/3 (Sunday) moved
        (date(2026, 9, 22), "国民の休日"),  # between 敬老の日 and 秋分の日
        (date(2026, 6, 20), "土曜日"),
    ],
)
def test_closed_days_and_why(day, reason):
    assert calendar(**CITY).closed_reason(day) == reason
    assert calendar(**CITY).is_open(day) is (reason is None)


def test_a_year_end_period_within_one_year():
    office = calendar(weekdays=[], national_holidays=False, year_end={"from": "12-25", "to": "12-31"})
    assert office.is_open(date(2026, 12, 24))
    assert office.closed_reason(date(2026, 12, 25)) == "年末年始"
    assert office.closed_reason(date(2026, 12, 31)) == "年末年始"
    assert office.is_open(date(2027, 1, 1)) and office.is_open(date(2026, 6, 1))


def test_without_holidays_or_a_year_end_only_weekdays_and_extra_days_close():
    office = calendar(weekdays=["sun"], national_holidays=False, extra=["2026-06-19"])
    assert office.is_open(date(2026, 5, 4)) and office.is_open(date(2027, 1, 1))
    assert office.is_open(date(2026, 6, 20))  # Saturday is open here
    assert office.closed_reason(date(2026, 6, 21)) == "日曜日"
    assert office.closed_reason(date(2026, 6, 19)) == "休業日"
    assert office.closed_kind(date(2026, 6, 19)) == ("extra", "休業日")
    assert office.closed_kind(date(2026, 6, 21)) == ("weekday", "6")


def test_the_next_open_day_after_the_new_year():
    office = calendar(**CITY)
    assert office.next_open_day(date(2026, 12, 29)) == date(2027, 1, 4)
    assert office.next_open_day(date(2027, 1, 4)) == date(2027, 1, 4)
    # Golden week 2026: 5/2 (Sat) to 5/6 (振替休日) closed
    assert office.next_open_day(date(2026, 5, 2)) == date(2026, 5, 7)


def test_an_office_never_open_is_a_content_error_not_an_endless_loop():
    office = calendar(weekdays=["mon", "tue", "wed", "thu", "fri", "sat", "sun"], national_holidays=False)
    with pytest.raises(ValueError) as caught:
        office.next_open_day(date(2026, 6, 1))
    assert str(caught.value) == "開庁日が60日以上ありません。municipality.yaml の closed_days を確かめてください"


def test_an_office_open_again_on_the_sixtieth_day_is_found():
    extra = [date.fromordinal(date(2026, 6, 1).toordinal() + n).isoformat() for n in range(59)]
    office = calendar(weekdays=[], national_holidays=False, extra=extra)
    assert office.next_open_day(date(2026, 6, 1)) == date(2026, 7, 30)
