"""Cross-answer checks: answers that cannot all be right (issue 13 §3)."""

from datetime import date

import pytest

from kiosk.engine import parse_answer, walk
from kiosk.engine.checks import failed_checks
from kiosk.engine.model import Check

from .conftest import BASE_ANSWERS, TODAY


def with_check(flow, **check):
    return flow.model_copy(update={"checks": [Check.model_validate(check)]})


FUNERAL_FIRST = {
    "id": "funeral_before_death",
    "when": {"date_before": ["funeral_date", "death_date"]},
    "questions": ["funeral_date", "death_date"],
    "message": "お葬式の日が、亡くなられた日より前になっています。",
}


def test_a_check_fails_when_its_condition_holds(toy):
    flow = with_check(toy.flows["toy"], **FUNERAL_FIRST)
    failures = failed_checks(walk(flow, {**BASE_ANSWERS, "funeral_date": "2026-06-01"}, TODAY))
    assert [(f.id, f.questions) for f in failures] == [("funeral_before_death", ("funeral_date", "death_date"))]
    assert "お葬式" in failures[0].message


def test_a_check_passes_when_the_answers_agree_or_one_is_missing_or_unknown(toy):
    flow = with_check(toy.flows["toy"], **FUNERAL_FIRST)
    assert failed_checks(walk(flow, BASE_ANSWERS, TODAY)) == ()
    assert failed_checks(walk(flow, {"death_date": "2026-06-12"}, TODAY)) == ()
    assert failed_checks(walk(flow, {**BASE_ANSWERS, "funeral_date": "unknown"}, TODAY)) == ()


def test_only_the_checks_touching_the_given_questions(toy):
    flow = with_check(toy.flows["toy"], **FUNERAL_FIRST)
    progress = walk(flow, {**BASE_ANSWERS, "funeral_date": "2026-06-01"}, TODAY)
    assert failed_checks(progress, touching=["age"]) == ()
    assert len(failed_checks(progress, touching=["death_date"])) == 1


def answers(flow, raw, today):
    return {qid: parse_answer(flow.question_map[qid], value, today) for qid, value in raw.items()}


@pytest.mark.parametrize(("event", "raw", "check_id"), [
    ("okuyami", {"death_date": "2026-05-10", "deceased_insurance": "kokuho", "funeral_held": "yes",
                 "funeral_date": "2026-05-08"}, "funeral_before_death"),
    ("okuyami", {"death_date": "2026-05-10", "death_notified": "no", "death_known_later": "yes",
                 "death_known_date": "2026-05-01"}, "known_before_death"),
    ("shussei", {"birth_date": "2026-05-01", "born_in_japan": "no", "baby_resident_here": "yes",
                 "arrival_date": "2026-04-20"}, "arrival_before_birth"),
    ("shussei", {"birth_date": "1990-05-01"}, "birth_long_ago"),
])
def test_the_real_flows_catch_answers_that_contradict_each_other(content, event, raw, check_id):
    today = date(2026, 5, 12)
    flow = content.flows[event]
    progress = walk(flow, answers(flow, raw, today), today)
    assert check_id in {failure.id for failure in failed_checks(progress)}


def test_the_real_flows_accept_answers_that_agree(content):
    today = date(2026, 5, 12)
    flow = content.flows["shussei"]
    raw = {"birth_date": "2026-05-01", "born_in_japan": "no", "baby_resident_here": "yes", "arrival_date": "2026-05-05"}
    assert failed_checks(walk(flow, answers(flow, raw, today), today)) == ()
