"""What `kiosk check` finds beyond loading, each at its file, line and key with the fix and its severity: a
question whose answer nothing reads, a question or a procedure no answer can reach, a procedure that can only ever
be 「該当する場合」, an event file missing, and catalogue entries no flow uses. The toy content has none of these;
each test puts one in."""

from __future__ import annotations

import pytest

from kiosk.engine import load_content
from kiosk.engine.analysis import analyse

from .conftest import TOY_PACK, edit, write_pack

NEVER = '{all: [{equals: [%s, "yes"]}, {equals: [%s, "no"]}]}'


def _found(folder, required_events: bool = False) -> list[tuple[str, str]]:
    return [(str(problem).replace(f"{folder.parent}/", ""), problem.severity)
            for problem in analyse(load_content(folder), required_events=required_events)]


def test_the_toy_content_has_nothing_to_report(toy_copy):
    assert _found(toy_copy) == []


def test_each_missing_event_file_is_reported_when_the_city_needs_all_three(toy_copy):
    assert _found(toy_copy, required_events=True) == [
        (f"questionnaires/{event}.yaml: ファイルがありません\n    直し方: {event}.yaml に流れを書いてください", "error")
        for event in ("okuyami", "shussei", "hikkoshi")
    ]


@pytest.mark.parametrize(
    ("old", "new", "reported", "severity"),
    [
        ("procedures:\n", "  - id: pet\n    type: yes_no\n    text: ペットは\nprocedures:\n",
         "60: questions[9].id: 質問「pet」の答えはどこにも使われていません\n"
         "    直し方: 手続きの条件か dates で使うか、質問を削除します", "error"),
        ('    when: {equals: [known_later, "yes"]}', f"    when: {NEVER % ('known_later', 'known_later')}",
         "22: questions[2].when: 質問「known_date」はどんな答えでも聞かれません\n"
         "    直し方: when の条件を確かめてください",
         "error"),
        ('    when: {equals: [filed, "no"]}', f"    when: {NEVER % ('filed', 'filed')}",
         "61: procedures[0].procedure: 手続き「todoke」はどんな答えでも出ません\n"
         "    直し方: when の条件を確かめてください",
         "error"),
        # Two different insurances at once: never true, but 「わからない」 leaves it open.
        ("    when: {equals: [insurance, kokuho]}\n    reason: 国民健康保険に入っていたため",
         "    when: {all: [{equals: [insurance, kokuho]}, {equals: [insurance, koki]}]}\n"
         "    reason: 国民健康保険に入っていたため",
         "64: procedures[1].procedure: 手続き「kokuho_loss」は「該当する場合」としてしか出ません\n"
         "    直し方: 条件を確かめてください", "warning"),
    ],
)
def test_a_flow_mistake_is_reported_at_its_line_and_key(toy_copy, old, new, reported, severity):
    edit(toy_copy / "toy.yaml", old, new)
    assert _found(toy_copy) == [(f"questionnaires/toy.yaml:{reported}", severity)]


def test_catalogue_entries_no_flow_uses_are_warnings_and_an_item_an_outside_body_needs_is_used(toy_copy):
    edit(toy_copy / "procedures" / "a.yaml", "todoke:\n",
          "spare:\n  title: 予備\n  short: 予備\n  group: city\n  counter: shimin\n  items: [id_card]\ntodoke:\n")
    edit(toy_copy / "items" / "a.yaml", "koza:", "spare_item: {name: 予備}\nbank_book: {name: 通帳}\nkoza:")
    write_pack(toy_copy, TOY_PACK.replace("    notice:", "    items: [bank_book]\n    notice:"))
    assert _found(toy_copy) == [
        ("questionnaires/procedures/a.yaml:1: spare: どの流れでも使われていない手続きです\n"
         "    直し方: 流れの procedures に加えるか削除します", "warning"),
        ("questionnaires/items/a.yaml:4: spare_item: どの手続きでも使われていない持ち物です\n"
         "    直し方: 手続きの items に加えるか削除します", "warning"),
    ]


TRIGGERS = ("      - when: {includes: [benefits, pension]}\n        reason: 年金を受けていたため\n"
            "      - when: {gte: [age, 65]}\n")


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        # One trigger that can hold is enough, whichever comes last.
        ("{includes: [benefits, pension]}", "{all: [{gte: [age, 65]}, {lt: [age, 65]}]}", []),
        # Only 「わからない」 can make the first hold and nothing the second: 「該当する場合」 only.
        ("{all: [{includes: [benefits, pension]}, {includes: [benefits, none]}]}",
         '{all: [{equals: [filed, "yes"]}, {equals: [filed, "no"]}, {gte: [age, 65]}]}',
         [("questionnaires/toy.yaml:70: procedures[3].procedure: "
           "手続き「nenkin_todoke」は「該当する場合」としてしか出ません\n"
           "    直し方: 条件を確かめてください", "warning")]),
    ],
)
def test_a_procedure_with_several_triggers_is_judged_by_all_of_them(toy_copy, first, second, expected):
    edit(toy_copy / "toy.yaml", TRIGGERS, f"      - when: {first}\n        reason: 年金を受けていたため\n"
                                           f"      - when: {second}\n")
    assert _found(toy_copy) == expected


def test_a_condition_too_large_to_check_in_full_is_a_warning_not_a_pass(toy_copy):
    # Sixteen yes/no questions read by one condition: 65,536 combinations, past the 20,000 the check tries.
    many = [f"many_{number}" for number in range(16)]
    asked = "".join(f"  - id: {name}\n    type: yes_no\n    text: 質問{number}\n" for number, name in enumerate(many))
    never = ", ".join(f'{{equals: [{name}, "yes"]}}' for name in many) + ', {equals: [many_0, "no"]}'
    asked += f"  - id: last\n    type: yes_no\n    text: 最後の質問\n    when: {{all: [{never}]}}\n"
    edit(toy_copy / "toy.yaml", "procedures:\n", asked + "procedures:\n")
    edit(toy_copy / "toy.yaml", '    when: {equals: [filed, "no"]}',
          '    when: {any: [{equals: [filed, "no"]}, {equals: [last, "yes"]}]}')
    warnings = [text for text, severity in _found(toy_copy) if severity == "warning"]
    lines = (toy_copy / "toy.yaml").read_text(encoding="utf-8").splitlines()
    line = next(number for number, text in enumerate(lines, 1) if text.startswith("    when: {all: [{equals: [many_0"))
    assert warnings == [f"questionnaires/toy.yaml:{line}: questions[25].when: "
                        "条件が複雑すぎて、すべては確かめられませんでした\n    直し方: 条件を分けてください"]
