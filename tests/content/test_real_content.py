"""The shipped content: loads, analyses clean, and is big enough to be useful."""

from kiosk.engine.analysis import analyse, answer_paths, reachable_truths
from kiosk.engine.truth import Truth

MINIMUM_PROCEDURES = {"okuyami": 35, "shussei": 15, "hikkoshi": 30}


def reachable_procedures(flow):
    found = set()
    for attachment in flow.procedures:
        for trigger in attachment.all_triggers:
            if trigger.when is None or Truth.TRUE in reachable_truths(flow, trigger.when)[0]:
                found.add(attachment.procedure)
                break
    return found


def test_content_has_no_errors(content):
    errors = [str(p) for p in analyse(content) if p.severity == "error"]
    assert errors == []


def test_each_event_reaches_enough_procedures(content):
    for event, minimum in MINIMUM_PROCEDURES.items():
        assert len(reachable_procedures(content.flows[event])) >= minimum, event


def test_hikkoshi_has_all_five_kinds_of_move(content):
    move_type = content.flows["hikkoshi"].question_map["move_type"]
    assert set(move_type.option_values) >= {"tennyu", "kokugai_tennyu", "tenshutsu", "kokugai_tenshutsu", "tenkyo"}


def test_every_question_offering_wakaranai_says_how_to_find_out(content):
    for flow in content.flows.values():
        for question in flow.questions:
            if question.unknown:
                assert question.unknown_hint, f"{flow.id}.{question.id}"


def test_the_sample_profile_is_labelled(content):
    assert content.municipality.sample is True
    assert "見本" in content.municipality.city


def test_every_flow_has_paths_that_end(content):
    for event in content.flows:
        paths = list(answer_paths(content, event, limit=50))
        assert paths and all(p.procedures or p.conditional for p in paths)
