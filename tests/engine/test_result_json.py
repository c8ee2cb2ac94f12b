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
