from datetime import date

import pytest

from kiosk.engine import load_content, resolve

from .conftest import BASE_ANSWERS, TODAY


def by_id(result):
    return {p.id: p for p in result.procedures}


def test_procedures_apply_with_their_reasons(toy):
    result = by_id(resolve(toy, "toy", BASE_ANSWERS, TODAY))
    assert set(result) == {"todoke", "kokuho_loss", "sosaihi", "nenkin_todoke", "sozoku_hoki", "bank"}
    assert result["nenkin_todoke"].reasons == ("年金を受けていたため", "65歳以上だったため")
    assert not any(p.conditional for p in result.values())


def test_route_is_grouped_by_counter_in_visit_order_then_other_offices_then_private(toy):
    result = resolve(toy, "toy", BASE_ANSWERS, TODAY)
    route = [(stop.group, stop.place_id, [p.id for p in stop.procedures]) for stop in result.stops]
    assert route == [
        ("city", "shimin", ["todoke"]),
        ("city", "hoken", ["kokuho_loss", "sosaihi"]),
        ("agency", "nenkin", ["nenkin_todoke", "sozoku_hoki"]),
        ("private", "bank", ["bank"]),
    ]


def test_the_checklist_names_each_item_once(toy):
    result = resolve(toy, "toy", BASE_ANSWERS, TODAY)
    ids = [entry.id for entry in result.checklist]
    assert ids == ["id_card", "hokensho", "kaiso", "koza", "nenkin_shosho"]
    id_card = result.checklist[0]
    assert set(id_card.needed_for) == {"todoke", "kokuho_loss", "sosaihi", "nenkin_todoke", "bank"}


def test_wakaranai_keeps_a_procedure_as_conditional_with_a_hint(toy):
    answers = {**BASE_ANSWERS, "insurance": "unknown", "funeral_held": "yes"}
    result = by_id(resolve(toy, "toy", answers, TODAY))
    assert result["kokuho_loss"].conditional
    assert result["kokuho_loss"].hints == ("保険証を見るとわかります",)
    assert result["sosaihi"].conditional
    assert result["sosaihi"].hints == ("保険証を見るとわかります",)  # from the question's unknown_hint


def test_a_known_no_drops_the_procedure(toy):
    answers = {**BASE_ANSWERS, "benefits": ("none",), "age": 50}
    assert "nenkin_todoke" not in by_id(resolve(toy, "toy", answers, TODAY))


def test_one_true_reason_outweighs_an_unknown_one(toy):
    answers = {**BASE_ANSWERS, "benefits": ("unknown",), "age": 70}
    proc = by_id(resolve(toy, "toy", answers, TODAY))["nenkin_todoke"]
    assert not proc.conditional
    assert proc.reasons == ("65歳以上だったため",)


def test_items_only_needed_for_conditional_procedures_are_marked(toy):
    answers = {
        **BASE_ANSWERS,
        "insurance": "unknown",
        "funeral_held": "yes",
        "filed": "yes",
        "benefits": ("none",),
        "age": 50,
    }
    checklist = {e.id: e for e in resolve(toy, "toy", answers, TODAY).checklist}
    assert checklist["hokensho"].conditional
    assert not checklist["id_card"].conditional  # the bank needs it anyway


def test_incomplete_answers_still_give_a_result_with_everything_that_might_apply(toy):
    result = resolve(toy, "toy", {"death_date": "2026-06-12"}, TODAY)
    assert not result.progress.complete
    procs = by_id(result)
    assert procs["kokuho_loss"].conditional and procs["todoke"].conditional
    assert not procs["sozoku_hoki"].conditional


def test_the_json_result_has_the_contract_fields(toy):
    data = resolve(toy, "toy", BASE_ANSWERS, TODAY).to_dict()
    assert data["event"] == "toy"
    first = data["procedures"][0]
    for key in ("id", "title", "group", "counter", "deadline", "items", "reasons", "conditional"):
        assert key in first
    assert data["procedures"][2]["fee"] == "5万円"
    assert data["items"][0] == {
        "id": "id_card",
        "name": "本人確認書類",
        "note": None,
        "for": ["todoke", "kokuho_loss", "sosaihi", "nenkin_todoke", "bank"],
        "conditional": False,
        "optional": False,
    }


KINDS = """
fukuji:
  title: 復氏届
  short: 旧姓に戻す
  group: city
  counter: shimin
  kind: optional
  deadline: {kind: none}
  items: [id_card, nenkin_shosho]
oshirase:
  title: マイナンバーのお知らせ
  short: 手続きは要りません
  group: city
  counter: shimin
  kind: information
  items: []
"""
KIND_ATTACHMENTS = """
  - procedure: fukuji
    reason: 旧姓に戻したいときのため
  - procedure: oshirase
    reason: お知らせのため
"""


