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


EXPECT_KEYS = frozenset(
    {"include", "exclude", "conditional", "optional", "information", "deadlines", "overdue", "not_overdue", "items"}
)
"""What a scenario's expect: may say; any other key is a typo that would silently check nothing."""
SCENARIO_KEYS = frozenset({"name", "source", "today", "answers", "expect"})


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_scenario(content, path):
    scenario, result = run(content, path)
    check(scenario, result)


def test_a_misspelt_key_fails_the_scenario(content):
    scenario, result = run(content, SCENARIO_FILES[0])
    with pytest.raises(AssertionError, match="unknown expect keys"):
        check({**scenario, "expect": {"inclde": ["shibo_todoke"]}}, result)
    with pytest.raises(AssertionError, match="unknown keys"):
        check({**scenario, "expected": {}}, result)


def check(scenario: dict, result) -> None:
    """Assert everything the scenario's expect: says about the result."""
    name = scenario["name"]
    unknown_top = set(scenario) - SCENARIO_KEYS
    assert not unknown_top, f"{name}: unknown keys {sorted(unknown_top)} (known: {sorted(SCENARIO_KEYS)})"
    expect = scenario.get("expect") or {}
    unknown = set(expect) - EXPECT_KEYS
    assert not unknown, f"{name}: unknown expect keys {sorted(unknown)} (known: {sorted(EXPECT_KEYS)})"
    required = {p.id for p in result.required if not p.conditional}
    conditional = {p.id for p in result.procedures if p.conditional}
    listed = {p.id for p in result.procedures}
    missing = set(expect.get("include", [])) - required
    assert not missing, f"{name}: missing {sorted(missing)} (listed but not required: {sorted(missing & listed)})"
    unexpected = set(expect.get("exclude", [])) & listed
    assert not unexpected, f"{name}: should not list {sorted(unexpected)}"
    not_conditional = set(expect.get("conditional", [])) - conditional
    assert not not_conditional, f"{name}: should be 「該当する場合」: {sorted(not_conditional)}"
    for kind, entries in (("optional", result.optional), ("information", result.information)):
        not_of_kind = set(expect.get(kind, [])) - {p.id for p in entries}
        assert not not_of_kind, f"{name}: should be listed as {kind}: {sorted(not_of_kind)}"
    by_id = {p.id: p for p in result.procedures}
    for proc_id, expected in (expect.get("deadlines") or {}).items():
        assert proc_id in by_id, f"{name}: {proc_id} not listed, cannot check its deadline"
        actual = by_id[proc_id].deadline.date
        assert actual is not None and actual.isoformat() == str(expected), (
            f"{name}: deadline of {proc_id} is {actual}, expected {expected}"
        )
    for key, overdue in (("overdue", True), ("not_overdue", False)):
        for proc_id in expect.get(key, []):
            assert proc_id in by_id, f"{name}: {proc_id} not listed, cannot check whether it is overdue"
            deadline = by_id[proc_id].deadline
            assert deadline.date is not None and deadline.overdue is overdue, (
                f"{name}: {proc_id} (deadline {deadline.date}) should {'' if overdue else 'not '}be overdue"
            )
    checklist = {entry.id for entry in result.checklist}
    missing_items = set(expect.get("items", [])) - checklist
    assert not missing_items, f"{name}: checklist lacks {sorted(missing_items)}"


@pytest.mark.parametrize("event", EVENTS)
def test_each_event_has_at_least_ten_scenarios(event):
    assert len(list((SCENARIOS / event).glob("*.yaml"))) >= 10


@pytest.mark.parametrize("event", EVENTS)
def test_scenarios_name_their_source_in_the_reference(event):
    for path in (SCENARIOS / event).glob("*.yaml"):
        scenario = load_scenario(path)
        assert scenario.get("name") and scenario.get("source"), path.name
