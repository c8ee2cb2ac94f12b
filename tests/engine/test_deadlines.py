from datetime import date

import pytest
from pydantic import ValidationError

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


def compute_for(toy, rule, answers, today=TODAY, group="city"):
    """A deadline as the resolver computes it for a procedure of `group`."""
    return deadline_for(
        Deadline.model_validate(rule), toy.flows["toy"], answers, toy.calendar, today, text_key="t", group=group
    )


def test_the_last_valid_day_is_not_overdue_and_the_day_after_is(toy):
    # 6/12 (Fri) as day 1 of 14 → 6/25 (Thu), an open day.
    rule = {"days": 14, "from": "event"}
    assert compute_for(toy, rule, BASE_ANSWERS, today=date(2026, 6, 25)).overdue is False
    assert compute_for(toy, rule, BASE_ANSWERS, today=date(2026, 6, 26)).overdue is True


def test_a_moved_deadline_is_not_overdue_on_the_open_day_it_moved_to(toy):
    answers = {**BASE_ANSWERS, "death_date": "2026-06-07"}  # day 14 = 6/20 (Sat) → 6/22 (Mon)
    result = compute_for(toy, {"days": 14, "from": "event"}, answers, today=date(2026, 6, 22))
    assert (result.date, result.overdue) == (date(2026, 6, 22), False)
    assert compute_for(toy, {"days": 14, "from": "event"}, answers, today=date(2026, 6, 23)).overdue


def test_the_closed_day_rule_follows_the_group_by_law(toy):
    # 地方自治法4条の2④ (city) and 行政機関の休日に関する法律2条 (agency) move a Saturday to Monday; a private
    # company's date stays; content can opt out (false) or in (true: 民法142条).
    answers = {**BASE_ANSWERS, "death_date": "2026-06-07"}  # day 14 = 6/20, a Saturday
    rule = {"days": 14, "from": "event"}
    city = compute_for(toy, rule, answers, group="city")
    assert (city.moved_from, city.date, city.moved_because) == (date(2026, 6, 20), date(2026, 6, 22), "土曜日")
    assert city.closed_day_rule == "city"
    assert city.to_dict()["moved_text"] == (
        "最後の日の2026年6月20日（土）は休みの日（土曜日）なので、次に開いている日が期限です（地方自治法4条の2第4項）。"
    )
    assert "次の開庁日まで" in city.text
    agency = compute_for(toy, rule, answers, group="agency")
    assert agency.date == date(2026, 6, 22)
    assert "行政機関の休日に関する法律2条" in agency.to_dict()["moved_text"]
    private = compute_for(toy, rule, answers, group="private")
    assert (private.date, private.moved_from, private.to_dict()["moved_text"]) == (date(2026, 6, 20), None, None)
    opted_out = compute_for(toy, {**rule, "next_open_day": False}, answers, group="city")
    assert (opted_out.date, opted_out.closed_day_rule) == (date(2026, 6, 20), None)
    assert "開庁日" not in opted_out.text
    civil = compute_for(toy, {**rule, "next_open_day": True}, answers, group="private")
    assert civil.date == date(2026, 6, 22)
    assert "民法142条" in civil.to_dict()["moved_text"]


def test_a_period_ending_on_the_last_day_of_the_year_end_closure_moves_to_the_first_open_day(toy):
    # 12/21 (Mon) as day 1 of 14 → 2027-01-03 (Sun, the closure's last day) → 1/4 (Mon).
    answers = {**BASE_ANSWERS, "death_date": "2026-12-21"}
    result = compute_for(toy, {"days": 14, "from": "event"}, answers, today=date(2026, 12, 22))
    assert (result.moved_from, result.date) == (date(2027, 1, 3), date(2027, 1, 4))
    assert result.moved_because == "年末年始"
    # A period ending the day before the closure stays: 12/15 + 14 days → 12/28 (Mon), open.
    answers = {**BASE_ANSWERS, "death_date": "2026-12-15"}
    assert compute_for(toy, {"days": 14, "from": "event"}, answers, today=date(2026, 12, 16)).date == date(2026, 12, 28)


