"""市役所の外の手続き: which bodies a case gets, what each asks, the notices, and how the content is checked."""

from datetime import date

import pytest

from kiosk.engine import ContentError, load_content, resolve, walk
from kiosk.engine.outside import BLANK, outside_pack
from kiosk.engine.texts import text_catalogue

from .conftest import TOY_PACK, problem_text, problems_shown, write_pack

TODAY = date(2026, 5, 12)
DEATH = {
    "death_date": "2026-05-10",
    "deceased_resident_here": "yes",
    "death_notified": "yes",
    "deceased_age": 78,
    "deceased_was_foreign_national": "no",
    "deceased_received_pension": "kosei",
    "deceased_real_estate": "in_city",
    "deceased_had_life_insurance": "yes",
    "deceased_had_debts": "no",
    "estate_exceeds_basic_deduction": "no",
    "deceased_had_business_income": "no",
    "will_found": "none",
}


def _complete(content, event, wanted):
    """The wanted answers, and 「わからない」 or a neutral answer to every other question on the path."""
    answers = dict(wanted)
    for _ in range(200):
        question = walk(content.flows[event], answers, TODAY).next_question
        if question is None:
            return answers
        if question.unknown:
            answers[question.id] = "unknown"
        elif question.type == "yes_no":
            answers[question.id] = "no"
        elif question.type == "number":
            answers[question.id] = question.min or 0
        elif question.type == "date":
            answers[question.id] = TODAY.isoformat()
        elif question.type == "multiple":
            exclusive = [o.value for o in question.options or [] if o.exclusive]
            answers[question.id] = ((exclusive or [question.options[0].value])[0],)
        else:
            answers[question.id] = question.options[0].value
    raise AssertionError("the flow did not end")


def pack_for(content, event, wanted):
    return outside_pack(resolve(content, event, _complete(content, event, wanted), TODAY))


def bodies(pack):
    return {body.id: body for body in pack.bodies}


def test_okuyami_gets_every_outside_body_with_the_route_s_procedures_referenced_once(content):
    pack = pack_for(content, "okuyami", DEATH)
    found = bodies(pack)
    for body_id in ("nenkin", "homukyoku", "kinyu", "seiho_kyokai", "hoken", "nayosecho", "kokyo", "keitai", "card",
                    "digital"):
        assert body_id in found, body_id
    assert [p.id for p in found["nenkin"].procedures][:2] == ["nenkin_jukyusha_shibo_todoke", "mishikyu_nenkin"]
    assert {p.id for p in found["homukyoku"].procedures} >= {"sozoku_toki", "hotei_sozoku_joho"}
    # Every procedure done outside city hall is in exactly one body; none of the city's own is.
    offices = content.municipality.offices
    referenced = [proc.id for body in pack.bodies for proc in body.procedures]
    outside = [proc.id for proc in pack.result.procedures if proc.place_id in offices]
    assert sorted(referenced) == sorted(outside)
    assert len(referenced) == len(set(referenced))
    assert not any(proc.group == "city" for body in pack.bodies for proc in body.procedures)


def test_the_asset_lookups_are_there_and_certain_when_the_family_does_not_know(content):
    pack = pack_for(content, "okuyami", {**DEATH, "deceased_had_life_insurance": "unknown",
                                         "deceased_real_estate": "unknown", "deceased_had_debts": "unknown"})
    found = bodies(pack)
    assert [task.id for task in found["kinyu"].tasks][:2] == ["sozokuji_koza_shokai", "hofuri_kaiji"]
    assert not found["seiho_kyokai"].conditional  # 生命保険契約照会: the thing to do when it is not known
    assert found["hoken"].conditional  # an insurer only 「該当する場合」: the policy is not known
    assert not found["nayosecho"].conditional
    assert "shinyo_joho" in {task.id for task in found["card"].tasks}


