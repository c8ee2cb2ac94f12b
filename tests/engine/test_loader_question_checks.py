"""A content editor who writes a question, a procedure's conditions or an outside-bodies pack wrongly is told, before
the kiosk starts, the file, line and key of the mistake, what is wrong and how to fix it."""


import pytest

from kiosk.engine import load_content

from .conftest import TOY_PACK, edit, problem_text, problems_shown, write_pack

FILED = "    text: 死亡届は出しましたか\n"
BANK = "  - procedure: bank\n    reason: 口座があるため\n"
DEATH_NOT_AFTER = "    not_after: today\n"
NOT_A_BOUND = ('"YYYY-MM-DD"、today、または today からの日数・月数・年数（today-1y, today+6m, today+30d）'
               "を書きます")
WINDOW_FIX = "not_before を not_after より前の日にします（書かないときは 1900-01-01 から today+2y まで）"
ROLES = "使える役割: event, death_known, funeral, move_out, move_in"
UNKNOWN_QUESTION_FIX = "質問の id の綴りを確かめてください"
INSURANCE_VALUES = "使える値: kokuho, koki, other, unknown"


def extra(*lines: str) -> str:
    """The last question of the toy flow followed by a new question `extra` written with `lines`."""
    return FILED + "  - id: extra\n" + "".join(f"    {line}\n" for line in lines)


def shown(where: str, message: str, fix: str = "") -> str:
    """A problem of the toy flow as the editor reads it."""
    return problem_text("toy.yaml", where, message, fix)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (FILED, extra("type: single", "text: 追加"),
         [shown("61: questions[9].type", "type: single には options が必要です",
                "options に value と label を並べます")]),
        (FILED, extra("type: multiple", "text: 追加", "options: []"),
         [shown("61: questions[9].type", "type: multiple には options が必要です",
                "options に value と label を並べます")]),
        (FILED, extra("type: single", "text: 追加", "options:", "  - {value: unknown, label: わからない}",
                      "  - {value: a, label: A}"),
         [shown("64: questions[9].options[0].value", "value: unknown は使えません",
                "「わからない」は unknown: true で加えます")]),
        (FILED, extra("type: single", "text: 追加", "options:", "  - {value: a, label: A}", "  - {value: a, label: B}"),
         [shown("64: questions[9].options[0].value", "選択肢の値「a」が2回あります", "値を変えてください"),
          shown("65: questions[9].options[1].value", "選択肢の値「a」が2回あります", "値を変えてください")]),
        (FILED, extra("type: yes_no", "text: 追加", "options:", "  - {value: a, label: A}"),
         [shown("63: questions[9].options", "type: yes_no には options を書きません", "options を削除します")]),
        (FILED, extra("type: yes_no", "text: 追加", "unknown: true"),
         [shown("63: questions[9].unknown", "「わからない」を選べる質問には unknown_hint が必要です",
                "調べ方を1文で書きます（例: 保険証を見るとわかります）")]),
        (FILED, extra("type: date", "text: 追加", "min: 0"),
         [shown("61: questions[9].type", "min・max・unit は type: number の質問にだけ書きます")]),
        (FILED, extra("type: single", "text: 追加", "max: 3", "options:", "  - {value: a, label: A}"),
         [shown("61: questions[9].type", "min・max・unit は type: number の質問にだけ書きます")]),
        (FILED, extra("type: yes_no", "text: 追加", "unit: 歳"),
         [shown("61: questions[9].type", "min・max・unit は type: number の質問にだけ書きます")]),
        (FILED, extra("type: number", "text: 追加", "not_before: today"),
         [shown("63: questions[9].not_before", "not_before は type: date の質問にだけ書きます")]),
        (FILED, extra("type: yes_no", "text: 追加", "not_after: today"),
         [shown("63: questions[9].not_after", "not_after は type: date の質問にだけ書きます")]),
        (DEATH_NOT_AFTER, "    not_after: today+1w\n",
         [shown("15: questions[0].not_after", "not_after が日付ではありません", NOT_A_BOUND)]),
        (DEATH_NOT_AFTER, '    not_after: "2026-02-30"\n',
         [shown("15: questions[0].not_after", "not_after が日付ではありません", NOT_A_BOUND)]),
        (DEATH_NOT_AFTER, "    not_after: today\n    not_before: today-201y\n",
         [shown("16: questions[0].not_before", "not_before が今日から離れすぎています", "200年以内にします")]),
        (DEATH_NOT_AFTER, "    not_after: today+73201d\n",
         [shown("15: questions[0].not_after", "not_after が今日から離れすぎています", "200年以内にします")]),
        (DEATH_NOT_AFTER, "    not_after: today-2362m\n",
         [shown("15: questions[0].not_after", "not_after が今日から離れすぎています", "200年以内にします")]),
        (FILED, extra("type: single", "text: 追加", "when: {equals: [extra, a]}", "options:",
                      "  - {value: a, label: A}"),
         [shown("63: questions[9].when", "自分自身の答えを条件にしています", "前の質問の答えを条件にします")]),
        ("    text: 亡くなったことを知ったのは、後の日ですか\n",
         "    text: 亡くなったことを知ったのは、後の日ですか\n    when: {equals: [filed, \"no\"]}\n",
         [shown("19: questions[1].when", "条件の質問「filed」はこの質問より後にあります",
                "条件には、この質問より前の質問だけを使えます")]),
        ('    when: {equals: [known_later, "yes"]}', '    when: {equals: [known_latter, "yes"]}',
         [shown("22: questions[2].when", "質問「known_latter」がありません", UNKNOWN_QUESTION_FIX)]),
    ],
)
def test_a_badly_written_question_is_reported_at_its_line_and_key_with_the_fix(toy_copy, old, new, expected):
    edit(toy_copy / "toy.yaml", old, new)
    assert problems_shown(toy_copy) == expected


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (DEATH_NOT_AFTER, "    not_after: today\n    not_before: today+1d\n",
         shown("16: questions[0].not_before", "答えられる日付がありません（today+1d から today まで）", WINDOW_FIX)),
        (DEATH_NOT_AFTER, "    not_before: today+3y\n",
         shown("15: questions[0].not_before", "答えられる日付がありません（today+3y から today+2y まで）", WINDOW_FIX)),
        (DEATH_NOT_AFTER, '    not_after: "1899-12-31"\n',
         shown("15: questions[0].not_after", "答えられる日付がありません（1900-01-01 から 1899-12-31 まで）",
               WINDOW_FIX)),
    ],
)
def test_a_date_question_with_no_day_to_answer_is_reported(toy_copy, old, new, expected):
    edit(toy_copy / "toy.yaml", old, new)
    assert problems_shown(toy_copy) == [expected]


