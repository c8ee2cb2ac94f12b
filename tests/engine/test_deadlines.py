from datetime import date

from kiosk.engine.deadlines import deadline_for
from kiosk.engine.model import Deadline

from .conftest import BASE_ANSWERS, TODAY


def compute(toy, rule, answers, today=TODAY):
    return deadline_for(Deadline.model_validate(rule), toy.flows["toy"], answers, toy.calendar, today)


def test_koseki_deadline_counts_the_day_itself(toy):
    # 死亡を知った日を含めて7日: known on 6/12 (Fri) → 6/18 (Thu).
    result = compute(toy, {"days": 7, "from": "death_known", "next_open_day": True}, BASE_ANSWERS)
    assert result.date == date(2026, 6, 18)
    assert result.moved_from is None
    assert "含めて7日以内" in result.text


def test_a_deadline_on_a_closed_day_moves_to_the_next_open_day_and_says_why(toy):
    # Known on 5/1 (Fri): day 7 is 5/7 (Thu), open. Known 4/29: day 7 is 5/5 こどもの日 → 5/7 (5/6 振替休日).
    answers = {**BASE_ANSWERS, "death_date": "2026-04-29"}
    result = compute(toy, {"days": 7, "from": "death_known", "next_open_day": True}, answers)
    assert result.moved_from == date(2026, 5, 5)
    assert result.date == date(2026, 5, 7)
    assert result.moved_because == "こどもの日"


def test_year_end_closure_and_extra_closed_days_move_deadlines(toy):
    answers = {**BASE_ANSWERS, "death_date": "2026-12-24"}  # day 7 = 12/30, closed until 1/3 → 1/4 (Mon)
    result = compute(toy, {"days": 7, "from": "death_known", "next_open_day": True}, answers)
    assert (result.moved_from, result.date, result.moved_because) == (date(2026, 12, 30), date(2027, 1, 4), "年末年始")
    answers = {**BASE_ANSWERS, "death_date": "2026-06-13"}  # day 7 = 6/19, an extra closed day in the profile
    assert compute(toy, {"days": 7, "from": "death_known", "next_open_day": True}, answers).date == date(2026, 6, 22)


def test_deadlines_not_moved_by_law_stay_on_the_earlier_date(toy):
    answers = {**BASE_ANSWERS, "death_date": "2026-06-07"}  # day 14 = 6/20, a Saturday
    result = compute(toy, {"days": 14, "from": "event"}, answers)
    assert result.date == date(2026, 6, 20)
    assert result.moved_from is None


def test_the_day_after_rule_counts_from_the_next_day(toy):
    # 児童手当: 15 days from the day after the event.
    result = compute(toy, {"days": 15, "from": "event", "count_first_day": False}, BASE_ANSWERS)
    assert result.date == date(2026, 6, 27)


def test_months_follow_the_civil_code(toy):
    # 相続放棄 3か月 from knowing (初日不算入): known 6/12 → 9/12.
    assert compute(toy, {"months": 3, "from": "death_known", "count_first_day": False}, BASE_ANSWERS).date == date(
        2026, 9, 12
    )
    answers = {**BASE_ANSWERS, "death_date": "2026-11-30"}
    assert compute(toy, {"months": 3, "from": "event", "count_first_day": False}, answers).date == date(2027, 2, 28)


def test_month_periods_that_end_in_a_short_month_end_on_its_last_day(toy):
    # 民法143条2項: no corresponding day in the last month → the period ends on that month's last day.
    answers = {**BASE_ANSWERS, "death_date": "2026-11-30"}
    assert compute(toy, {"months": 3, "from": "event", "count_first_day": True}, answers).date == date(2027, 2, 28)
    answers = {**BASE_ANSWERS, "death_date": "2027-02-28"}  # starts 3/1 → corresponding 4/1 → ends 3/31
    assert compute(toy, {"months": 1, "from": "event", "count_first_day": False}, answers).date == date(2027, 3, 31)
    answers = {**BASE_ANSWERS, "death_date": "2028-02-29"}  # a leap day: two years later has no 2/29
    assert compute(toy, {"years": 2, "from": "event", "count_first_day": True}, answers).date == date(2030, 2, 28)


def test_a_later_known_date_is_used_when_given(toy):
    answers = {**BASE_ANSWERS, "known_later": "yes", "known_date": "2026-06-14"}
    assert compute(toy, {"days": 7, "from": "death_known"}, answers).date == date(2026, 6, 20)


def test_without_the_date_the_deadline_is_given_in_words_only(toy):
    answers = {**BASE_ANSWERS}
    del answers["funeral_date"]
    result = compute(toy, {"years": 2, "from": "funeral", "count_first_day": False}, answers)
    assert result.date is None
    assert result.text == "葬儀（葬祭）を行った日から2年以内"


def test_overdue_deadlines_are_flagged(toy):
    result = compute(toy, {"days": 7, "from": "event"}, BASE_ANSWERS, today=date(2026, 7, 1))
    assert result.overdue


def test_non_period_deadlines(toy):
    assert compute(toy, {"kind": "asap"}, BASE_ANSWERS).text == "すみやかに"
    assert compute(toy, {"kind": "with", "text": "転出届と同時に"}, BASE_ANSWERS).text == "転出届と同時に"
