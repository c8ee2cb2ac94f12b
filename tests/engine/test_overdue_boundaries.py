"""「期限を過ぎています」 is said from the day after the last valid day, never on it: a resident who comes on the
last day must be told they are in time. Checked through the resolver, for every dated procedure of the toy flow
(days, months and years; counted from the day itself or the next; moved off a closed day or not), and through
`deadline_for` for a deadline that ends on the eve of a date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kiosk.engine import resolve
from kiosk.engine.deadlines import deadline_for
from kiosk.engine.model import Deadline

from .conftest import BASE_ANSWERS, TODAY

DAY = timedelta(days=1)
DATED = ("todoke", "kokuho_loss", "sosaihi", "nenkin_todoke", "sozoku_hoki")


def deadlines(toy, today: date, answers=BASE_ANSWERS):
    return {p.id: p.deadline for p in resolve(toy, "toy", answers, today).procedures}


@pytest.mark.parametrize("procedure_id", DATED)
def test_not_overdue_on_the_last_day_and_overdue_the_day_after(toy, procedure_id):
    last_day = deadlines(toy, TODAY)[procedure_id].date
    assert last_day is not None and last_day >= TODAY
    for today, overdue in ((last_day - DAY, False), (last_day, False), (last_day + DAY, True),
                           (last_day + timedelta(days=400), True)):
        deadline = deadlines(toy, today)[procedure_id]
        assert deadline.date == last_day, "the last day does not depend on today"
        assert deadline.overdue is overdue, (procedure_id, today)
        assert deadline.to_dict()["overdue"] is overdue


def test_a_last_day_moved_off_a_weekend_is_in_time_on_the_monday(toy):
    # known 6/14 (Sun), counted from that day: day 7 = 6/20 (Sat) → the next open day, 6/22 (Mon).
    answers = {**BASE_ANSWERS, "death_date": "2026-06-14", "funeral_date": "2026-06-14"}
    todoke = deadlines(toy, date(2026, 6, 22), answers)["todoke"]
    assert (todoke.moved_from, todoke.date, todoke.overdue) == (date(2026, 6, 20), date(2026, 6, 22), False)
    assert deadlines(toy, date(2026, 6, 21), answers)["todoke"].overdue is False  # the Sunday in between
    assert deadlines(toy, date(2026, 6, 23), answers)["todoke"].overdue is True


def test_a_procedure_without_a_date_is_never_overdue(toy):
    far = TODAY + timedelta(days=3650)
    bank = deadlines(toy, far)["bank"]
    assert bank.date is None and bank.overdue is False


def test_a_deadline_on_the_eve_of_a_date_is_in_time_that_evening_and_overdue_on_the_day(toy):
    rule = Deadline.model_validate({"kind": "before", "from": "funeral"})
    flow = toy.flows["toy"]

    def on(today: date):
        return deadline_for(rule, flow, BASE_ANSWERS, toy.calendar, today)

    eve = date(2026, 6, 13)  # the funeral is on 6/14
    assert on(eve).date == eve
    assert on(eve - DAY).overdue is False
    assert on(eve).overdue is False
    assert on(eve + DAY).overdue is True