@pytest.mark.parametrize(
    "new",
    [
        "    not_after: today\n    not_before: today\n",
        "    not_after: today\n    not_before: today-200y\n",
        "    not_after: today+73200d\n",
        "    not_after: today-2361m\n    not_before: today-2361m\n",
    ],
)
def test_a_date_window_of_one_day_up_to_200_years_from_today_loads(toy_copy, new):
    edit(toy_copy / "toy.yaml", DEATH_NOT_AFTER, new)
    assert load_content(toy_copy).flows["toy"].question_map["death_date"].not_after is not None


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('    when: {equals: [filed, "no"]}\n    reason: 死亡届',
         '    when: {equals: [filled, "no"]}\n    reason: 死亡届',
         shown("62: procedures[0].when", "質問「filled」がありません", UNKNOWN_QUESTION_FIX)),
        ("      - when: {gte: [age, 65]}", "      - when: {gte: [insurance, 65]}",
         shown("74: procedures[3].triggers[1].when", "gte は数の質問にだけ使えます（「insurance」は single）")),
        (BANK, BANK + "    extra_items:\n      - {item: nosuch}\n",
         shown("82: procedures[5].extra_items[0].item", "持ち物「nosuch」が items/ にありません")),
        (BANK, BANK + "    extra_items:\n      - {item: koza, when: {equals: [filed, maybe]}}\n",
         shown("82: procedures[5].extra_items[0].when", "質問「filed」の答えに「maybe」はありません",
               "使える値: yes, no")),
        (BANK, BANK + "    deadline: {days: 5, from: move_out}\n",
         shown("81: procedures[5].deadline", "期限を数える日「move_out」がこの流れの dates にありません",
               f"dates に move_out: 日付の質問 を書くか、deadline を上書きします（{ROLES}）")),
        ("  funeral: funeral_date\n", "",
         shown("66: procedures[2].procedure", "期限を数える日「funeral」がこの流れの dates にありません",
               f"dates に funeral: 日付の質問 を書くか、deadline を上書きします（{ROLES}）")),
    ],
)
def test_a_badly_attached_procedure_is_reported_at_its_line_and_key_with_the_fix(toy_copy, old, new, expected):
    edit(toy_copy / "toy.yaml", old, new)
    assert problems_shown(toy_copy) == [expected]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("{gte: [age, 65]}", "{answered: nosuch}",
         shown("74: procedures[3].triggers[1].when", "質問「nosuch」がありません", UNKNOWN_QUESTION_FIX)),
        ('{date_on_or_after: [death_date, "2024-04-01"]}', '{date_on_or_after: [age, "2024-04-01"]}',
         shown("77: procedures[4].when", "date_on_or_after の質問「age」は日付の質問ではありません",
               "type: date の質問を使います")),
        ('{date_on_or_after: [death_date, "2024-04-01"]}', "{date_before: [death_date, filed]}",
         shown("77: procedures[4].when", "date_before の質問「filed」は日付の質問ではありません",
               "type: date の質問を使います")),
        ("{includes: [benefits, pension]}", "{includes: [insurance, kokuho]}",
         shown("72: procedures[3].triggers[0].when",
               "includes は複数選択の質問にだけ使えます（「insurance」は single）",
               "1つを選ぶ質問には equals を使います")),
        ("{includes: [benefits, pension]}", "{includes: [benefits, pensions]}",
         shown("72: procedures[3].triggers[0].when", "質問「benefits」の答えに「pensions」はありません",
               "使える値: pension, allowance, none, unknown")),
        ("{equals: [insurance, kokuho]}\n    reason: 国民", "{in: [benefits, [pension]]}\n    reason: 国民",
         shown("65: procedures[1].when", "複数選択の質問「benefits」には includes を使います")),
        ('{equals: [funeral_held, "yes"]}]}', "{equals: [benefits, pension]}]}",
         shown("68: procedures[2].when", "複数選択の質問「benefits」には includes を使います")),
        ('{equals: [known_later, "yes"]}', '{equals: [death_date, "2024-04-01"]}',
         shown("22: questions[2].when", "日付の質問「death_date」には date_before などを使います")),
        ("{in: [insurance, [kokuho, koki]]}", "{in: [age, [kokuho, 3]]}",
         shown("43: questions[5].when", "数の質問「age」と文字「kokuho」を比べています", "数を書きます")),
        ("{gte: [age, 65]}", "{equals: [age, sixty]}",
         shown("74: procedures[3].triggers[1].when", "数の質問「age」と文字「sixty」を比べています", "数を書きます")),
        ("{in: [insurance, [kokuho, koki]]}", "{in: [insurance, [kokuho, kouki]]}",
         shown("43: questions[5].when", "質問「insurance」の答えに「kouki」はありません", INSURANCE_VALUES)),
        ('{equals: [filed, "no"]}', "{equals: [filed, unknown]}",
         shown("62: procedures[0].when", "質問「filed」の答えに「unknown」はありません", "使える値: yes, no")),
    ],
)
def test_a_condition_that_cannot_hold_is_reported_at_its_line_and_key_with_the_fix(toy_copy, old, new, expected):
    edit(toy_copy / "toy.yaml", old, new)
    assert problems_shown(toy_copy) == [expected]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("{gte: [age, 65]}", "{equals: [age, unknown]}"),
        ("{gte: [age, 65]}", "{in: [age, [65, unknown]]}"),
        ("{gte: [age, 65]}", "{answered: insurance}"),
        ("{equals: [insurance, kokuho]}\n    reason: 国民", "{equals: [insurance, unknown]}\n    reason: 国民"),
    ],
)
def test_a_condition_on_an_offered_answer_loads(toy_copy, old, new):
    edit(toy_copy / "toy.yaml", old, new)
    assert "toy" in load_content(toy_copy).flows


def test_a_pack_named_after_no_flow_is_reported_with_the_flows_it_can_be_named_after(toy_copy):
    write_pack(toy_copy, TOY_PACK, name="nothing")
    assert problems_shown(toy_copy) == [
        "questionnaires/outside/nothing.yaml:1: 流れ「nothing」がありません\n"
        "    直し方: ファイル名を流れの id にします（toy）"]


def test_a_pack_that_cannot_be_read_is_reported_once_and_not_checked_further(toy_copy):
    assert "place: nenkin" in TOY_PACK
    write_pack(toy_copy, TOY_PACK.replace("place: nenkin", "place: nowhere") + "colour: red\n")
    assert problems_shown(toy_copy) == [
        "questionnaires/outside/toy.yaml:12: colour: 知らない項目です\n"
        "    直し方: 綴りを確かめるか、この行を削除してください"]


def test_a_pack_named_after_its_flow_loads_for_that_flow(toy_copy):
    write_pack(toy_copy, TOY_PACK)
    assert list(load_content(toy_copy).outside) == ["toy"]