def test_a_known_policy_gets_the_insurer_with_the_3_year_time_bar(content):
    hoken = bodies(pack_for(content, "okuyami", DEATH))["hoken"]
    jiko = next(task for task in hoken.tasks if task.id == "jiko")
    assert jiko.deadline.date == date(2029, 5, 10)  # 保険法95条: 3 years, the first day not counted
    assert hoken.body.notice.reference == "証券番号"


def test_no_phone_card_or_online_accounts_for_a_child(content):
    found = bodies(pack_for(content, "okuyami", {**DEATH, "deceased_age": 10, "deceased_had_life_insurance": "no"}))
    assert not {"keitai", "card", "digital", "seiho_kyokai", "hoken"} & set(found)


def test_the_notice_names_the_deceased_when_given_and_leaves_blanks_otherwise(content):
    pack = pack_for(content, "okuyami", DEATH)
    nenkin = bodies(pack)["nenkin"]
    blank = pack.notice(nenkin, {})
    assert f"亡くなった方のお名前：{BLANK}" in blank
    assert "亡くなった日：2026年5月10日（日）" in blank
    assert f"基礎年金番号：{BLANK}" in blank
    assert blank.startswith("死亡のお知らせ\n\n年金事務所（立川年金事務所） 御中")
    filled = pack.notice(nenkin, {"deceased_name": "国立 太郎", "deceased_birth_date": "1948-01-02",
                                  "applicant_name": "国立 花子", "relationship": "配偶者"})
    assert "亡くなった方のお名前：国立 太郎" in filled
    assert "生年月日：1948年1月2日（金）" in filled
    assert "お名前：国立 花子（亡くなった方の配偶者）" in filled


def test_a_notice_to_a_company_leaves_its_name_to_write_and_a_body_without_a_number_has_no_number_line(content):
    pack = pack_for(content, "okuyami", DEATH)
    found = bodies(pack)
    assert f"{BLANK} 御中" in pack.notice(found["keitai"], {})  # no company name is invented
    homukyoku = pack.notice(found["homukyoku"], {})
    assert "法務局（東京法務局 府中支局） 御中" in homukyoku
    assert "：\n" not in homukyoku and "{" not in homukyoku


def test_kokugai_tenshutsu_gets_its_pack_and_a_move_within_japan_or_the_city_does_not(content):
    pack = pack_for(content, "hikkoshi", {"move_type": "kokugai_tenshutsu", "move_date": "2026-06-01"})
    found = bodies(pack)
    assert {"zeimusho", "kinyu", "kokyo", "keitai", "card", "yubin"} <= set(found)
    nozei = next(task for task in found["zeimusho"].tasks if task.id == "nozei_kanrinin")
    assert nozei.deadline.date == date(2026, 5, 31)  # before the day of departure
    assert "kinyu_kikan_jusho_henko" in {proc.id for proc in found["kinyu"].procedures}
    assert "出国の日：2026年6月1日（月）" in pack.notice(found["kokyo"], {})
    for move in ("tenkyo", "tenshutsu", "tennyu"):
        assert pack_for(content, "hikkoshi", {"move_type": move, "move_date": "2026-05-08"}) is None, move


def test_shussei_has_no_pack(content):
    assert "shussei" not in content.outside


def test_every_pack_text_is_in_the_catalogue_for_translation(content):
    keys = text_catalogue(content)
    assert "outside.okuyami.letter" in keys
    assert "outside.okuyami.body.kinyu.task.sozokuji_koza_shokai.text" in keys
    assert "outside.hikkoshi.body.kokyo.notice.request" in keys
    assert "office.seimei_hoken_kyokai.name" in keys


def test_a_valid_toy_pack_loads(toy_copy):
    write_pack(toy_copy, TOY_PACK)
    assert load_content(toy_copy).outside["toy"].bodies[0].place == "nenkin"


NOTICE = "    notice: {title: お知らせ, request: 止めてください。, reference: 番号}"
ALLOWED = ("applicant_address, applicant_birth_date, applicant_name, applicant_phone, death_date, deceased_address, "
           "deceased_birth_date, deceased_name, deceased_name_kana, move_date, new_address, reference, relationship, "
           "request, title, to, today")