@pytest.fixture
def with_kinds(toy_copy):
    """The toy content plus one 「希望する場合」 procedure and one 「お知らせ」."""
    (toy_copy / "procedures" / "kinds.yaml").write_text(KINDS, encoding="utf-8")
    flow = toy_copy / "toy.yaml"
    flow.write_text(flow.read_text(encoding="utf-8") + KIND_ATTACHMENTS, encoding="utf-8")
    return load_content(toy_copy)


def test_kinds_are_exposed_apart_and_only_required_ones_are_counted(with_kinds):
    result = resolve(with_kinds, "toy", BASE_ANSWERS, TODAY)
    assert [p.id for p in result.optional] == ["fukuji"]
    assert [p.id for p in result.information] == ["oshirase"]
    assert {p.id for p in result.required} == {
        "todoke",
        "kokuho_loss",
        "sosaihi",
        "nenkin_todoke",
        "sozoku_hoki",
        "bank",
    }
    assert not any(p.counted for p in (*result.optional, *result.information))
    assert all(p.counted for p in result.required)
    kinds = {p["id"]: p["kind"] for p in result.to_dict()["procedures"]}
    assert (kinds["fukuji"], kinds["oshirase"], kinds["todoke"]) == ("optional", "information", "required")


def test_items_needed_only_for_optional_procedures_are_marked(with_kinds):
    answers = {**BASE_ANSWERS, "benefits": ("none",), "age": 50}
    result = resolve(with_kinds, "toy", answers, TODAY)
    checklist = {entry.id: entry for entry in result.checklist}
    assert "fukuji" in checklist["id_card"].needed_for  # an optional procedure still needs its items
    assert not checklist["id_card"].optional  # needed for required procedures too
    assert checklist["nenkin_shosho"].optional  # no 年金 procedure here: only 復氏届 needs it
    assert all("oshirase" not in entry.needed_for for entry in result.checklist)  # this one needs nothing


def test_deadlines_owed_to_the_city_or_an_agency_move_off_closed_days_but_private_ones_do_not(toy):
    # 6/7 (Sun) as day 1 of 14 → 6/20 (Sat): 国保 (city) and 年金 (agency, 10 days → 6/16 Tue, open) by law.
    answers = {**BASE_ANSWERS, "death_date": "2026-06-07", "known_later": "no"}
    procs = by_id(resolve(toy, "toy", answers, TODAY))
    assert (procs["kokuho_loss"].deadline.moved_from, procs["kokuho_loss"].deadline.date) == (
        date(2026, 6, 20),
        date(2026, 6, 22),
    )
    assert procs["kokuho_loss"].deadline.closed_day_rule == "city"
    assert procs["nenkin_todoke"].deadline.closed_day_rule == "agency"
    assert procs["bank"].deadline.closed_day_rule is None


def test_a_flows_own_note_deadline_and_extra_items_for_a_procedure_are_used(toy_copy):
    flow = toy_copy / "toy.yaml"
    text = flow.read_text(encoding="utf-8")
    old = "    reason: 国民健康保険に入っていたため\n"
    assert old in text
    flow.write_text(text.replace(old, old + (
        "    note: この流れでの注意です。\n"
        "    deadline: {days: 5, from: event}\n"
        "    extra_items:\n"
        "      - {item: koza, when: {equals: [insurance, kokuho]}}\n"
        "      - {item: nenkin_shosho, when: {gte: [age, 65]}}\n"
    ), 1), encoding="utf-8")
    content = load_content(toy_copy)

    def kokuho(answers):
        result = resolve(content, "toy", answers, TODAY)
        return next(proc for proc in result.procedures if proc.id == "kokuho_loss")

    known = kokuho(BASE_ANSWERS)
    assert known.note == "この流れでの注意です。"
    # The flow's 5 days from the death (12 June counted as the first) replace the procedure's own 14.
    assert known.deadline.date == date(2026, 6, 16) and known.deadline.text_key == "flow.toy.p.kokuho_loss.deadline"
    assert known.item_ids[-2:] == ("koza", "nenkin_shosho") and not known.conditional_item_ids
    unsure = kokuho({**BASE_ANSWERS, "age": "unknown"})
    assert "nenkin_shosho" in unsure.item_ids and unsure.conditional_item_ids == frozenset({"nenkin_shosho"})
