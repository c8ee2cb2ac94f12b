"""Screens and cross-answer checks in the content: each mistake is named with its file, line and fix (issue 13)."""

from pathlib import Path

from kiosk.engine import load_content

from .test_loader import line_of, only, problems


def append(root: Path, text: str) -> Path:
    flow = root / "toy.yaml"
    flow.write_text(flow.read_text(encoding="utf-8").rstrip("\n") + "\n" + text, encoding="utf-8")
    return flow


def test_valid_screens_and_checks_load(toy_copy):
    append(toy_copy, """
screens:
  - id: death
    text: 亡くなられた日について
    questions: [death_date, known_later]
  - id: person
    questions: [age, insurance]
checks:
  - id: funeral_first
    when: {date_before: [funeral_date, death_date]}
    questions: [funeral_date, death_date]
    message: お葬式の日が、亡くなられた日より前です。
""")
    flow = load_content(toy_copy).flows["toy"]
    assert [s.id for s in flow.screens] == ["death", "person"] and flow.screen_of["age"].id == "person"
    assert [c.id for c in flow.checks] == ["funeral_first"]


def test_a_screen_question_that_does_not_exist(toy_copy):
    flow = append(toy_copy, "screens:\n  - id: a\n    questions: [death_date, no_such_question]\n")
    problem = only(toy_copy)
    assert "no_such_question" in problem.message and problem.line == line_of(flow, "no_such_question")


def test_screen_questions_must_be_consecutive_in_asking_order(toy_copy):
    append(toy_copy, "screens:\n  - id: a\n    questions: [death_date, age]\n")
    problem = only(toy_copy)
    assert problem.key == "screens[0].questions" and "続いていません" in problem.message


def test_a_question_is_in_one_screen_only(toy_copy):
    append(toy_copy, "screens:\n  - id: a\n    questions: [death_date]\n  - id: b\n    questions: [death_date]\n")
    problem = only(toy_copy)
    assert "画面「a」にもあります" in problem.message


def test_a_screen_cannot_hold_a_question_that_depends_on_another_of_the_same_screen(toy_copy):
    append(toy_copy, "screens:\n  - id: a\n    questions: [known_later, known_date]\n")
    problem = only(toy_copy)
    assert "known_date" in problem.message and "known_later" in problem.message
    assert "画面を分けて" in problem.fix


def test_a_check_names_existing_questions_and_reads_them_with_valid_conditions(toy_copy):
    append(toy_copy, """checks:
  - id: a
    when: {date_before: [funeral_date, age]}
    questions: [funeral_date, nothing_here]
    message: 日付をお確かめください。
""")
    messages = [p.message for p in problems(toy_copy)]
    assert any("nothing_here" in m for m in messages)
    assert any("日付の質問ではありません" in m for m in messages)


def test_a_screen_or_check_id_written_twice_is_named_at_its_second_place(toy_copy):
    append(toy_copy, """
screens:
  - id: death
    questions: [death_date, known_later]
  - id: death
    questions: [age, insurance]
checks:
  - id: funeral_first
    when: {date_before: [funeral_date, death_date]}
    questions: [funeral_date, death_date]
    message: お葬式の日が、亡くなられた日より前です。
  - id: funeral_first
    when: {date_before: [funeral_date, death_date]}
    questions: [funeral_date, death_date]
    message: お葬式の日が、亡くなられた日より前です。
""")
    messages = [p.message for p in problems(toy_copy)]
    assert any("画面の id「death」が2回あります" in m for m in messages), messages
    assert any("チェックの id「funeral_first」が2回あります" in m for m in messages), messages