EARLIEST = {"days": 14, "from": "event", "or_earlier": [{"days": 30, "from": "funeral"}]}


def test_or_earlier_picks_the_main_period_when_it_ends_first_and_says_so(toy):
    # 住基法24条の2 pattern: main 6/12 + 14 → 6/25; other 6/14 + 30 → 7/13: the main one decides.
    result = compute_for(toy, EARLIEST, BASE_ANSWERS)
    assert (result.date, result.applied, result.counted_from) == (date(2026, 6, 25), 0, date(2026, 6, 12))
    assert result.to_dict()["applied"] == "早いほうの「亡くなった日を含めて14日以内」で決まります"
    assert result.text.startswith("亡くなった日を含めて14日以内と、葬儀（葬祭）を行った日を含めて30日以内のうち")


def test_or_earlier_picks_the_other_period_when_it_ends_first(toy):
    # The other anchor 30 days before: funeral 5/20 + 30 → 6/18 (Thu) is before 6/25.
    answers = {**BASE_ANSWERS, "funeral_date": "2026-05-20"}
    result = compute_for(toy, EARLIEST, answers)
    assert (result.date, result.applied, result.counted_from) == (date(2026, 6, 18), 1, date(2026, 5, 20))
    assert "葬儀（葬祭）を行った日を含めて30日以内" in result.to_dict()["applied"]
    assert result.overdue is False
    assert compute_for(toy, EARLIEST, answers, today=date(2026, 6, 19)).overdue


def test_or_earlier_uses_the_periods_whose_date_is_answered(toy):
    answers = {**BASE_ANSWERS}
    del answers["funeral_date"]
    assert compute_for(toy, EARLIEST, answers).date == date(2026, 6, 25)


def test_before_is_the_day_before_the_anchor(toy):
    # 葬祭扶助 pattern: apply before the funeral (6/14): the last day is 6/13; on the funeral day it has passed.
    rule = {"kind": "before", "from": "funeral"}
    result = compute_for(toy, rule, BASE_ANSWERS, today=date(2026, 6, 13))
    assert (result.date, result.overdue, result.kind) == (date(2026, 6, 13), False, "before")
    assert result.text == "葬儀（葬祭）を行った日より前に"
    assert result.moved_from is None  # never moved later: it must be done before that day
    assert compute_for(toy, rule, BASE_ANSWERS, today=date(2026, 6, 14)).overdue


def test_practice_is_carried_and_if_overdue_is_shown_only_when_overdue(toy):
    rule = {
        "days": 14,
        "from": "event",
        "practice": "法律では前に届けます。後でも受け付けています（窓口の運用）。",
        "if_overdue": "期限を過ぎても受け付けます。",
    }
    on_time = compute_for(toy, rule, BASE_ANSWERS, today=date(2026, 6, 25)).to_dict()
    assert on_time["practice"] == "法律では前に届けます。後でも受け付けています（窓口の運用）。"
    assert on_time["if_overdue"] is None
    late = compute_for(toy, rule, BASE_ANSWERS, today=date(2026, 6, 26)).to_dict()
    assert late["if_overdue"] == "期限を過ぎても受け付けます。"
    assert late["practice"] == on_time["practice"]


def test_the_schema_rejects_fields_that_do_not_fit_the_kind():
    bad = [
        {"kind": "before"},  # no from
        {"kind": "before", "from": "funeral", "days": 1},
        {"kind": "asap", "or_earlier": [{"days": 30, "from": "move_out"}]},
        {"kind": "asap", "if_overdue": "…"},
        {"kind": "before", "from": "funeral", "next_open_day": True},
        {"days": 14, "from": "move_in", "or_earlier": [{"days": 30}]},  # the other period lacks from
        {"days": 14, "from": "move_in", "or_earlier": [{"days": 30, "months": 1, "from": "move_out"}]},
    ]
    for rule in bad:
        with pytest.raises(ValidationError):
            Deadline.model_validate(rule)
