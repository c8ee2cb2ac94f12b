"""A content editor who misnames an id, leaves a file or folder empty, points at a counter, item, amount, question
or procedure that does not exist, or groups screens and checks wrongly is told the file, line, key and how to fix it."""

from pathlib import Path

import pytest

from kiosk.engine import load_content

from .conftest import edit, problems_shown

FLOW_END = "    reason: 口座があるため\n"
LAST_QUESTION = "    text: 死亡届は出しましたか\n"
ID_FIX = "\n    直し方: 英小文字・数字・_ で、英小文字で始めます"
CHECK = (
    "    when: {date_before: [funeral_date, death_date]}\n    questions: [%s]\n"
    "    message: 日付をお確かめください\n"
)


def _change(root: Path, file: str, old: str, new: str) -> None:
    """Replace `old` by `new` in a toy file; an empty `old` writes a new file."""
    path = root / file
    if old:
        edit(path, old, new)
    else:
        assert not path.exists()
        path.write_text(new, encoding="utf-8")


def _screens(*questions: str) -> str:
    return FLOW_END + "screens:\n" + "".join(
        f"  - id: {screen_id}\n    questions: [{ids}]\n" for screen_id, ids in questions
    )


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        # load_content: a flow's id must be its file name
        ("toy.yaml", "id: toy\n", "id: toi\n",
         "toy.yaml:1: id: id「toi」がファイル名と違います\n    直し方: id: toy と書きます"),
        # _read: YAML that cannot be parsed
        ("toy.yaml", "title: 見本の流れ\n", "title: [見本の流れ\n",
         "toy.yaml:3: YAML として読めません: did not find expected ',' or ']'\n"
         "    直し方: 字下げ（スペース）と「:」のあとの空白を確かめてください"),
        # _load_catalogue
        ("items/b.yaml", "", "- koza\n", "items/b.yaml:1: 「id: 中身」の組を並べて書きます"),
        ("items/a.yaml", "kaiso: {name: 会葬礼状}\n", "kaiso: {name: 会葬礼状}\nBad_key: {name: 印鑑}\n",
         "items/a.yaml:6: Bad_key: id「Bad_key」が使えません" + ID_FIX),
        ("items/a.yaml", "kaiso: {name: 会葬礼状}\n", "kaiso: {name: 会葬礼状}\n2nd: {name: 印鑑}\n",
         "items/a.yaml:6: 2nd: id「2nd」が使えません" + ID_FIX),
        ("items/b.yaml", "", "koza: {name: 通帳}\n",
         "items/b.yaml:1: koza: id「koza」は questionnaires/items/a.yaml にもあります\n"
         "    直し方: id はすべてのファイルを通して1つだけにします"),
        # _check_catalogue
        ("procedures/a.yaml", "  counter: shimin\n", "",
         "procedures/a.yaml:4: todoke.group: counter（窓口）がありません\n"
         "    直し方: municipality.yaml の counters か offices の id を counter: に書きます"),
        ("procedures/a.yaml", "  counter: shimin\n", "  counter: nowhere\n",
         "procedures/a.yaml:5: todoke.counter: 窓口「nowhere」が municipality.yaml にありません\n"
         "    直し方: 使える窓口: shimin, hoken, nenkin, bank"),
        ("procedures/a.yaml", "  counter: hoken\n  deadline: {days: 14", "  counter: nenkin\n  deadline: {days: 14",
         "procedures/a.yaml:12: kokuho_loss.counter: group: city の手続きの窓口「nenkin」が市役所の"
         " counters にありません\n"
         "    直し方: 市役所の窓口（counters）を書くか、group を agency / private にします"),
        ("procedures/a.yaml", "  counter: nenkin\n  deadline: {days: 10", "  counter: hoken\n  deadline: {days: 10",
         "procedures/a.yaml:28: nenkin_todoke.counter: group: agency の手続きの窓口は"
         " offices の kind: agency から選びます\n"
         "    直し方: municipality.yaml の offices に kind: agency の窓口を書きます"),
        ("procedures/a.yaml", "  counter: nenkin\n  deadline: {days: 10", "  counter: bank\n  deadline: {days: 10",
         "procedures/a.yaml:28: nenkin_todoke.counter: group: agency の手続きの窓口は"
         " offices の kind: agency から選びます\n"
         "    直し方: municipality.yaml の offices に kind: agency の窓口を書きます"),
        ("procedures/a.yaml", "items: [nenkin_shosho, id_card]", "items: [nenkin_shosho, id_kard]",
         "procedures/a.yaml:30: nenkin_todoke.items[1]: 持ち物「id_kard」が items/ にありません\n"
         "    直し方: items/*.yaml に定義するか、綴りを確かめてください"),
        ("procedures/a.yaml", "fee: {amount: sosaihi}", "fee: {amount: kasoryo}",
         "procedures/a.yaml:23: sosaihi.fee.amount: 金額「kasoryo」が municipality.yaml の amounts にありません\n"
         "    直し方: amounts に書き足すか、fee を文で書きます"),
        # _check_flow
        ("toy.yaml", LAST_QUESTION, LAST_QUESTION + "  - id: filed\n    type: yes_no\n    text: もう一度\n",
         "toy.yaml:60: questions[9].id: 質問の id「filed」が2回あります\n    直し方: id を変えてください"),
        ("toy.yaml", "  funeral: funeral_date\n", "  funeral: funeral_day\n",
         "toy.yaml:8: dates.funeral: 質問「funeral_day」がありません\n    直し方: 日付の質問の id を書きます"),
        ("toy.yaml", "death_known: [known_date, death_date]", "death_known: [known_day, death_date]",
         "toy.yaml:7: dates.death_known[0]: 質問「known_day」がありません\n    直し方: 日付の質問の id を書きます"),
        ("toy.yaml", "  event: death_date\n", "  event: age\n",
         "toy.yaml:6: dates.event: 質問「age」は日付の質問ではありません\n    直し方: type: date の質問を書きます"),
        ("toy.yaml", "death_known: [known_date, death_date]", "death_known: [known_date, known_later]",
         "toy.yaml:7: dates.death_known[1]: 質問「known_later」は日付の質問ではありません\n"
         "    直し方: type: date の質問を書きます"),
        ("toy.yaml", "  - procedure: bank\n", "  - procedure: banc\n",
         "toy.yaml:79: procedures[5].procedure: 手続き「banc」が procedures/ にありません\n"
         "    直し方: procedures/*.yaml に定義するか、綴りを確かめてください"),
        # a broken definition is reported once, not again where the flow attaches it
        ("procedures/a.yaml", "  short: 銀行\n", "",
         "procedures/a.yaml:38: bank.short: 必須の項目がありません\n    直し方: この項目を書き足してください"),
        ("toy.yaml", FLOW_END, FLOW_END + "  - procedure: bank\n    reason: もう一度\n",
         "toy.yaml:81: procedures[6].procedure: 手続き「bank」が2回あります\n"
         "    直し方: 1つにまとめ、理由が複数なら triggers に並べます"),
        # _check_unique_ids and _check_screens
        ("toy.yaml", FLOW_END, _screens(("a", "death_date"), ("a", "age")),
         "toy.yaml:84: screens[1].id: 画面の id「a」が2回あります\n    直し方: id を変えてください"),
        ("toy.yaml", FLOW_END, _screens(("a", "death_date, no_such")),
         "toy.yaml:83: screens[0].questions[1]: 質問「no_such」がありません\n"
         "    直し方: 質問の id の綴りを確かめてください"),
        ("toy.yaml", FLOW_END, _screens(("a", "death_date"), ("b", "death_date")),
         "toy.yaml:85: screens[1].questions[0]: 質問「death_date」は画面「a」にもあります\n"
         "    直し方: 1つの質問は1つの画面にだけ入れます"),
        ("toy.yaml", FLOW_END, _screens(("a", "death_date, age")),
         "toy.yaml:83: screens[0].questions: 画面「a」の質問が、質問の順に続いていません\n"
         "    直し方: questions: の中で続いている質問だけを、同じ順に並べます"),
        ("toy.yaml", FLOW_END, _screens(("a", "known_later, death_date")),
         "toy.yaml:83: screens[0].questions: 画面「a」の質問が、質問の順に続いていません\n"
         "    直し方: questions: の中で続いている質問だけを、同じ順に並べます"),
        ("toy.yaml", FLOW_END, _screens(("a", "known_later, known_date")),
         "toy.yaml:83: screens[0].questions[1]: 質問「known_date」は、同じ画面の質問「known_later」の答えで"
         "聞くかどうかが決まります\n"
         "    直し方: 1つの画面には、同じ画面の答えで変わらない質問だけを入れます。画面を分けてください"),
        # _check_unique_ids and _check_checks
        ("toy.yaml", FLOW_END,
         FLOW_END + "checks:\n  - id: a\n" + CHECK % "death_date" + "  - id: a\n" + CHECK % "funeral_date",
         "toy.yaml:86: checks[1].id: チェックの id「a」が2回あります\n    直し方: id を変えてください"),
        ("toy.yaml", FLOW_END, FLOW_END + "checks:\n  - id: a\n" + CHECK % "funeral_day",
         "toy.yaml:84: checks[0].questions[0]: 質問「funeral_day」がありません\n"
         "    直し方: メッセージが指す質問の id を書きます"),
        ("toy.yaml", FLOW_END,
         FLOW_END + "checks:\n  - id: a\n    when: null\n    questions: [death_date]\n    message: 日付\n",
         "toy.yaml:83: checks[0].when: チェックの条件 when がありません\n"
         "    直し方: 例: {date_before: [funeral_date, death_date]}"),
    ],
)
def test_a_content_mistake_is_reported_at_its_line_and_key_with_the_fix(toy_copy, file, old, new, expected):
    _change(toy_copy, file, old, new)
    assert problems_shown(toy_copy) == [f"questionnaires/{expected}"]


