"""One test per kind of bad content: each must name the file, the line, the key and how to fix it."""

from pathlib import Path

import pytest

from kiosk.engine import ContentError, load_content

from .conftest import edit, problems_shown


def problems(root: Path) -> list:
    with pytest.raises(ContentError) as caught:
        load_content(root)
    return caught.value.problems


def only(root: Path):
    found = problems(root)
    assert len(found) == 1, [str(p) for p in found]
    return found[0]


def line_of(path: Path, text: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(text)


def test_yaml_syntax_error_gives_the_line(toy_copy):
    edit(toy_copy / "toy.yaml", "  - id: age\n", "  - id: age\n   broken: [\n")
    problem = only(toy_copy)
    assert problem.file.endswith("toy.yaml")
    assert problem.line is not None and "YAML として読めません" in problem.message


def test_unknown_key_is_a_typo_not_ignored(toy_copy):
    edit(toy_copy / "toy.yaml", "    text: 年齢は\n", "    txet: 年齢は\n")
    found = problems(toy_copy)
    typo = next(p for p in found if "txet" in p.key)
    assert typo.message == "知らない項目です"
    assert typo.line == line_of(toy_copy / "toy.yaml", "txet")
    assert any(p.message == "必須の項目がありません" and p.key.endswith("text") for p in found)


def test_missing_required_field(toy_copy):
    edit(toy_copy / "procedures" / "a.yaml", "  short: 国保をやめる\n", "")
    problem = only(toy_copy)
    assert (problem.key, problem.message) == ("kokuho_loss.short", "必須の項目がありません")
    assert problem.file.endswith("procedures/a.yaml")


def test_wrong_enum_value_lists_the_allowed_values(toy_copy):
    edit(toy_copy / "procedures" / "a.yaml", "  group: private\n", "  group: bank\n")
    problem = only(toy_copy)
    assert problem.key == "bank.group" and "city" in problem.fix and "private" in problem.fix


def test_duplicate_question_id(toy_copy):
    edit(toy_copy / "toy.yaml", "  - id: filed\n", "  - id: age\n")
    found = problems(toy_copy)
    assert any("質問の id「age」が2回あります" in p.message for p in found)


def test_duplicate_procedure_id_across_files(toy_copy):
    (toy_copy / "procedures" / "b.yaml").write_text(
        "bank:\n  title: 銀行\n  short: 銀行\n  group: private\n  items: []\n", encoding="utf-8"
    )
    problem = only(toy_copy)
    assert problem.file.endswith("procedures/b.yaml") and problem.line == 1
    assert "procedures/a.yaml にもあります" in problem.message


def test_dangling_procedure_reference(toy_copy):
    edit(toy_copy / "toy.yaml", "  - procedure: bank\n", "  - procedure: banc\n")
    problem = only(toy_copy)
    assert problem.message == "手続き「banc」が procedures/ にありません"
    assert problem.line == line_of(toy_copy / "toy.yaml", "procedure: banc")


def test_dangling_item_and_counter_references(toy_copy):
    edit(toy_copy / "procedures" / "a.yaml", "items: [id_card, hokensho]", "items: [id_card, hokenshou]")
    edit(toy_copy / "procedures" / "a.yaml", "  counter: shimin\n", "  counter: shimn\n")
    messages = {p.message for p in problems(toy_copy)}
    assert "持ち物「hokenshou」が items/ にありません" in messages
    assert "窓口「shimn」が municipality.yaml にありません" in messages


def test_condition_on_an_answer_the_question_can_never_give(toy_copy):
    edit(toy_copy / "toy.yaml", "when: {equals: [insurance, kokuho]}", "when: {equals: [insurance, shaho]}")
    problem = only(toy_copy)
    assert problem.message == "質問「insurance」の答えに「shaho」はありません"
    assert "kokuho" in problem.fix and problem.key == "procedures[1].when"


def test_yes_written_without_quotes_still_means_the_string_yes(toy_copy):
    edit(toy_copy / "toy.yaml", 'when: {equals: [filed, "no"]}', "when: {equals: [filed, no]}")
    load_content(toy_copy)  # no error: `no` stays the string "no"


def test_condition_on_a_later_question(toy_copy):
    edit(toy_copy / "toy.yaml", '    when: {equals: [known_later, "yes"]}\n', '    when: {equals: [filed, "yes"]}\n')
    problem = only(toy_copy)
    assert "この質問より後にあります" in problem.message


def test_unknown_operator_in_a_condition_points_inside_it(toy_copy):
    edit(toy_copy / "toy.yaml", "{includes: [benefits, pension]}", "{contains: [benefits, pension]}")
    problem = only(toy_copy)
    assert problem.message == "知らない演算子「contains」です"
    assert problem.key == "procedures[3].triggers[0].when.contains"


def test_wrong_operator_for_the_question_type(toy_copy):
    edit(toy_copy / "toy.yaml", "{includes: [benefits, pension]}", "{equals: [benefits, pension]}")
    assert "includes を使います" in only(toy_copy).message


def test_deadline_from_a_date_the_flow_does_not_have(toy_copy):
    edit(toy_copy / "toy.yaml", "  funeral: funeral_date\n", "")
    problem = only(toy_copy)
    assert "期限を数える日「funeral」" in problem.message


def test_wakaranai_without_a_hint(toy_copy):
    edit(toy_copy / "toy.yaml", "    unknown_hint: 住民票でわかります\n", "")
    assert only(toy_copy).message == "「わからない」を選べる質問には unknown_hint が必要です"


def test_inconsistent_deadline_rule(toy_copy):
    edit(
        toy_copy / "procedures" / "a.yaml",
        "deadline: {days: 10, from: event}",
        "deadline: {days: 10, months: 1, from: event}",
    )
    problem = only(toy_copy)
    assert problem.key == "nenkin_todoke.deadline" and "どれか1つ" in problem.message


def test_a_city_procedure_must_use_a_city_counter(toy_copy):
    edit(
        toy_copy / "procedures" / "a.yaml",
        "  counter: hoken\n  deadline: {days: 14",
        "  counter: nenkin\n  deadline: {days: 14",
    )
    assert "市役所の counters にありません" in only(toy_copy).message


def test_every_problem_is_reported_at_once(toy_copy):
    edit(toy_copy / "toy.yaml", "  - procedure: bank\n", "  - procedure: banc\n")
    edit(toy_copy / "procedures" / "a.yaml", "  short: 国保をやめる\n", "")
    assert len(problems(toy_copy)) == 2


def test_the_message_reads_as_file_line_key_and_fix(toy_copy):
    edit(toy_copy / "toy.yaml", "  - procedure: bank\n", "  - procedure: banc\n")
    with pytest.raises(ContentError) as caught:
        load_content(toy_copy)
    text = str(caught.value)
    line = line_of(toy_copy / "toy.yaml", "procedure: banc")
    assert f"questionnaires/toy.yaml:{line}: procedures[5].procedure: 手続き「banc」が procedures/ にありません" in text
    assert "直し方:" in text


OPERATORS = ("equals, in, includes, answered, all, any, not, gt, gte, lt, lte, date_before, date_on_or_before, "
             "date_after, date_on_or_after")


@pytest.mark.parametrize(
    ("file", "old", "new", "shown"),
    [
        ("procedures/a.yaml", "  group: city\n  counter: shimin\n", "  group: citee\n  counter: shimin\n",
         "procedures/a.yaml:4: todoke.group: 使えない値です\n    直し方: 使える値: 'city', 'agency' or 'private'"),
        ("procedures/a.yaml", "  short: 死亡の届け出\n", "  short: 死亡の届け出\n  colour: red\n",
         "procedures/a.yaml:4: todoke.colour: 知らない項目です\n"
         "    直し方: 綴りを確かめるか、この行を削除してください"),
        ("procedures/a.yaml", "  deadline: {days: 7, from: death_known, count_first_day: true, next_open_day: true}",
         "  deadline: {days: 7, months: 1, from: death_known}",
         "procedures/a.yaml:6: todoke.deadline: "
         "期限は days・months・years のどれか1つで書きます（例: {days: 14, from: event}）"),
        ("toy.yaml", '    when: {equals: [filed, "no"]}', '    when: {equal: [filed, "no"]}',
         "toy.yaml:62: procedures[0].when.equal: 知らない演算子「equal」です\n"
         f"    直し方: 例: {{equals: [deceased_insurance, kokuho]}}（使える演算子: {OPERATORS}）"),
        ("toy.yaml", "    min: 0\n", "    min: zero\n", "toy.yaml:26: questions[3].min: 整数で書きます"),
    ],
)
def test_a_value_of_the_wrong_kind_is_reported_with_its_place_and_fix(toy_copy, file, old, new, shown):
    edit(toy_copy / file, old, new)
    assert problems_shown(toy_copy) == [f"questionnaires/{shown}"]


def test_the_flows_come_in_the_citys_order_of_events_then_by_name(toy_copy):
    # The menu lists the events in this order: おくやみ, 出生, 引越し, then any other flow by its file name.
    for name in ("hikkoshi", "aaa", "shussei", "okuyami"):
        text = (toy_copy / "toy.yaml").read_text(encoding="utf-8").replace("id: toy", f"id: {name}", 1)
        (toy_copy / f"{name}.yaml").write_text(text, encoding="utf-8")
    assert list(load_content(toy_copy).flows) == ["okuyami", "shussei", "hikkoshi", "aaa", "toy"]


def test_a_start_up_refusal_says_how_many_problems_and_lists_each(toy_copy):
    procedures = toy_copy / "procedures" / "a.yaml"
    edit(procedures, "  group: city\n  counter: shimin\n", "  group: citee\n  counter: shimin\n")
    edit(procedures, "  short: 死亡の届け出\n", "  short: 死亡の届け出\n  colour: red\n")
    with pytest.raises(ContentError) as caught:
        load_content(toy_copy)
    lines = str(caught.value).replace(f"{toy_copy.parent}/", "").split("\n")
    assert lines[0] == "内容ファイルに 2 件の問題があります:"
    assert lines[1:] == "\n".join(str(problem) for problem in caught.value.problems).replace(
        f"{toy_copy.parent}/", "").split("\n")
    assert len(lines) == 5  # each problem: its line and its 直し方


def test_a_file_nested_too_deep_is_told_so_with_its_own_fix(toy_copy):
    (toy_copy / "items" / "deep.yaml").write_text("a: " + "[" * 1200 + "]" * 1200 + "\n", encoding="utf-8")
    assert problems_shown(toy_copy) == [
        "questionnaires/items/deep.yaml:1: YAML として読めません: 入れ子が深すぎます（1,000 段まで）\n"
        "    直し方: [ ] や { } の中にさらに [ ] や { } を重ねすぎていないか確かめてください"]
