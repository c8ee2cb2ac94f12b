from datetime import date

import pytest

from kiosk.engine.dates import add_months, era_date, parse_resident_date
from kiosk.engine.localize import SourceLocalizer, format_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-05-01", date(2026, 5, 1)),
        ("２０２６－０５－０１", date(2026, 5, 1)),
        ("2026/5/1", date(2026, 5, 1)),
        ("2026年5月1日", date(2026, 5, 1)),
        ("令和8年5月1日", date(2026, 5, 1)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("R8.5.1", date(2026, 5, 1)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("昭和23年2月9日", date(1948, 2, 9)),
    ],
)
def test_residents_can_type_dates_the_way_they_write_them(text, expected):
    assert parse_resident_date(text) == expected


@pytest.mark.parametrize("text", ["2026-02-30", "平成31年5月1日", "令和0年1月1日", "きのう", "2026-13-01", ""])
def test_dates_that_do_not_exist_are_refused(text):
    assert parse_resident_date(text) is None


def test_era_boundaries_are_exact():
    assert era_date("令和", 1, 4, 30) is None  # still 平成 then
    assert era_date("平成", 31, 4, 30) == date(2019, 4, 30)


def test_month_arithmetic_ends_on_the_last_day_of_a_short_month():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)


def test_dates_are_shown_with_the_weekday():
    assert format_date(date(2026, 5, 7), SourceLocalizer()) == "2026年5月7日（木）"
