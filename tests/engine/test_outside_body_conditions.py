"""A body's own condition against the route: a body whose condition does not hold is still listed when the route
sends the family to its office (with what the route's procedures need there, not the body's own list), a body
that surely applies is never 「該当する場合」, and a task's last day on a closed day moves to the office's next
open day, the way the procedures' deadlines do.

The bodies here are the city's own bodies with one thing changed (their condition, their items, a task's
deadline), so each test shows one rule on a case the real content may not produce today."""

from __future__ import annotations

import dataclasses
from datetime import date

from kiosk.engine import resolve
from kiosk.engine.model import OutsideBody, OutsidePack
from kiosk.engine.outside import outside_pack

from .test_outside import DEATH, TODAY, _complete, bodies


def _with_body(content, flow_id: str, body_id: str, **changes):
    """`content` with one body of `flow_id`'s pack rewritten from its YAML form with `changes`."""
    pack: OutsidePack = content.outside[flow_id]
    rewritten = []
    for body in pack.bodies:
        if body.id == body_id:
            raw = {**dict(body), **changes}  # the fields as they are (conditions already parsed), then the changes
            body = OutsideBody.model_validate(raw)
        rewritten.append(body)
    outside = {**content.outside, flow_id: pack.model_copy(update={"bodies": rewritten})}
    return dataclasses.replace(content, outside=outside)


def _pack(content, answers, today: date = TODAY):
    return outside_pack(resolve(content, "okuyami", _complete(content, "okuyami", answers), today))


def test_a_body_whose_condition_fails_is_still_listed_when_the_route_sends_the_family_there(content):
    route = bodies(_pack(content, DEATH))["nenkin"]
    assert route.procedures, "the death case has pension procedures at the pension office"
    own_item = next(item for item in content.items if item not in route.item_ids)
    # The family answered 厚生年金; the body now says it is only for those who received no pension.
    changed = _with_body(content, "okuyami", "nenkin",
                         when={"equals": ["deceased_received_pension", "none"]}, items=[own_item])
    body = bodies(_pack(changed, DEATH))["nenkin"]
    assert [proc.id for proc in body.procedures] == [proc.id for proc in route.procedures]
    assert own_item not in body.item_ids, "the body's own list is for the case its condition describes"
    assert body.item_ids == tuple(dict.fromkeys(item for proc in body.procedures for item in proc.item_ids))
    assert not body.tasks
    assert not body.conditional, "the route's procedures there surely apply"


def test_a_body_that_surely_applies_is_not_marked_if_it_applies_even_with_nothing_from_the_route(content):
    changed = _with_body(content, "okuyami", "zeimusho", when=None)  # no condition: it always applies
    body = bodies(_pack(changed, DEATH))["zeimusho"]
    assert not body.procedures and not body.tasks
    assert body.conditional is False


def test_a_body_whose_condition_is_unknown_is_certain_when_a_route_procedure_there_is(content):
    unsure = _with_body(content, "okuyami", "nenkin", when={"equals": ["deceased_had_debts", "yes"]})
    body = bodies(_pack(unsure, {**DEATH, "deceased_had_debts": "unknown"}))["nenkin"]
    assert any(not proc.conditional for proc in body.procedures)
    assert body.conditional is False


def test_a_task_due_on_a_closed_day_moves_to_the_offices_next_open_day(content):
    # Death on Sunday 10 May 2026; fourteen days counting that day end on Saturday 23 May; the 法務局 (a national
    # agency) takes requests again on Monday 25 May.
    homukyoku = next(body for body in content.outside["okuyami"].bodies if body.id == "homukyoku")
    task = {**dict(homukyoku.tasks[0]), "deadline": {"days": 14, "from": "event", "count_first_day": True}}
    changed = _with_body(content, "okuyami", "homukyoku", tasks=[task])
    body = bodies(_pack(changed, DEATH, today=date(2026, 5, 12)))["homukyoku"]
    (found,) = [t for t in body.tasks if t.id == task["id"]]
    assert found.deadline.date == date(2026, 5, 25)
    assert found.deadline.group == "agency"