IN_A_REQUEST = ALLOWED.replace(" reference,", "").replace(" request, title,", "")


TASKS = "    tasks:\n      - {id: shokai, text: 照会%s}\n    notice:"
REQUEST = "    notice:\n      title: お知らせ\n      request: %s\n      reference: 番号"
UNKNOWN_QUESTION = ("質問「nosuch」がありません", "質問の id の綴りを確かめてください")


@pytest.mark.parametrize(
    ("change", "where", "problem"),
    [
        (("{reference}", "{reference}\n  {password}"), "3: letter",
         ("差し込み「{password}」は使えません", f"使える差し込み: {ALLOWED}")),
        (("  {request}\n", ""), "3: letter",
         ("letter に {request} がありません", "各機関へのお願いの文を {request} で差し込みます")),
        (("place: nenkin", "place: nowhere"), "10: bodies[0].place",
         ("窓口「nowhere」が municipality.yaml にありません",
          "municipality.yaml の offices（または counters）に書き足します")),
        (("    notice:", "    when: {equals: [insurance, nothing]}\n    notice:"), "11: bodies[0].when",
         ("質問「insurance」の答えに「nothing」はありません", "使える値: kokuho, koki, other, unknown")),
        (("    notice:", "    items: [id_card, no_such_item]\n    notice:"), "11: bodies[0].items[1]",
         ("持ち物「no_such_item」が items/ にありません", "")),
        (("bodies:\n", "bodies:\n  - {id: bank2, place: nenkin}\n"), "11: bodies[1].place",
         ("窓口「nenkin」は機関「bank2」にもあります",
          "1つの窓口は1つの機関にだけ書きます（そこでの手続きを2回示さないため）")),
        (("bodies:\n", "bodies:\n  - {id: nenkin, place: bank}\n"), "10: bodies[1].id",
         ("機関の id「nenkin」が2回あります", "id を変えてください")),
        (("    notice:", TASKS % "}\n      - {id: shokai, text: 二度目"), "13: bodies[0].tasks[1].id",
         ("することの id「shokai」が2回あります", "id を変えてください")),
        (("    notice:", TASKS % ", when: {equals: [nosuch, x]}"), "12: bodies[0].tasks[0].when", UNKNOWN_QUESTION),
        (("    notice:", TASKS % ", deadline: {days: 3, from: move_in}"), "12: bodies[0].tasks[0].deadline",
         ("期限を数える日「move_in」がこの流れの dates にありません", "使える役割: event, death_known, funeral")),
        ((NOTICE, REQUEST % "止めてください{account}。"), "13: bodies[0].notice.request",
         ("差し込み「{account}」は使えません", f"使える差し込み: {IN_A_REQUEST}")),
        ((NOTICE, REQUEST % "止めてください{。"), "13: bodies[0].notice.request",
         ("{ と } の組が合っていません", "差し込みは {deceased_name} のように書きます")),
        (("title: 市役所の外\n", "title: 市役所の外\nwhen: {equals: [nosuch, x]}\n"), "2: when", UNKNOWN_QUESTION),
    ],
)
def test_content_mistakes_in_a_pack_are_reported_at_their_line_and_key_with_the_fix(toy_copy, change, where, problem):
    assert change[0] in TOY_PACK
    write_pack(toy_copy, TOY_PACK.replace(*change))
    message, fix = problem
    assert problems_shown(toy_copy) == [problem_text("outside/toy.yaml", where, message, fix)]


def test_a_pack_for_no_flow_is_reported(toy_copy):
    write_pack(toy_copy, TOY_PACK, name="nothing")
    with pytest.raises(ContentError) as raised:
        load_content(toy_copy)
    assert any("流れ「nothing」がありません" in problem.message for problem in raised.value.problems)
