"""Content scenarios: answers and a date in; procedures that must and must not appear, and deadlines, out.

The scenarios in tests/scenarios/<event>/ are written from the domain reference, not from the engine's output.
"""

from datetime import date
from pathlib import Path

import pytest

from kiosk.engine import Content, parse_answer, resolve
from kiosk.engine.yamlsource import load_yaml

from ..conftest import SCENARIOS

EVENTS = ("okuyami", "shussei", "hikkoshi")
SCENARIO_FILES = sorted(SCENARIOS.glob("*/*.yaml"))


def load_scenario(path: Path) -> dict:
    data, _ = load_yaml(path)
    return data


def run(content: Content, path: Path):
    scenario = load_scenario(path)
    event = path.parent.name
    today = date.fromisoformat(scenario["today"])
    flow = content.flows[event]
    answers = {}
    for question_id, value in scenario["answers"].items():
        assert question_id in flow.question_map, f"{path.name}: no question {question_id} in {event}"
        answers[question_id] = parse_answer(flow.question_map[question_id], value, today)
    return scenario, resolve(content, event, answers, today)


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_scenario(content, path):
    scenario, result = run(content, path)
    expect = scenario.get("expect", {})
    required = {p.id for p in result.procedures if not p.conditional}
    conditional = {p.id for p in result.procedures if p.conditional}
    listed = required | conditional
    missing = set(expect.get("include", [])) - required
    assert not missing, f"{scenario['name']}: missing {sorted(missing)} (conditional: {sorted(missing & conditional)})"
    unexpected = set(expect.get("exclude", [])) & listed
    assert not unexpected, f"{scenario['name']}: should not list {sorted(unexpected)}"
    not_conditional = set(expect.get("conditional", [])) - conditional
    assert not not_conditional, f"{scenario['name']}: should be 「該当する場合」: {sorted(not_conditional)}"
    by_id = {p.id: p for p in result.procedures}
    for proc_id, expected in (expect.get("deadlines") or {}).items():
        assert proc_id in by_id, f"{scenario['name']}: {proc_id} not listed, cannot check its deadline"
        actual = by_id[proc_id].deadline.date
        assert actual is not None and actual.isoformat() == str(expected), (
            f"{scenario['name']}: deadline of {proc_id} is {actual}, expected {expected}"
        )
    checklist = {entry.id for entry in result.checklist}
    missing_items = set(expect.get("items", [])) - checklist
    assert not missing_items, f"{scenario['name']}: checklist lacks {sorted(missing_items)}"


@pytest.mark.parametrize("event", EVENTS)
def test_each_event_has_at_least_ten_scenarios(event):
    assert len(list((SCENARIOS / event).glob("*.yaml"))) >= 10


@pytest.mark.parametrize("event", EVENTS)
def test_scenarios_name_their_source_in_the_reference(event):
    for path in (SCENARIOS / event).glob("*.yaml"):
        scenario = load_scenario(path)
        assert scenario.get("name") and scenario.get("source"), path.name