@pytest.mark.parametrize(
    ("file", "old", "new"),
    [
        ("items/b.yaml", "", ""),  # an empty catalogue file is allowed
        ("items/a.yaml", "kaiso: {name: 会葬礼状}\n", "kaiso: {name: 会葬礼状}\nin_kan2: {name: 印鑑}\n"),
        ("procedures/a.yaml", "  counter: bank\n", ""),  # a private procedure needs no counter
        ("procedures/a.yaml", "fee: {amount: sosaihi}", "fee: 5万円"),  # a fee written as text needs no amount
        ("toy.yaml", FLOW_END, _screens(("a", "death_date, known_later"))),
        ("toy.yaml", FLOW_END, FLOW_END + "checks:\n  - id: a\n" + CHECK % "funeral_date, death_date"),
    ],
)
def test_content_on_the_allowed_side_of_each_check_loads(toy_copy, file, old, new):
    _change(toy_copy, file, old, new)
    load_content(toy_copy)


def test_a_missing_municipality_profile_is_reported_as_a_file_to_create(toy_copy):
    (toy_copy / "municipality.yaml").unlink()
    assert problems_shown(toy_copy) == [
        "questionnaires/municipality.yaml: ファイルがありません\n"
        "    直し方: questionnaires/municipality.yaml を作ってください"
    ]


def test_a_catalogue_folder_without_yaml_files_is_reported(toy_copy):
    (toy_copy / "procedures" / "a.yaml").unlink()
    flow = toy_copy / "toy.yaml"
    text = flow.read_text(encoding="utf-8")
    flow.write_text(text[: text.index("procedures:\n")] + "procedures: []\n", encoding="utf-8")
    assert problems_shown(toy_copy) == [
        "questionnaires/procedures: YAML ファイルがありません\n    直し方: 1つ以上の .yaml ファイルを置いてください"
    ]
