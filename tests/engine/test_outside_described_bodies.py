"""Each body the outside pack describes, as the result page lists it: at its own office, with the tasks whose
conditions hold (each under its own text key, with its deadline counted on the municipality's calendar and said the
way that office's kind says it), what to bring (the body's own list, then what the route's procedures there need,
each item once) and 「該当する場合」 only when nothing there is certain. A resident who answered 「わからない」 sees
a body's tasks as conditional rather than not at all."""

from __future__ import annotations

from kiosk.engine.outside import body_key
from kiosk.engine.truth import Truth

from .test_outside import DEATH, bodies, pack_for


def _check_body(content, pack, found) -> None:
    env = pack.result.progress.env
    offices = content.municipality.offices
    for body in found:
        if body.body is None:
            continue
        own = Truth.TRUE if body.body.when is None else body.body.when.evaluate(env)
        assert body.place_id == body.body.place and body.place == offices[body.body.place], body.id
        assert body.key == body_key(pack.flow_id, body.id), body.id
        for task in body.tasks:
            assert task.task.id == task.id and task.key == f"{body.key}.task.{task.id}"
            assert task.deadline.text_key == f"{task.key}.deadline" and task.deadline.group == body.place.kind
            assert task.deadline.flow is pack.result.flow
        shown = {task.id for task in body.tasks}
        for task in body.body.tasks:
            task_truth = Truth.TRUE if task.when is None else task.when.evaluate(env)
            if own is Truth.FALSE or task_truth is Truth.FALSE:
                assert task.id not in shown, (body.id, task.id)
            else:
                assert task.id in shown, (body.id, task.id)
        expected_items = [*(body.body.items if own is not Truth.FALSE else ()),
                          *(item for proc in body.procedures for item in proc.item_ids)]
        assert body.item_ids == tuple(dict.fromkeys(expected_items)), body.id
        certain = (own is Truth.TRUE or any(not proc.conditional for proc in body.procedures)
                   or any(not task.conditional for task in body.tasks))
        assert body.conditional is not certain, body.id


def test_every_described_body_of_a_death_is_at_its_office_with_its_tasks_items_and_keys(content):
    pack = pack_for(content, "okuyami", DEATH)
    found = bodies(pack)
    assert found["nenkin"].place_id == "nenkin_jimusho" and found["nenkin"].key == "outside.okuyami.body.nenkin"
    assert not found["nenkin"].conditional
    _check_body(content, pack, pack.bodies)


def test_after_a_move_abroad_the_bodies_have_their_tasks_and_deadlines(content):
    pack = pack_for(content, "hikkoshi", {"move_type": "kokugai_tenshutsu", "move_date": "2026-06-01"})
    _check_body(content, pack, pack.bodies)
    assert any(body.tasks for body in pack.bodies)
    assert any(task.deadline.date is not None for body in pack.bodies for task in body.tasks)


def test_unknown_answers_make_tasks_conditional_not_missing(content):
    unsure = {**DEATH, "deceased_had_life_insurance": "unknown", "deceased_real_estate": "unknown"}
    pack = pack_for(content, "okuyami", unsure)
    _check_body(content, pack, pack.bodies)
    found = bodies(pack)
    assert "homukyoku" in found and found["homukyoku"].tasks
    assert all(task.conditional for task in found["homukyoku"].tasks)
