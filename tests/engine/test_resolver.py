from kiosk.engine import resolve

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
    }
