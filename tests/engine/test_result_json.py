"""The result as JSON (the API's result, `kiosk resolve`, the print view read it): every field a client reads is
there under its name, with its value, for the toy flow. New fields may be added; none may be renamed or lost."""

from __future__ import annotations

from kiosk.engine import resolve

from .conftest import BASE_ANSWERS, TODAY


def result_dict(toy):
    return resolve(toy, "toy", BASE_ANSWERS, TODAY).to_dict()


def test_the_top_level_fields(toy):
    result = result_dict(toy)
    assert result.keys() >= {"answers", "city", "complete", "event", "items", "procedures", "route",
                             "sample_profile", "title", "today", "unanswered"}
    assert (result["title"], result["city"], result["today"]) == ("見本の流れ", "見本市", "2026-06-15")
    assert result["complete"] is True and result["unanswered"] == []
    assert result["answers"]["age"] == 78 and result["answers"]["benefits"] == ["pension"]


def test_the_route_stops(toy):
    route = result_dict(toy)["route"]
    assert all(stop.keys() >= {"group", "group_label", "place", "procedures"} for stop in route)
    assert [(stop["group"], stop["group_label"], stop["procedures"]) for stop in route] == [
        ("city", "この市役所で", ["todoke"]),
        ("city", "この市役所で", ["kokuho_loss", "sosaihi"]),
        ("agency", "ほかの機関で", ["nenkin_todoke", "sozoku_hoki"]),
        ("private", "民間の手続き", ["bank"]),
    ]
    assert route[0]["place"] is not None and route[0]["place"]["id"] == "shimin"


def test_each_procedures_fields_and_its_deadline(toy):
    procedures = {p["id"]: p for p in result_dict(toy)["procedures"]}
    todoke = procedures["todoke"]
    assert todoke.keys() >= {"applicant", "basis", "conditional", "counter", "deadline", "fee", "group", "hints", "id",
                             "items", "note", "online", "reasons", "short", "title", "verify"}
    assert (todoke["title"], todoke["group"], todoke["counter"]["id"]) == ("死亡届", "city", "shimin")
    assert todoke["counter"]["name"] == "市民課"
    assert procedures["sosaihi"]["fee"] == "5万円" and todoke["fee"] is None
    deadline = todoke["deadline"]
    assert deadline.keys() >= {"kind", "text", "date", "date_text", "moved_from", "moved_because", "overdue",
                               "counted_from"}
    assert deadline["kind"] == "period"
    assert deadline["text"].startswith("亡くなったことを知った日を含めて7日以内")
    assert (deadline["date"], deadline["date_text"]) == ("2026-06-18", "2026年6月18日（木）")
    assert (deadline["moved_from"], deadline["moved_because"], deadline["overdue"]) == (None, None, False)
    assert deadline["counted_from"] == "2026-06-12"
    bank = procedures["bank"]["deadline"]
    assert (bank["date"], bank["date_text"], bank["counted_from"], bank["overdue"]) == (None, None, None, False)


def test_a_moved_deadline_says_from_which_day_and_why(toy):
    answers = {**BASE_ANSWERS, "death_date": "2026-06-14", "funeral_date": "2026-06-14"}
    procedures = {p["id"]: p for p in resolve(toy, "toy", answers, TODAY).to_dict()["procedures"]}
    deadline = procedures["todoke"]["deadline"]
    assert (deadline["moved_from"], deadline["date"], deadline["moved_because"]) == ("2026-06-20", "2026-06-22",
                                                                                     "土曜日")


class KeyedLocalizer:
    """Shows the key each text was looked up under beside its source, as a translation would be found by it."""

    def content(self, key, source_text):
        return f"<{key}>{source_text or ''}"

    def phrase(self, key, source, **params):
        return f"<{key}>"


def test_every_text_of_a_procedure_is_looked_up_under_its_own_key(toy_copy):
    from kiosk.engine import load_content

    procedures = toy_copy / "procedures" / "a.yaml"
    text = procedures.read_text(encoding="utf-8")
    text = text.replace("  check_hint: 保険証を見るとわかります\n",
                        "  check_hint: 保険証を見るとわかります\n  applicant: ご遺族\n  basis: 国民健康保険法 第9条\n"
                        "  note: 保険証を返します。\n"
                        "  online: {name: 電子申請, url: \"https://example.jp/kokuho\"}\n", 1)
    procedures.write_text(text, encoding="utf-8")
    result = resolve(load_content(toy_copy), "toy", BASE_ANSWERS, TODAY).to_dict(KeyedLocalizer())
    assert (result["title"], result["city"]) == ("<flow.toy.title>見本の流れ", "<municipality.city>見本市")
    (kokuho,) = [proc for proc in result["procedures"] if proc["id"] == "kokuho_loss"]
    key = "procedure.kokuho_loss"
    assert {name: value for name, value in kokuho.items() if name not in ("deadline", "conditional")} == {
        "id": "kokuho_loss",
        "title": f"<{key}.title>国民健康保険 資格喪失届",
        "short": f"<{key}.short>国保をやめる",
        "group": "city",
        "kind": "required",
        "counter": {"id": "hoken", "kind": "counter", "name": "<counter.hoken.name>保険年金課",
                    "floor": "<counter.hoken.floor>1階", "window": "<counter.hoken.window>5番"},
        "items": [{"id": "id_card", "name": "<item.id_card.name>本人確認書類"},
                  {"id": "hokensho", "name": "<item.hokensho.name>保険証"}],
        "reasons": ["<flow.toy.p.kokuho_loss.reason.0>国民健康保険に入っていたため"],
        "hints": [],  # a hint only where the family did not know
        "applicant": f"<{key}.applicant>ご遺族",
        "fee": None,
        "online": {"name": f"<{key}.online>電子申請", "url": "https://example.jp/kokuho"},
        "basis": f"<{key}.basis>国民健康保険法 第9条",
        "note": f"<{key}.note>保険証を返します。 <flow.toy.p.kokuho_loss.note>",
        "verify": None,
    }
    unsure = resolve(load_content(toy_copy), "toy", {**BASE_ANSWERS, "insurance": "unknown"}, TODAY)
    (kokuho,) = [proc for proc in unsure.to_dict(KeyedLocalizer())["procedures"] if proc["id"] == "kokuho_loss"]
    assert kokuho["conditional"] is True and kokuho["hints"] == [f"<{key}.check_hint>保険証を見るとわかります"]
    (sosaihi,) = [proc for proc in result["procedures"] if proc["id"] == "sosaihi"]
    assert sosaihi["fee"] == "<amount.sosaihi.text>5万円" and sosaihi["online"] is None
    nenkin = next(stop["place"] for stop in result["route"] if stop["group"] == "agency")
    assert nenkin == {"id": "nenkin", "kind": "agency", "name": "<office.nenkin.name>年金事務所"}
    assert [stop["group_label"] for stop in result["route"]][-1].startswith("<")
    (hokensho,) = [entry for entry in result["items"] if entry["id"] == "hokensho"]
    assert hokensho["name"] == "<item.hokensho.name>保険証" and hokensho["note"] == "<item.hokensho.note>"
