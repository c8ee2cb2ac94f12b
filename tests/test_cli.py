import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from kiosk.cli import main

from .engine.conftest import TOY


def run(*args, stdin=None):
    return CliRunner().invoke(main, list(args), input=stdin)


def test_evaluate_prints_the_result_json_from_standard_input():
    answers = {
        "death_date": "2026-06-12",
        "known_later": "no",
        "age": 78,
        "insurance": "koki",
        "funeral_held": "yes",
        "funeral_date": "2026-06-14",
        "benefits": ["pension"],
        "filed": "yes",
    }
    result = run(
        "evaluate", "toy", "--answers", "-", "--today", "2026-06-15", "--content", str(TOY), stdin=json.dumps(answers)
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["event"] == "toy" and data["complete"] is True
    ids = [p["id"] for p in data["procedures"]]
    assert "nenkin_todoke" in ids and "kokuho_loss" not in ids


def test_evaluate_reads_yaml_files(tmp_path):
    path = tmp_path / "answers.yaml"
    path.write_text("death_date: 2026-06-12\nfiled: no\n", encoding="utf-8")
    result = run("evaluate", "toy", "--answers", str(path), "--today", "2026-06-15", "--content", str(TOY))
    assert result.exit_code == 0, result.output
    todoke = next(p for p in json.loads(result.stdout)["procedures"] if p["id"] == "todoke")
    assert todoke["deadline"]["date"] == "2026-06-18"


@pytest.mark.parametrize("nested", ['{"age": ' + "[" * 5000 + "]" * 5000 + "}", "age: " + "[" * 5000 + "]" * 5000])
def test_an_answers_file_nested_thousands_deep_gets_a_message_not_a_traceback(nested):
    result = run("evaluate", "toy", "--answers", "-", "--today", "2026-06-15", "--content", str(TOY), stdin=nested)
    assert result.exit_code == 2
    assert "入れ子が深すぎます" in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_bad_answers_give_a_clear_message_and_status_2():
    result = run(
        "evaluate",
        "toy",
        "--answers",
        "-",
        "--today",
        "2026-06-15",
        "--content",
        str(TOY),
        stdin='{"age": "たくさん", "insurance": "shaho", "nosuch": 1}',
    )
    assert result.exit_code == 2
    assert "age: 数字で入力してください" in result.stderr
    assert "insurance: 選択肢の中から1つ選んでください" in result.stderr
    assert "nosuch: この質問は「toy」にありません" in result.stderr
    assert "Traceback" not in result.output


def test_unreadable_answers_file_and_unknown_event():
    result = run("evaluate", "toy", "--answers", "-", "--content", str(TOY), stdin="{: [")
    assert result.exit_code == 2 and "読めません" in result.stderr
    result = run("evaluate", "nosuch", "--answers", "-", "--content", str(TOY), stdin="{}")
    assert result.exit_code == 2 and "使えるもの: toy" in result.stderr
    result = run("evaluate", "toy", "--answers", "-", "--today", "2026-13-01", "--content", str(TOY), stdin="{}")
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.stderr


def test_paths_lists_distinct_answer_paths_and_says_when_capped():
    result = run("paths", "toy", "--content", str(TOY), "--limit", "5")
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 5
    assert len({json.dumps(line["answers"], sort_keys=True) for line in lines}) == 5
    assert "上限の 5 通りで止めました" in result.stderr


def test_check_fails_with_file_and_line_on_bad_content(tmp_path):
    import shutil

    broken = tmp_path / "questionnaires"
    shutil.copytree(TOY, broken)
    flow = broken / "toy.yaml"
    flow.write_text(flow.read_text(encoding="utf-8").replace("procedure: bank", "procedure: banc"), encoding="utf-8")
    result = run("check", "--content", str(broken))
    assert result.exit_code == 1
    assert "questionnaires/toy.yaml:" in result.stderr and "banc" in result.stderr


def test_the_console_script_is_installed():
    completed = subprocess.run([sys.executable, "-m", "kiosk.cli", "--help"], capture_output=True, text=True)
    assert completed.returncode == 0 and "check" in completed.stdout


def _stats(event, *extra):
    result = run("stats", event, "--walks", "300", "--seed", "0", *extra)
    assert result.exit_code == 0, result.output
    numbers = {}
    for line in result.output.splitlines()[1:]:
        label, rest = line.strip().split(":", 1)
        parts = rest.split()
        numbers[label] = {parts[i]: float(parts[i + 1]) for i in range(0, len(parts), 2)}
    return result.output, numbers


def test_stats_prints_median_p10_p90_of_screens_and_questions_and_meets_the_targets():
    for event, target in (("okuyami", 12), ("shussei", 8), ("hikkoshi", 8)):
        output, numbers = _stats(event)
        screens, questions = numbers["画面"], numbers["質問"]
        assert screens["p10"] <= screens["中央値"] <= screens["p90"]
        assert screens["中央値"] <= target, output  # issue 13: half the screens
        assert questions["中央値"] >= screens["中央値"]
        assert _stats(event)[0] == output  # the same seed, the same walks


def test_stats_of_an_unknown_event_fails_clearly():
    result = run("stats", "nosuch")
    assert result.exit_code == 2 and "nosuch" in result.output
